"""The contract's proto (proto/ordo/v1) is `buf lint` clean with buf's default rules, and
changes to it do not break what was merged before (`buf breaking`): the proto merged into main
before this commit (on main itself: the commit before; the first proto has nothing to break).
buf is npm's @bufbuild/buf, pinned in tests/node (scripts/test installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUF = ROOT / "tests/node/node_modules/.bin/buf"


def buf(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    if not BUF.exists():
        pytest.fail("buf is not installed: run scripts/test (npm ci in tests/node)")
    return subprocess.run(
        [BUF, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_the_proto_is_buf_lint_clean() -> None:
    result = buf("lint", "proto")
    assert result.returncode == 0, result.stdout + result.stderr


def test_buf_lint_refuses_a_field_not_in_snake_case(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "proto", tmp_path / "proto")
    service = tmp_path / "proto/ordo/v1/order_service.proto"
    service.write_text(service.read_text().replace("string order_id = 1;", "string orderId = 1;"))
    result = buf("lint", "proto", cwd=tmp_path)
    assert result.returncode != 0 and "should be lower_snake_case" in result.stdout


def _merged_before() -> str:
    head, main = (git("rev-parse", ref).stdout.strip() for ref in ("HEAD", "main"))
    return "HEAD~1" if head == main or not main else "main"


def _proto_at(ref: str, into: Path) -> Path | None:
    if git("cat-file", "-e", f"{ref}:proto/buf.yaml").returncode != 0:
        return None
    archive = subprocess.run(
        ["git", "archive", ref, "proto"], cwd=ROOT, capture_output=True, timeout=60, check=True
    )
    subprocess.run(["tar", "-x", "-C", into], input=archive.stdout, check=True, timeout=60)
    return into / "proto"


def test_the_proto_breaks_nothing_merged_before(tmp_path: Path) -> None:
    before = _proto_at(_merged_before(), tmp_path)
    if before is None:
        pytest.skip("no proto was merged before this one")
    result = buf("breaking", "proto", "--against", before)
    assert result.returncode == 0, result.stdout + result.stderr


def test_buf_breaking_refuses_a_renumbered_field(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "proto", tmp_path / "proto")
    order = tmp_path / "proto/ordo/v1/order.proto"
    order.write_text(order.read_text().replace("string total = 7;", "string total = 70;"))
    result = buf("breaking", tmp_path / "proto", "--against", ROOT / "proto")
    assert result.returncode != 0 and "total" in result.stdout

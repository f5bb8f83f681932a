"""The locks scripts/install installs from agree with pyproject.toml: every requirement there is
met by a pinned, hashed version here, so editing pyproject without `scripts/lock` fails CI."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)", re.MULTILINE)
HASHED_PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+) \\\n +--hash=sha256:[0-9a-f]{64}", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def requirements(*extras: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    declared = project["dependencies"] + PYPROJECT["build-system"]["requires"]
    for extra in extras:
        declared = declared + project["optional-dependencies"][extra]
    return [Requirement(line) for line in declared]


@pytest.mark.parametrize(
    ("lock", "extras"), [("dev.lock", ("dev",)), ("bench.lock", ("dev", "bench"))]
)
def test_every_declared_requirement_is_met_by_the_lock(lock: str, extras: tuple[str, ...]) -> None:
    locked = pins(lock)
    unmet = []
    for req in requirements(*extras):
        version = locked.get(canonicalize_name(req.name))
        if version is None or not req.specifier.contains(version, prereleases=True):
            unmet.append(f"{req} (locked: {version})")
    assert unmet == []


@pytest.mark.parametrize("lock", ["dev.lock", "bench.lock"])
def test_every_pin_has_a_hash(lock: str) -> None:
    # pip's --require-hashes would refuse the lock otherwise; this says which line.
    text = (ROOT / "requirements" / lock).read_text()
    assert set(PIN.findall(text)) - set(HASHED_PIN.findall(text)) == set()


def test_the_bench_lock_keeps_the_dev_lock_s_versions() -> None:
    dev, bench = pins("dev.lock"), pins("bench.lock")
    assert {name: bench.get(name) for name in dev} == dev


def test_strawberry_and_graphql_core_are_pinned_exactly() -> None:
    # The prepared plans use their internals (README, Dependencies and why).
    exact = {req.name: str(req.specifier) for req in requirements()}
    locked = pins("dev.lock")
    for name in ("strawberry-graphql", "graphql-core"):
        assert exact[name] == f"=={locked[name]}"

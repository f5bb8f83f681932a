"""Every Lua script's shape (STYLE.md): a `#!lua` first line (Redis 7 script flags: a script
touches only its declared keys), KEYS and ARGV bound to named locals in the first lines, and
never indexed again after them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

LUA = Path(__file__).resolve().parents[2] / "lua"
SCRIPTS = sorted(LUA.glob("*.lua"))  # lib/ holds the prelude, not scripts
MAX_BINDING_LINES = 10
_ARGS = re.compile(r"\b(KEYS|ARGV)\b")


def code(line: str) -> str:
    """The line without its comment (no script puts "--" inside a string)."""
    return line.split("--", 1)[0].rstrip()


def binding_block(path: Path) -> tuple[list[str], list[str]]:
    """The lines from the first code line to the first blank line, and every line after."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    first = next(i for i, line in enumerate(lines) if code(line))
    end = next((i for i in range(first, len(lines)) if not lines[i].strip()), len(lines))
    return lines[first:end], lines[end:]


def test_there_are_scripts_to_check() -> None:
    assert {"create_order", "complete_order", "cancel_order", "create_promo"} <= {
        path.stem for path in SCRIPTS
    }


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_script_starts_with_the_lua_shebang(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == "#!lua"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_script_binds_keys_to_named_locals_in_its_first_lines(path: Path) -> None:
    block, _ = binding_block(path)
    assert len(block) <= MAX_BINDING_LINES, f"{path.name}: binding block runs on"
    first = code(block[0])
    assert re.fullmatch(r"local [a-z_][a-z0-9_]*(, [a-z_][a-z0-9_]*)* = KEYS\[1\].*", first), (
        f"{path.name}: the first code line must bind KEYS[1] to a named local: {first!r}"
    )


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_script_binds_argv_only_in_its_first_lines(path: Path) -> None:
    block, _ = binding_block(path)
    text = path.read_text(encoding="utf-8")
    if "ARGV" in text:
        assert any("ARGV" in code(line) for line in block), f"{path.name}: ARGV bound late"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_script_never_touches_keys_or_argv_after_its_binding_lines(path: Path) -> None:
    _, body = binding_block(path)
    late = [line for line in body if _ARGS.search(code(line))]
    assert late == [], f"{path.name} uses KEYS/ARGV after binding them: {late}"


def test_prelude_never_touches_keys_or_argv() -> None:
    lines = (LUA / "lib" / "prelude.lua").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if _ARGS.search(code(line))] == []

"""Every Lua script's shape (STYLE.md): a `#!lua` first line (Redis 7 script flags: a script
touches only its declared keys); its first code lines bind KEYS[1..n], in order, to locals named
as the fields of its layout in store/layouts.py, and ARGV[1..n] likewise to its layout in
store/argv.py (the rest of ARGV, if any, to the locals named there); KEYS and ARGV appear
nowhere else; and it answers only through the prelude's envelope helpers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from store.argv import ARGV, ARGV_REST
from store.layouts import LAYOUTS, REST

LUA = Path(__file__).resolve().parents[2] / "lua"
PRELUDE = LUA / "lib" / "prelude.lua"
SCRIPTS = sorted(LUA.glob("*.lua"))  # lib/ holds the prelude, not scripts
_ARGS = re.compile(r"\b(KEYS|ARGV)\b")
_BINDING = re.compile(r"local ([a-z_][a-z0-9_]*(?:, [a-z_][a-z0-9_]*)*) = (.+)")
_KEY = re.compile(r"KEYS\[(\d+)\]")
_REST = re.compile(r"slice\(KEYS, (\d+)\)")  # the prelude's copy of KEYS[n..]
_INDEX = re.compile(r"\b(?:KEYS|ARGV)\[([^\]]*)\]")
_ARGV_AT = re.compile(r"\bARGV\[(\d+)\]")
_ARGV_WHOLE = re.compile(r"\b\w+\(ARGV, ([^,)]+)")  # a prelude helper given ARGV from an index


def code(line: str) -> str:
    """The line without its comment (no script puts "--" inside a string)."""
    return line.split("--", 1)[0].rstrip()


def binding_block(text: str) -> tuple[list[str], list[str]]:
    """The binding lines (from the first code line, each line naming KEYS or ARGV) and the
    code lines after them. A line that names neither ends the block, blank or not."""
    lines = [code(line) for line in text.splitlines()[1:]]
    first = next(i for i, line in enumerate(lines) if line)
    end = next((i for i in range(first, len(lines)) if not _ARGS.search(lines[i])), len(lines))
    return lines[first:end], lines[end:]


def split_top_level(expressions: str) -> list[str]:
    """`a, f(b, c), d[1]` as its three expressions."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(expressions):
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            parts.append(expressions[start:i].strip())
            start = i + 1
    return [*parts, expressions[start:].strip()]


def bindings(block: list[str]) -> list[tuple[str, str]]:
    """(local name, expression) for every name the block binds, in order."""
    pairs = []
    for line in block:
        match = _BINDING.fullmatch(line)
        assert match, f"not a binding of named locals: {line!r}"
        names, expressions = match[1].split(", "), split_top_level(match[2])
        assert len(names) == len(expressions), f"names and values differ in number: {line!r}"
        pairs += zip(names, expressions, strict=True)
    return pairs


def key_bindings(text: str) -> tuple[list[tuple[str, int]], tuple[str, int] | None]:
    """The locals bound to KEYS[n], with n; and the local bound to slice(KEYS, n), if any."""
    keys, rest = [], None
    for name, expression in bindings(binding_block(text)[0]):
        if "KEYS" not in expression:
            continue
        if single := _KEY.fullmatch(expression):
            keys.append((name, int(single[1])))
        elif tail := _REST.fullmatch(expression):
            assert rest is None, f"KEYS sliced twice: {expression!r}"
            rest = (name, int(tail[1]))
        else:
            raise AssertionError(f"KEYS used otherwise than KEYS[n] or slice: {expression!r}")
    return keys, rest


def argv_bindings(text: str) -> tuple[list[tuple[str, int]], list[tuple[str, str]]]:
    """The locals bound to ARGV[n], with n; and those bound to a helper given ARGV whole, with
    the index it starts at (an expression)."""
    fixed, rest = [], []
    for name, expression in bindings(binding_block(text)[0]):
        if "ARGV" not in expression:
            continue
        at, whole = _ARGV_AT.findall(expression), _ARGV_WHOLE.search(expression)
        if len(at) == 1 and expression.count("ARGV") == 1:
            fixed.append((name, int(at[0])))
        elif not at and whole:
            rest.append((name, whole[1]))
        else:
            raise AssertionError(f"ARGV used otherwise than ARGV[n] or whole: {expression!r}")
    return fixed, rest


def argv_problems(text: str, layout: list[str] | None, rest: tuple[str, ...]) -> list[str]:
    """What is wrong with a script's ARGV bindings; `layout`: its ARGV layout's fields and
    `rest` the locals after them (layout None: neither compared)."""
    try:
        fixed, tail = argv_bindings(text)
    except AssertionError as error:
        return [str(error)]
    problems = []
    if layout is not None and [name for name, _ in fixed] != layout:
        problems.append(f"ARGV locals {[name for name, _ in fixed]} are not the layout {layout}")
    if layout is not None and tuple(name for name, _ in tail) != rest:
        problems.append(f"the ARGV after the layout: {tail}, not {rest}")
    if tail and tail[0][1] != str(len(fixed) + 1):
        problems.append(f"the rest of ARGV does not start right after ARGV[{len(fixed)}]: {tail}")
    return problems


def binding_problems(
    text: str,
    layout: list[str] | None,
    rest: str | None,
    argv: list[str] | None = None,
    argv_rest: tuple[str, ...] = (),
) -> list[str]:
    """What is wrong with a script's bindings; `layout`: its KEYS locals, `argv` its ARGV
    locals (None: not compared)."""
    block, body = binding_block(text)
    try:
        keys, sliced = key_bindings(text)
    except AssertionError as error:
        return [str(error)]
    problems = []
    if [n for _, n in keys] != list(range(1, len(keys) + 1)):
        problems.append(f"KEYS positions with gaps or out of order: {keys}")
    if layout is not None and [name for name, _ in keys] != layout:
        problems.append(f"KEYS locals {[name for name, _ in keys]} are not the layout {layout}")
    if layout is not None and sliced != ((rest, len(layout) + 1) if rest else None):
        problems.append(f"the KEYS after the layout: {sliced}, not {rest}")
    indexes = [index for line in block for index in _INDEX.findall(line)]
    if not all(index.isdigit() for index in indexes):
        problems.append(f"a computed index: {indexes}")
    positions = [int(n) for line in block for n in _ARGV_AT.findall(line)]
    if positions != list(range(1, len(positions) + 1)):
        problems.append(f"ARGV positions with gaps or out of order: {positions}")
    problems += argv_problems(text, argv, argv_rest)
    problems += [
        f"KEYS/ARGV after the binding lines: {line}" for line in body if _ARGS.search(line)
    ]
    return problems


def test_there_are_scripts_to_check() -> None:
    assert {"create_order", "complete_order", "cancel_order", "create_promo"} <= {
        path.stem for path in SCRIPTS
    }


def test_every_script_has_a_layout_and_every_layout_a_script() -> None:
    assert set(LAYOUTS) == {path.stem for path in SCRIPTS}
    assert set(REST) <= set(LAYOUTS)
    assert set(ARGV) == {path.stem for path in SCRIPTS}
    assert set(ARGV_REST) <= set(ARGV)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_script_starts_with_the_lua_shebang(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == "#!lua"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_script_binds_its_layout_and_argv_in_its_first_lines_and_never_again(path: Path) -> None:
    layout = list(LAYOUTS[path.stem]._fields)  # type: ignore[attr-defined]
    argv = list(ARGV[path.stem]._fields)  # type: ignore[attr-defined]
    text = path.read_text(encoding="utf-8")
    problems = binding_problems(
        text, layout, REST.get(path.stem), argv, ARGV_REST.get(path.stem, ())
    )
    assert problems == [], path.name


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_script_answers_only_through_the_envelope_helpers(path: Path) -> None:
    """No bare literal: a table, string, number or boolean returned at the script's level.
    (Local functions may return plain values: they are not replies.)"""
    lines = [code(line) for line in path.read_text(encoding="utf-8").splitlines()]
    literal = re.compile(r"\s*return\s*(?:[{'\"\d]|true\b|false\b|nil\b|$)")
    replies = _script_level_returns(lines)
    assert replies, f"{path.name} returns nothing"
    assert [line for line in replies if literal.match(line)] == [], path.name


def _script_level_returns(lines: list[str]) -> list[str]:
    """The `return` lines outside every `local function ... end` (found by indentation: a
    script's local functions start at column 0 and end at a column-0 `end`)."""
    found, inside = [], False
    for line in lines:
        if line.startswith("local function"):
            inside = True
        elif inside and line == "end":
            inside = False
        elif not inside and line.lstrip().startswith("return"):
            found.append(line)
    return found


def test_only_the_prelude_builds_the_envelope() -> None:
    text = PRELUDE.read_text(encoding="utf-8")
    assert "return {outcome, ...}" in text
    returned = [code(line) for line in text.splitlines() if re.match(r"\s*return\s*\{", line)]
    assert returned == ["  return {outcome, ...}"]


def test_prelude_never_touches_keys_or_argv() -> None:
    lines = PRELUDE.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if _ARGS.search(code(line))] == []


# The checks above, shown to fail on the scripts they exist to refuse.
_BAD = {
    "a gap": "#!lua\nlocal order_key, promo_key = KEYS[1], KEYS[3]\n",
    "ARGV in a loop": "#!lua\nlocal k = KEYS[1]\n\nfor i = 1, #ARGV do\n  x(ARGV[i])\nend\n",
    "a loop in the block": "#!lua\nlocal k = KEYS[1]\nfor i = 1, #ARGV do\n  x(ARGV[i])\nend\n",
    "late KEYS": "#!lua\nlocal k = KEYS[1]\nlocal n = 1\nlocal j = KEYS[2]\n",
    "a computed index": "#!lua\nlocal k = KEYS[1]\nlocal a = ARGV[1 + 1]\n",
    "ARGV out of order": "#!lua\nlocal k = KEYS[1]\nlocal a, b = ARGV[2], ARGV[1]\n",
    "KEYS passed whole": "#!lua\nlocal k = KEYS[1]\nlocal all = f(KEYS)\n",
    "ARGV whole and indexed": "#!lua\nlocal k = KEYS[1]\nlocal a = f(ARGV, 2, tonumber(ARGV[1]))\n",
    "two ARGV in one value": "#!lua\nlocal k = KEYS[1]\nlocal a = ARGV[1] .. ARGV[2]\n",
    "a rest after a gap": "#!lua\nlocal k = KEYS[1]\nlocal a = ARGV[1]\nlocal b = slice(ARGV, 3)\n",
}


@pytest.mark.parametrize("name", sorted(_BAD))
def test_the_binding_checks_refuse_a_bad_script(name: str) -> None:
    assert binding_problems(_BAD[name], None, None) != []


def test_the_binding_checks_refuse_argv_out_of_step_with_its_layout() -> None:
    text = (LUA / "update_order.lua").read_text(encoding="utf-8")
    keys = list(LAYOUTS["update_order"]._fields)  # type: ignore[attr-defined]
    argv = list(ARGV["update_order"]._fields)  # type: ignore[attr-defined]
    swapped = [argv[1], argv[0], *argv[2:]]
    assert binding_problems(text, keys, None, argv, ("cancel_ids", "items")) == []
    assert binding_problems(text, keys, None, swapped, ("cancel_ids", "items")) != []
    assert binding_problems(text, keys, None, argv[:-1], ("cancel_ids", "items")) != []
    assert binding_problems(text, keys, None, argv, ("items", "cancel_ids")) != []

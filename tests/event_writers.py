"""Which Lua scripts append to an order's stream, read from the scripts themselves: a new
script that writes an event is found without anyone listing it (the feed's tests must run
every one of them: tests/integration/test_feed.py)."""

from __future__ import annotations

import re
from pathlib import Path

LUA = Path(__file__).resolve().parents[1] / "lua"
PRELUDE = LUA / "lib" / "prelude.lua"
_FUNCTION = re.compile(r"^local function ([a-z_][a-z0-9_]*)\(", re.MULTILINE)
_XADD = re.compile(r"""['"]XADD['"]""", re.IGNORECASE)


def code(text: str) -> str:
    """The text without its comments (no script puts "--" inside a string)."""
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


def _calls(text: str, names: set[str]) -> bool:
    return any(re.search(rf"\b{name}\(", text) for name in names)


def appenders(prelude: str) -> set[str]:
    """The prelude's functions that append an event, themselves or through another one
    (`release` calls `append_event`)."""
    text = code(prelude)
    starts = list(_FUNCTION.finditer(text))
    bodies = {
        match[1]: text[match.end() : starts[i + 1].start() if i + 1 < len(starts) else None]
        for i, match in enumerate(starts)
    }
    found = {"append_event"}
    while grown := {name for name, body in bodies.items() if _calls(body, found)} - found:
        found |= grown
    return found


def writes_events(script: str, helpers: set[str]) -> bool:
    """The script appends to a stream: through the prelude's helpers, or by an XADD of its
    own (which would bypass the feed)."""
    text = code(script)
    return _calls(text, helpers) or bool(_XADD.search(text))


def event_writing_scripts() -> set[str]:
    helpers = appenders(PRELUDE.read_text(encoding="utf-8"))
    return {
        path.stem
        for path in LUA.glob("*.lua")
        if writes_events(path.read_text(encoding="utf-8"), helpers)
    }

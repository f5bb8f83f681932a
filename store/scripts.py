"""The one script loader: read each lua/*.lua once, prepend the prelude, register it.

The stores use each registered script's SHA and text only: each backend recovers from NOSCRIPT
(a restarted or failed-over Redis has an empty script cache) itself, in one place
(store/), so a flushed cache is invisible to callers.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

SHEBANG = "#!lua"


@cache
def _read(name: str) -> str:
    return resources.files("lua").joinpath(name).read_text(encoding="utf-8")


def script_names() -> list[str]:
    return sorted(
        entry.name.removesuffix(".lua")
        for entry in resources.files("lua").iterdir()
        if entry.name.endswith(".lua")
    )


def source(name: str, *, shebang: bool = True) -> str:
    """The full text sent to Redis. fakeredis runs no `#!lua` scripts, so it gets none."""
    body = _read(f"{name}.lua")
    if body.startswith("#!"):
        body = body.split("\n", 1)[1]
    text = _read("lib/prelude.lua") + "\n" + body
    return f"{SHEBANG}\n{text}" if shebang else text


def register_all(client: Any, *, shebang: bool) -> dict[str, Any]:
    return {name: client.register_script(source(name, shebang=shebang)) for name in script_names()}

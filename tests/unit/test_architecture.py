"""The rooms of the house (docs/architecture.md) import only the rooms below them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROOMS = (
    "domain",
    "metrics",
    "lua",
    "store",
    "resolvers",
    "feed",
    "jobs",
    "engine",
    "schema",
    "ordo",
)
BELOW: dict[str, set[str]] = {
    "domain": set(),
    "metrics": {"domain"},
    "lua": set(),
    "store": {"domain", "metrics", "lua"},
    "resolvers": {"domain", "metrics", "lua", "store"},
    "feed": {"domain", "metrics", "store", "resolvers"},
    "jobs": {"domain", "metrics", "lua", "store", "resolvers", "feed"},
    "engine": set(),  # a library: it imports nothing of ordo's
    "schema": {"domain", "metrics", "store", "resolvers", "feed", "engine"},
    "ordo": {"domain", "metrics", "lua", "store", "resolvers", "feed", "jobs", "engine", "schema"},
}


def imported_rooms(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found & set(ROOMS)


@pytest.mark.parametrize("room", [room for room in ROOMS if (ROOT / room).is_dir()])
def test_a_room_imports_only_the_rooms_below_it(room: str) -> None:
    upward = {
        str(path.relative_to(ROOT)): sorted(imported_rooms(path) - BELOW[room] - {room})
        for path in sorted((ROOT / room).rglob("*.py"))
    }
    assert {path: rooms for path, rooms in upward.items() if rooms} == {}

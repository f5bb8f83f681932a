"""The engine's walls, read from the source: it imports nothing of ordo's, ordo reaches it only
through its door, only engine/compat names a library's private parts, and no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = sorted((ROOT / "engine").rglob("*.py"))
ORDOS = ("domain", "store", "resolvers", "schema", "ordo", "feed", "jobs", "metrics", "lua")
LIBRARIES = ("strawberry", "graphql", "cross_web", "starlette", "uvicorn", "redis")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of each import, wherever it is (TYPE_CHECKING's, a function's)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
    return found


def test_the_engine_imports_nothing_of_ordos() -> None:
    found = [
        (_module(path), module)
        for path in ENGINE
        for module, _ in _imports(path)
        if module.split(".")[0] in ORDOS
    ]
    assert found == []


def test_ordo_reaches_the_engine_only_through_its_door() -> None:
    outside = [
        path
        for folder in ("ordo", "schema", "resolvers", "bench")
        for path in (ROOT / folder).rglob("*.py")
    ]
    found = [
        (_module(path), module, names)
        for path in outside
        for module, names in _imports(path)
        if module.split(".")[0] == "engine" and (module != "engine" or "compat" in names)
    ]
    assert found == []


def test_only_compat_names_a_librarys_private_parts() -> None:
    found = []
    for path in ENGINE:
        if "compat" in path.parts:
            continue
        text = path.read_text()
        found += [
            (_module(path), word) for word in ("DEFINITION_BACKREF", "._schema") if word in text
        ]
        for module, names in _imports(path):
            private = [name for name in names if name.startswith("_")]
            if module.split(".")[0] in LIBRARIES and (private or "._" in f".{module}"):
                found.append((_module(path), module))
    assert found == []


def test_no_module_of_the_engine_imports_itself_back() -> None:
    """Not even for type checking (plans.py and plain.py once did)."""
    graph = {
        _module(path): {module for module, _ in _imports(path) if module.startswith("engine.")}
        for path in ENGINE
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for next_ in graph.get(start, ()):
            if next_ == goal or (next_ not in seen and reaches(next_, goal, seen | {next_})):
                return True
        return False

    assert [module for module in graph if reaches(module, module, set())] == []

"""bench/ and tests/ apart: the programs (bench/) and the helpers they share with the tests
(testing/) import nothing of tests/, and tests/ holds tests and their helpers, no programs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported(source: str) -> set[str]:
    """The top-level packages a module imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def is_program(source: str) -> bool:
    """A module meant to be run (`python -m …`): it has a `__main__` block."""
    return any(
        isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
        for node in ast.parse(source).body
    )


@pytest.mark.parametrize("folder", ["bench", "testing"])
def test_programs_and_shared_helpers_import_nothing_of_tests(folder: str) -> None:
    offending = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "tests" in imported(path.read_text(encoding="utf-8"))
    ]
    assert offending == []


def test_tests_hold_no_programs() -> None:
    programs = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if "node_modules" not in path.parts and is_program(path.read_text(encoding="utf-8"))
    ]
    assert programs == []


def test_the_checks_see_an_import_of_tests_and_a_program() -> None:
    assert "tests" in imported("from tests.support import unique\n")
    assert "tests" in imported("import tests.audit\n")
    assert "tests" not in imported("from testing.servers import unique\n")
    assert is_program("def main() -> None: ...\nif __name__ == '__main__':\n    main()\n")
    assert not is_program("def main() -> None: ...\n")

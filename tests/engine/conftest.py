"""The ported suites count the ways their cases took (tests/engine/harness.py) and the run
ends with the count per file: how many cases the engine really answered from a plan."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.engine import harness


@pytest.fixture(autouse=True)
def _tally_by_file(request: pytest.FixtureRequest) -> Iterator[None]:
    harness.current_file = request.path.name
    yield
    harness.current_file = ""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not harness.TALLY:
        return
    terminalreporter.section("engine: ways taken per file")
    files = sorted({file for file, _ in harness.TALLY})
    ways = (harness.PLAN, harness.GAVE_UP, harness.DECLINED)
    for file in files:
        counts = ", ".join(f"{harness.TALLY[(file, way)]} {way}" for way in ways)
        terminalreporter.write_line(f"{file}: {counts}")

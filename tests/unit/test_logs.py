"""ordo/logs.py: ordo's lines of one event-loop turn leave in one write; none is lost when a
turn ends, when no loop runs, or when the process exits before its loop turned again."""

from __future__ import annotations

import asyncio
import json
import logging
import logging.config
import subprocess
import sys

import pytest
import structlog

from ordo import logs
from ordo.logs import configure_logging, grpc_line, request_line
from tests.support import ROOT


class _Recorder:
    def __init__(self) -> None:
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)

    def flush(self) -> None:
        pass


async def test_the_lines_of_one_turn_are_one_write(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = _Recorder()
    monkeypatch.setattr(sys, "stderr", stderr)
    configure_logging()
    log = structlog.get_logger("ordo.test")
    for n in range(3):
        log.info("line", n=n)
    assert stderr.writes == []  # not before the turn ends
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    (written,) = stderr.writes
    assert [json.loads(line)["n"] for line in written.splitlines()] == [0, 1, 2]


def test_a_line_without_a_loop_is_written_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = _Recorder()
    monkeypatch.setattr(sys, "stderr", stderr)
    configure_logging()
    structlog.get_logger("ordo.test").warning("no loop")
    (written,) = stderr.writes
    assert json.loads(written)["event"] == "no loop"


def test_lines_of_a_last_turn_are_written_at_exit() -> None:
    program = (
        "import asyncio, structlog\n"
        "from ordo.logs import configure_logging\n"
        "configure_logging()\n"
        "async def main():\n"
        "    structlog.get_logger('x').info('last words')\n"
        "    raise SystemExit(3)\n"  # the loop never turns again
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3
    assert "last words" in done.stderr


async def test_the_request_line_is_what_structlog_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """request_line writes directly what `log.info("request", …)` would: the same keys in the
    same order, the request's context included, the same timestamp format."""
    stderr = _Recorder()
    monkeypatch.setattr(sys, "stderr", stderr)
    configure_logging()
    structlog.contextvars.bind_contextvars(request_id="r-1")
    try:
        request_line("POST", "/graphql", 200, 1.25)
        structlog.get_logger("ordo.http").info(
            "request", method="POST", route="/graphql", status=200, ms=1.25
        )
    finally:
        structlog.contextvars.unbind_contextvars("request_id")
    logs.flush()
    direct, structured = (json.loads(line) for line in "".join(stderr.writes).splitlines())
    assert list(direct) == list(structured)
    assert {**direct, "timestamp": None} == {**structured, "timestamp": None}
    assert len(direct["timestamp"]) == len(structured["timestamp"])
    assert direct["timestamp"].endswith("Z") and direct["request_id"] == "r-1"


async def test_the_grpc_line_is_what_structlog_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """grpc_line (ordo/rpc/calls.py's line per call) writes what `log.info("grpc call", …)`
    would, as request_line does for HTTP."""
    stderr = _Recorder()
    monkeypatch.setattr(sys, "stderr", stderr)
    configure_logging()
    grpc_line("CreateOrder", "OK", 0.75)
    structlog.get_logger("ordo.grpc").info(
        "grpc call", grpc_method="CreateOrder", code="OK", ms=0.75
    )
    logs.flush()
    direct, structured = (json.loads(line) for line in "".join(stderr.writes).splitlines())
    assert list(direct) == list(structured)
    assert {**direct, "timestamp": None} == {**structured, "timestamp": None}


def test_no_request_line_above_info(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = _Recorder()
    monkeypatch.setattr(sys, "stderr", stderr)
    configure_logging(logging.WARNING)
    try:
        request_line("GET", "/healthz", 200, 0.1)
        logs.flush()
        assert stderr.writes == []
    finally:
        configure_logging()


def test_uvicorn_writes_no_access_line_of_its_own() -> None:
    # uvicorn's protocol decides per connection, from the logger having handlers, whether to
    # build an access line for each response (quoting the path): after ordo's logging, not.
    from uvicorn.config import LOGGING_CONFIG, Config
    from uvicorn.server import ServerState

    from ordo.protocol import CorkedHttpToolsProtocol

    logging.config.dictConfig(LOGGING_CONFIG)  # what uvicorn.run does before the app loads
    assert logging.getLogger("uvicorn.access").hasHandlers()
    configure_logging()
    config = Config(app=lambda *_: None, http=CorkedHttpToolsProtocol, log_config=None)
    config.load()
    assert CorkedHttpToolsProtocol(config, ServerState(), {}).access_log is False

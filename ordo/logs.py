"""Structured JSON logs (structlog), one line per event, for ordo's and the libraries' loggers.

ordo's own lines take structlog's native path (a filtering bound logger writing rendered JSON
straight to stderr): measured here at ~9 µs a line against ~24 µs through stdlib logging,
which matters for the one line per request; the lines of one event-loop turn are written
together (_TurnLogger). Libraries' stdlib loggers (uvicorn) are rendered
as the same JSON by a stdlib formatter.

The request id is bound per request (contextvars) and shows on every line logged within it.
Tokens and request bodies are never logged.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson
import structlog

_SHARED: list[structlog.types.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


class _Stderr:
    """Whatever sys.stderr is when a line is written: loggers are cached on first use, and a
    stream fixed then would outlive a redirection made later (a test's capture, a reload)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


class _TurnLogger:
    """ordo's own lines: those of one event-loop turn go to stderr in one write at the end
    of the turn (a system call per request line is not free: docs/performance.md), written at
    once where no loop runs. A process killed outright loses at most one turn's lines."""

    def __init__(self) -> None:
        self._pending: list[str] = []

    def msg(self, message: str) -> None:
        if not self._pending:
            try:
                asyncio.get_running_loop().call_soon(self.flush)
            except RuntimeError:  # no loop: nothing would flush it
                _write(message + "\n")
                return
        self._pending.append(message + "\n")

    info = warning = error = critical = exception = debug = msg

    def flush(self) -> None:
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            _write(text)


def _write(text: str) -> None:
    stream = sys.stderr
    stream.write(text)
    stream.flush()


_LINES = _TurnLogger()
atexit.register(_LINES.flush)


def flush() -> None:
    """Write out the lines of the current loop turn now (a test reading them in-process)."""
    _LINES.flush()


def _dumps(event: Any, **options: Any) -> str:
    """JSON by orjson: a request line renders several times faster than by json
    (docs/performance.md)."""
    return orjson.dumps(event, **options).decode()


def request_line(method: str, route: str, status: int, ms: float) -> None:
    """The one line per request, as structlog renders an `info("request", …)` of logger
    `ordo.http` inside the request (the same keys in the same order, the request id from the
    context), written directly: structlog's processor chain, run for every request, cost
    several times this (docs/performance.md)."""
    _info({"method": method, "route": route, "status": status, "ms": ms, "event": "request"})


def grpc_line(method: str, code: str, ms: float) -> None:
    """The one line per gRPC call (ordo/rpc/calls.py), as structlog renders an
    `info("grpc call", grpc_method=…, code=…, ms=…)`, written directly as request_line is."""
    _info({"grpc_method": method, "code": code, "ms": ms, "event": "grpc call"})


def _info(line: dict[str, object]) -> None:
    if logging.root.level > logging.INFO:  # configure_logging sets the root's level
        return
    line.update(structlog.contextvars.get_contextvars())
    line["level"] = "info"
    line["timestamp"] = datetime.now(tz=UTC).isoformat().replace("+00:00", "Z")
    _LINES.msg(orjson.dumps(line).decode())


def configure_logging(level: int = logging.INFO) -> None:
    structlog.configure(
        processors=[
            *_SHARED,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(serializer=_dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=lambda *_: _LINES,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(_Stderr())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*_SHARED, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # One line per request comes from ordo's own middleware, with the request id. Without
    # handlers uvicorn's protocol skips its access line altogether: disabled alone, it still
    # quoted the path and called the logger for every response.
    access = logging.getLogger("uvicorn.access")
    access.disabled, access.propagate, access.handlers[:] = True, False, []
    # Strawberry logs every GraphQL error at error, the document's text included (a
    # GraphQLError prints its source), client mistakes alike: ordo/graphql.py logs the faults.
    logging.getLogger("strawberry.execution").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True

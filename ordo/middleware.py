"""Per-request edge concerns: request id, one log line, HTTP metrics, and a time limit."""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
import time

import structlog
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.errors import ErrorCode, OrdoError
from metrics.counters import child
from ordo.errors import send_error
from ordo.headers import header
from ordo.logs import request_line

HTTP_REQUESTS = Counter("ordo_http_requests_total", "HTTP requests.", ["route", "status"])
HTTP_SECONDS = Histogram(
    "ordo_http_request_seconds",
    "HTTP request latency.",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)
_INCOMING_ID = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")
_ROUTES = {"/graphql", "/orders", "/healthz", "/readyz", "/metrics", "/openapi.json"}


# Made ids: this process's random half, then a counter. Unique across processes and restarts
# like a uuid4, without a urandom call per request; they identify, they protect nothing.
_PROCESS_ID = secrets.token_hex(8)
_COUNTER = itertools.count()


def _new_request_id() -> str:
    return f"{_PROCESS_ID}{next(_COUNTER) & 0xFFFFFFFFFFFFFFFF:016x}"


def route_of(path: str) -> str:
    """A bounded label: the route's template, never a raw id."""
    if path in _ROUTES:
        return path
    return "/orders/{id}" if path.startswith("/orders/") else "other"


class RequestContext:
    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout
        self.limits: _Limits | None = None

    def _limits(self) -> _Limits:
        loop = asyncio.get_running_loop()
        if self.limits is None or self.limits.loop is not loop:
            self.limits = _Limits(loop, self.timeout)
        return self.limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = header(scope, b"x-request-id")
        request_id = given if _INCOMING_ID.fullmatch(given) else _new_request_id()
        route = route_of(scope["path"])
        started = time.perf_counter()
        status = 500
        responded = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        structlog.contextvars.bind_contextvars(request_id=request_id)
        limits = self._limits()
        limit = limits.start()
        try:
            await self.app(scope, receive, send_with_id)
        except asyncio.CancelledError:
            if not limit.expired:
                raise
        finally:
            limits.end(limit)
            if limit.expired and not responded:
                message = "the request took longer than its time limit"
                await send_error(scope, send_with_id, OrdoError(ErrorCode.UNAVAILABLE, message))
            elapsed = time.perf_counter() - started
            child(HTTP_REQUESTS, route, str(status)).inc()
            child(HTTP_SECONDS, route).observe(elapsed)
            request_line(scope["method"], route, status, round(elapsed * 1000, 2))
            structlog.contextvars.unbind_contextvars("request_id")


class _Limit:
    """One request's time limit: its task is cancelled when it passes."""

    __slots__ = ("deadline", "expired", "task")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.expired = False
        self.task = asyncio.current_task()

    def expire(self) -> None:
        self.expired = True
        if self.task is not None:
            self.task.cancel()

    def end(self) -> None:
        """Its cancellation, if it came, is taken back: the request answers 503 instead."""
        if self.expired and self.task is not None:
            self.task.uncancel()


class _Limits:
    """The time limits of one event loop's requests, watched by one timer that runs only
    while requests are in flight. A request costs a dict entry, where a timer of its own
    (call_later, then cancel, then the loop's cleanup) was work on every request
    (docs/performance.md). A request
    past its limit is cancelled at the next tick: at most an eighth of the limit late."""

    def __init__(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        self.loop = loop
        self.seconds = seconds
        self.tick = seconds / 8
        self.pending: dict[_Limit, None] = {}  # in the order they started: oldest first
        self.timer: asyncio.TimerHandle | None = None

    def start(self) -> _Limit:
        limit = _Limit(self.loop.time() + self.seconds)
        self.pending[limit] = None
        if self.timer is None:
            self.timer = self.loop.call_later(self.tick, self._check)
        return limit

    def end(self, limit: _Limit) -> None:
        del self.pending[limit]
        limit.end()

    def _check(self) -> None:
        now = self.loop.time()
        for limit in self.pending:  # every limit is as long: the first not due ends the due
            if limit.deadline > now:
                break
            if not limit.expired:
                limit.expire()
        self.timer = self.loop.call_later(self.tick, self._check) if self.pending else None

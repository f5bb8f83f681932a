"""What every gRPC call of ordo.v1 goes through, whatever its method: its caller from the
`authorization` metadata, its time limit, its errors as AIP-193 statuses, its count and
latency in /metrics, and its one log line (SPEC §11).

grpcio's server interceptors would do the same around a handler looked up per call; a wrapper
made once per method costs nothing per call beyond its own work.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar

import grpc
import structlog
from prometheus_client import Counter, Histogram

from domain.access import Caller
from domain.errors import ErrorCode, OrdoError, Unavailable
from feed.live import Overflowed
from metrics.counters import child
from ordo.auth import Authenticator
from ordo.logs import grpc_line
from ordo.rpc.errors import status_of, status_of_error

log = structlog.get_logger("ordo.grpc")

CALLS = Counter(
    "ordo_grpc_calls_total", "gRPC calls by method and status code.", ["method", "code"]
)
CALL_SECONDS = Histogram(
    "ordo_grpc_call_seconds",
    "gRPC call latency (a stream's: its whole life).",
    ["method"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)

Request = TypeVar("Request")
Response = TypeVar("Response")
Unary = Callable[[Any, Request, Caller], Awaitable[Response]]
Streaming = Callable[[Any, Request, Caller], AsyncIterator[Response]]
Handler = Callable[[Any, Request, grpc.aio.ServicerContext], Awaitable[Response]]
StreamHandler = Callable[[Any, Request, grpc.aio.ServicerContext], AsyncIterator[Response]]

MALFORMED = object()  # what ordo/rpc/server.py's deserializers make of bytes no message is
SLOW_STREAM = "too far behind: watch again from the last cursor received"


class Calls:
    """What a call needs from the process: whom it acts as, how long it may take."""

    def __init__(self, authenticator: Authenticator, timeout: float) -> None:
        self.authenticator = authenticator
        self.timeout = timeout

    async def caller(self, context: grpc.aio.ServicerContext) -> Caller:
        authorization = next(
            (value for key, value in context.invocation_metadata() or () if key == "authorization"),
            None,
        )
        found = await self.authenticator.caller(
            authorization if isinstance(authorization, str) else None
        )
        if isinstance(found, OrdoError):
            raise found
        return found

    def limit(self, context: grpc.aio.ServicerContext) -> float:
        """The call's time: ORDO_REQUEST_TIMEOUT, or the client's deadline if sooner, so
        the call ends DEADLINE_EXCEEDED with its details rather than cut off by the core."""
        remaining = context.time_remaining()
        return self.timeout if remaining is None else max(0.0, min(self.timeout, remaining))


def unary(
    method: str, renamed: Mapping[str, str] | None = None
) -> Callable[[Unary[Request, Response]], Handler[Request, Response]]:
    def decorate(call: Unary[Request, Response]) -> Handler[Request, Response]:
        @functools.wraps(call)
        async def handle(self: Any, request: Request, context: grpc.aio.ServicerContext) -> Any:
            calls: Calls = self.calls
            outcome = _Outcome(method, renamed)
            try:
                async with asyncio.timeout(calls.limit(context)):
                    refuse_malformed(request)
                    return await call(self, request, await calls.caller(context))
            except Exception as error:
                await outcome.abort(context, error)
            finally:
                outcome.end(context)

        return handle

    return decorate


def streaming(
    method: str, renamed: Mapping[str, str] | None = None
) -> Callable[[Streaming[Request, Response]], StreamHandler[Request, Response]]:
    """As `unary`, for a server stream: no time limit (a watch lasts), errors end it."""

    def decorate(call: Streaming[Request, Response]) -> StreamHandler[Request, Response]:
        @functools.wraps(call)
        async def handle(
            self: Any, request: Request, context: grpc.aio.ServicerContext
        ) -> AsyncIterator[Response]:
            outcome = _Outcome(method, renamed)
            try:
                refuse_malformed(request)
                async for item in call(self, request, await self.calls.caller(context)):
                    yield item
            except Exception as error:
                await outcome.abort(context, error)
            finally:
                outcome.end(context)

        return handle

    return decorate


def refuse_malformed(request: object) -> None:
    if request is MALFORMED:
        raise OrdoError(ErrorCode.INVALID_INPUT, "the request is not a valid message of its type")


class _Outcome:
    """One call's status code, time and log line."""

    __slots__ = ("code", "method", "renamed", "started")

    def __init__(self, method: str, renamed: Mapping[str, str] | None) -> None:
        self.method = method
        self.renamed = renamed
        self.code = grpc.StatusCode.OK
        self.started = time.perf_counter()

    async def abort(self, context: grpc.aio.ServicerContext, error: Exception) -> None:
        status = self._status(error)
        self.code = status.code
        await context.abort_with_status(status)

    def _status(self, error: Exception) -> grpc.Status:
        if isinstance(error, OrdoError):
            return status_of_error(error, self.renamed)
        if isinstance(error, TimeoutError):
            message = "the call took longer than its deadline or ORDO_REQUEST_TIMEOUT"
            return status_of(
                ErrorCode.UNAVAILABLE, message, code_sent=grpc.StatusCode.DEADLINE_EXCEEDED
            )
        if isinstance(error, Unavailable):
            log.warning("store unavailable", error=str(error))
            return status_of(ErrorCode.UNAVAILABLE, "the store is unavailable")
        if isinstance(error, Overflowed):
            return status_of(ErrorCode.UNAVAILABLE, SLOW_STREAM)
        log.exception("grpc call failed", grpc_method=self.method)  # a fault of ours
        return status_of(
            ErrorCode.UNAVAILABLE, "internal error", code_sent=grpc.StatusCode.INTERNAL
        )

    def end(self, context: grpc.aio.ServicerContext) -> None:
        if self.code is grpc.StatusCode.OK and context.cancelled():
            remaining = context.time_remaining()
            passed = remaining is not None and remaining <= 0
            self.code = grpc.StatusCode.DEADLINE_EXCEEDED if passed else grpc.StatusCode.CANCELLED
        elapsed = time.perf_counter() - self.started
        code = self.code.name
        child(CALLS, self.method, code).inc()
        child(CALL_SECONDS, self.method).observe(elapsed)
        grpc_line(self.method, code, round(elapsed * 1000, 2))  # as HTTP's request line

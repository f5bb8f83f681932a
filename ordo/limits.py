"""Request bodies over the limit get 413 before any handler sees them (SPEC §7)."""

from __future__ import annotations

import math

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.errors import ErrorCode, OrdoError
from ordo.errors import send_error
from ordo.headers import header

MAX_BODY_BYTES = 1024 * 1024  # SPEC §7: a larger body is 413


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(scope, send)
            return
        if declared.isdigit() and not header(scope, b"transfer-encoding"):
            # The HTTP server reads no more than a declared length (the rest would be the next
            # request), so only a body without one (chunked) needs counting as it arrives.
            await self.app(scope, receive, send)
            return
        # Bodies here are small JSON: reading it whole, bounded, is simpler than streaming.
        try:
            body = await whole_body(receive, self.max_bytes)
        except TooLarge:
            await _too_large(scope, send)
            return
        if body is not None:  # None: the client went away before its body came
            await self.app(scope, replay(body, receive), send)


class TooLarge(Exception):
    """A body past its limit."""


async def whole_body(receive: Receive, max_bytes: float = math.inf) -> bytes | None:
    """The request's whole body; None if the client went away before it came."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _too_large(scope: Scope, send: Send) -> None:
    await send_error(scope, send, OrdoError(ErrorCode.PAYLOAD_TOO_LARGE))

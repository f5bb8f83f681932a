"""uvicorn's httptools protocol, writing a response's head and body in one write, and
refusing a request head over 16 KiB (431) as its bytes arrive.

Every use of uvicorn's private API (its protocol, its request cycle) is in this module.

uvicorn writes the status line and headers when the app sends `http.response.start`, and the
body when it sends `http.response.body`: two `write` syscalls (and two TCP segments) for
every small JSON answer, where Node's servers send one. The head of a response that declares
its length is held here until the first body message (or the end of the response) and goes
out with it; a stream's head (no Content-Length) goes out at once, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.http.httptools_impl import (
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)

from domain.errors import ErrorCode, OrdoError
from ordo.errors import error_response, style_of

# A request's head (request line, headers, the blank line) may take this many bytes: Node's
# default (16 KiB, all of it), within nginx's (4 buffers of 8 KiB). uvicorn's httptools
# protocol has no limit: it held an 8 MB header, concatenated piece by piece.
HEAD_LIMIT = 16 * 1024
# After a 431, what the client still sends is read and dropped for this long, so that its
# sending ends before the connection closes: a close with unread bytes is a reset, which may
# destroy the answer before the client reads it (nginx's lingering close).
LINGER = 2.0
# The request line's bytes besides its method and target, and the head's last blank line.
_FRAME = len(b"  HTTP/1.1\r\n\r\n")


class _Head:
    """Takes the one write uvicorn makes for a response's head."""

    __slots__ = ("data",)

    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


class _Prefixed:
    """The connection's transport, writing `head` before the first data (or at close)."""

    __slots__ = ("head", "transport")

    def __init__(self, transport: Any, head: bytes) -> None:
        self.transport = transport
        self.head = head

    def write(self, data: bytes) -> None:
        if self.head:
            data, self.head = self.head + data, b""
        self.transport.write(data)

    def flush(self) -> None:
        if self.head:
            self.transport.write(self.head)
            self.head = b""

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class CorkedCycle(RequestResponseCycle):
    head = b""

    async def send(self, message: ASGISendEvent) -> None:
        transport = self.transport
        if message["type"] == "http.response.start" and not self.response_started:
            if not _sized(message):  # a stream (SSE, multipart): its head goes out at once
                await super().send(message)
                return
            self.transport = collected = _Head()  # type: ignore[assignment]
            try:
                await super().send(message)
            finally:
                self.transport = transport
            self.head = collected.data
            return
        if not self.head:
            await super().send(message)
            return
        self.transport = prefixed = _Prefixed(transport, self.head)  # type: ignore[assignment]
        self.head = b""
        try:
            await super().send(message)
        finally:
            self.transport = transport
            if not self.disconnected:
                prefixed.flush()  # a HEAD answer: uvicorn writes no body


def _sized(message: ASGISendEvent) -> bool:
    """A response that declares its length: its body follows at once, in one message or few."""
    headers: Iterable[tuple[bytes, bytes]] = message.get("headers", ())  # type: ignore[assignment]
    return any(name.lower() == b"content-length" for name, _ in headers)


class CorkedHttpToolsProtocol(HttpToolsProtocol):
    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and type(cycle) is RequestResponseCycle:
            # Made by uvicorn's own code a moment ago, its task not yet run: given our send.
            cycle.__class__ = CorkedCycle


class _HeadTooLarge(Exception):
    """Raised in a parser callback: the parser stops, and uvicorn asks for a 400."""


class OrdoHttpProtocol(CorkedHttpToolsProtocol):
    """Counts the bytes of each request's head as they arrive and answers 431 (RFC 6585), in
    the error shape of the API asked, at the first byte past HEAD_LIMIT.

    A read that would take the head past its room is given to the parser only up to the
    room: the head must end there. A head that begins inside a read, after the end of an
    earlier request (pipelining), cannot be placed in that read; it is measured whole when it
    ends, and counted from the next read on, so it is refused at most one read late."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.url = b""
        self.room: int | None = HEAD_LIMIT  # None: between a head and its message's end
        self.tail = False  # bytes of this read went to an earlier message
        self.counted = True  # every byte of this head so far is counted off its room
        self.heads = 0  # heads ended on this connection
        self.over = False  # a head measured at its end was over the limit
        self.refused = False  # answered 431: the rest of the connection is dropped

    def data_received(self, data: bytes) -> None:
        room = self.room
        if room is None or len(data) <= room:
            self._read(data)
        else:
            self._overflowing(data)

    def _read(self, data: bytes) -> None:
        self.tail = self.room is None
        HttpToolsProtocol.data_received(self, data)
        if self.room is not None and not self.tail:  # all of this read is the head's
            self.room -= len(data)

    def _overflowing(self, data: bytes) -> None:
        """A read that would take the head past its room: only the room is parsed, and the
        head must end in it."""
        while not self.refused:
            room = self.room
            if room is None or len(data) <= room:
                self._read(data)
                return
            heads = self.heads
            self._read(data[:room])
            if self.heads == heads:
                self._refuse()
                return
            if self.transport.is_closing() or self.transport.get_protocol() is not self:
                return  # refused as malformed, or upgraded to a WebSocket
            data = data[room:]

    def on_message_begin(self) -> None:
        HttpToolsProtocol.on_message_begin(self)
        self.room, self.counted = HEAD_LIMIT, not self.tail

    def on_headers_complete(self) -> None:
        if not self.counted and self._head_size() > HEAD_LIMIT:
            self.over = True
            raise _HeadTooLarge
        self.room = None
        self.heads += 1
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        HttpToolsProtocol.on_message_complete(self)
        self.room, self.tail = HEAD_LIMIT, True

    def _head_size(self) -> int:
        fields = sum(len(name) + len(value) + 4 for name, value in self.headers)
        return len(self.parser.get_method()) + len(self.url) + fields + _FRAME

    def send_400_response(self, msg: str) -> None:
        if self.over:  # the parser stopped at _HeadTooLarge
            self._refuse()
        else:
            super().send_400_response(msg)

    def _refuse(self) -> None:
        if self.refused or self.transport.is_closing():
            return
        self.refused, self.room = True, -1  # -1: every later read is dropped
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # A pipelined head: an answer now would overtake the one in flight, which ends
            # the connection instead.
            cycle.keep_alive = False
            return
        self.transport.write(_too_large(self.url, self.server_state.default_headers))
        self.logger.warning("Request head over %d bytes: answered 431.", HEAD_LIMIT)
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER, self.transport.close)
        else:
            self.transport.close()


def _too_large(url: bytes, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    path = url.partition(b"?")[0].decode("latin-1")
    answer = error_response(style_of(path), OrdoError(ErrorCode.HEADERS_TOO_LARGE))
    fields = [*default_headers, *answer.raw_headers, (b"connection", b"close")]
    head = [STATUS_LINE[answer.status_code]]
    head += [name + b": " + value + b"\r\n" for name, value in fields]
    return b"".join([*head, b"\r\n", answer.body])

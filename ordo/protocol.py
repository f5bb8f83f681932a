"""uvicorn's httptools protocol, writing a response's head and body in one write.

uvicorn writes the status line and headers when the app sends `http.response.start`, and the
body when it sends `http.response.body`: two `write` syscalls (and two TCP segments) for
every small JSON answer, where Node's servers send one. The head of a response that declares
its length is held here until the first body message (or the end of the response) and goes
out with it; a stream's head (no Content-Length) goes out at once, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle


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

"""ordo/protocol.py: each response leaves in one write, whatever its shape, and uvicorn's
other duties (HEAD, 100-continue, pipelining, Connection: close, streaming) are unchanged."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from ordo.protocol import CorkedHttpToolsProtocol


class _Transport:
    """What uvicorn's protocol writes, write by write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self.reading = True

    def write(self, data: bytes) -> None:
        assert not self.closed
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def set_write_buffer_limits(self, *args: Any) -> None:
        pass


async def _json(scope: Any, receive: Any, send: Any) -> None:
    message = await receive()
    body = b'{"got":%d}' % len(message.get("body", b""))
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _streamed(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"one", "more_body": True})
    await send({"type": "http.response.body", "body": b"two", "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _served(app: Any, request: bytes) -> _Transport:
    config = Config(app=app, http=CorkedHttpToolsProtocol, log_level="warning")
    config.load()
    protocol = CorkedHttpToolsProtocol(config, ServerState(), {})
    transport = _Transport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    protocol.data_received(request)
    for _ in range(100):
        await asyncio.sleep(0)
    return transport


POST = b"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"


async def test_a_response_is_one_write() -> None:
    transport = await _served(_json, POST)
    (written,) = transport.writes
    assert written.startswith(b"HTTP/1.1 200 OK\r\n")
    assert written.endswith(b'\r\n\r\n{"got":2}')


async def test_pipelined_requests_get_one_write_each_in_order() -> None:
    transport = await _served(_json, POST + POST.replace(b"{}", b"[]"))
    assert len(transport.writes) == 2
    assert all(w.endswith(b'{"got":2}') for w in transport.writes)


async def test_connection_close_writes_the_response_before_closing() -> None:
    request = POST.replace(b"Host: x\r\n", b"Host: x\r\nConnection: close\r\n")
    transport = await _served(_json, request)
    (written,) = transport.writes
    assert b"connection: close" in written.lower() and written.endswith(b'{"got":2}')
    assert transport.closed


async def test_a_head_answer_is_its_head_alone() -> None:
    transport = await _served(_json, b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    (written,) = transport.writes
    assert written.startswith(b"HTTP/1.1 200 OK\r\n") and written.endswith(b"\r\n\r\n")


async def test_100_continue_is_not_held_back() -> None:
    request = (
        b"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"
    )
    transport = await _served(_json, request)
    assert transport.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]  # the client may now send


async def test_a_streamed_response_sends_its_head_at_once() -> None:
    """No Content-Length (SSE, multipart): its first part may be long in coming."""
    request = b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"
    transport = await _served(_streamed, request)
    head, first, second, end = transport.writes
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert head.endswith(b"transfer-encoding: chunked\r\n\r\n")
    assert (first, second, end) == (b"3\r\none\r\n", b"3\r\ntwo\r\n", b"0\r\n\r\n")

"""BodyLimit at the ASGI level: which bodies it counts as they arrive and which it leaves to
the HTTP server's framing (ordo/limits.py)."""

from __future__ import annotations

from typing import Any

from ordo.limits import BodyLimit

LIMIT = 1024


async def _serve(
    headers: list[tuple[bytes, bytes]], chunks: list[bytes], *, complete: bool = True
) -> tuple[int, int]:
    """Status answered, and bytes the app behind the limit read. Not `complete`: the client
    goes away after the chunks, its body unfinished."""
    messages = [
        {"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1 or not complete}
        for n, chunk in enumerate(chunks)
    ]
    read = 0
    status = 0

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal read
        more = True
        while more:
            message = await receive()
            read += len(message.get("body", b""))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        status = message.get("status", status)

    scope = {"type": "http", "headers": headers}
    await BodyLimit(app, max_bytes=LIMIT)(scope, receive, send)
    return status, read


async def test_a_declared_length_over_the_limit_is_413_before_reading() -> None:
    assert await _serve([(b"content-length", b"2048")], [b"x" * 2048]) == (413, 0)


async def test_a_declared_length_within_the_limit_reaches_the_app() -> None:
    assert await _serve([(b"content-length", b"10")], [b"x" * 10]) == (200, 10)


async def test_a_chunked_body_over_the_limit_is_413_as_it_arrives() -> None:
    chunks = [b"x" * 600, b"x" * 600]
    assert await _serve([(b"transfer-encoding", b"chunked")], chunks) == (413, 0)


async def test_a_small_length_beside_chunked_encoding_is_still_counted() -> None:
    # Transfer-Encoding wins over Content-Length in HTTP/1.1: the length bounds nothing then.
    headers = [(b"content-length", b"10"), (b"transfer-encoding", b"chunked")]
    assert await _serve(headers, [b"x" * 600, b"x" * 600]) == (413, 0)


async def test_a_chunked_body_within_the_limit_reaches_the_app_whole() -> None:
    chunks = [b"x" * 300, b"x" * 300]
    assert await _serve([(b"transfer-encoding", b"chunked")], chunks) == (200, 600)


async def test_a_client_gone_before_its_chunked_body_ends_reaches_nothing() -> None:
    chunks = [b"x" * 300]
    assert await _serve([(b"transfer-encoding", b"chunked")], chunks, complete=False) == (0, 0)

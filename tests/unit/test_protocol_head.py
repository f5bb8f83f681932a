"""ordo/protocol.py's bound on a request's head: past HEAD_LIMIT bytes it is answered 431 in
the API's error shape and no more of it is parsed; a head within it, a body of any size after
it, and pipelined requests are served as before."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from ordo.protocol import HEAD_LIMIT, OrdoHttpProtocol
from tests.unit.test_protocol import _json, _Transport


class _Socket(_Transport):
    """The fake transport, with what a TCP one has besides: a write side to shut."""

    def __init__(self) -> None:
        super().__init__()
        self.protocol: Any = None
        self.eof = False

    def get_protocol(self) -> Any:
        return self.protocol

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        self.eof = True


class _Parser:
    """httptools' parser, counting the bytes it is given."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.fed = 0

    def feed_data(self, data: bytes) -> None:
        self.fed += len(data)
        self.parser.feed_data(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.parser, name)


class _Served:
    def __init__(self) -> None:
        self.calls = 0

        async def app(scope: Any, receive: Any, send: Any) -> None:
            self.calls += 1
            await _json(scope, receive, send)

        config = Config(app=app, http=OrdoHttpProtocol, log_level="critical")
        config.load()
        self.protocol = OrdoHttpProtocol(config, ServerState(), {})
        self.transport = _Socket()
        self.transport.protocol = self.protocol
        self.protocol.connection_made(self.transport)  # type: ignore[arg-type]
        self.parser = self.protocol.parser = _Parser(self.protocol.parser)  # type: ignore[assignment]

    async def send(self, *reads: bytes) -> list[bytes]:
        for data in reads:
            self.protocol.data_received(data)
            for _ in range(100):
                await asyncio.sleep(0)
        return self.transport.writes


def request(path: str, head_size: int, body: bytes = b"{}") -> bytes:
    """A POST whose head (request line to blank line) is exactly head_size bytes."""
    start = b"POST %s HTTP/1.1\r\nContent-Length: %d\r\nX-Pad: " % (path.encode(), len(body))
    pad = head_size - len(start) - len(b"\r\n\r\n")
    return start + b"a" * pad + b"\r\n\r\n" + body


def answer(written: bytes) -> tuple[int, dict[str, str], Any]:
    head, _, body = written.partition(b"\r\n\r\n")
    status_line, *lines = head.decode().split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines)
    return int(status_line.split()[1]), headers, json.loads(body)


async def test_a_head_of_exactly_the_limit_is_served() -> None:
    served = _Served()
    (written,) = await served.send(request("/orders", HEAD_LIMIT))
    assert written.startswith(b"HTTP/1.1 200 OK\r\n")


@pytest.mark.parametrize("read", [3, 1000, HEAD_LIMIT, 64 * 1024])
async def test_a_head_one_byte_over_is_431_whatever_the_reads(read: int) -> None:
    served = _Served()
    sent = request("/orders", HEAD_LIMIT + 1)
    (written,) = await served.send(*(sent[i : i + read] for i in range(0, len(sent), read)))
    status, headers, body = answer(written)
    assert status == 431
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert int(headers["content-length"]) == len(written.partition(b"\r\n\r\n")[2])
    assert body == {
        "error": {"code": "HEADERS_TOO_LARGE", "message": "the request's head is over 16 KiB"}
    }
    assert served.calls == 0
    assert served.parser.fed == HEAD_LIMIT
    assert served.transport.eof and not served.transport.closed  # lingering: see LINGER


async def test_a_graphql_request_is_refused_in_graphqls_error_shape() -> None:
    served = _Served()
    (written,) = await served.send(request("/graphql?query=x", HEAD_LIMIT + 1))
    status, _, body = answer(written)
    assert status == 431
    assert body == {
        "errors": [
            {
                "message": "the request's head is over 16 KiB",
                "extensions": {"code": "HEADERS_TOO_LARGE", "status": 431},
            }
        ]
    }


async def test_an_8_mb_header_is_parsed_no_further_than_the_limit() -> None:
    served = _Served()
    head = b"GET /orders/x HTTP/1.1\r\nX-Big: "
    reads = [head, *([b"a" * 65536] * 128)]
    (written,) = await served.send(*reads)
    assert answer(written)[0] == 431
    assert served.parser.fed == HEAD_LIMIT
    assert served.calls == 0


async def test_a_small_head_with_a_large_body_in_one_read_is_served() -> None:
    served = _Served()
    body = b'"' + b"x" * 200_000 + b'"'
    (written,) = await served.send(request("/orders", 1000, body))
    assert written.endswith(b'{"got":%d}' % len(body))


async def test_each_request_of_a_connection_has_a_head_of_its_own() -> None:
    served = _Served()
    size = HEAD_LIMIT * 3 // 4
    writes = await served.send(request("/orders", size), request("/orders", size))
    assert [w[:12] for w in writes] == [b"HTTP/1.1 200"] * 2


async def test_pipelined_requests_within_the_limit_are_all_served() -> None:
    served = _Served()
    sent = request("/orders", HEAD_LIMIT) * 3
    writes = await served.send(sent[:100], sent[100:])
    assert [w[:12] for w in writes] == [b"HTTP/1.1 200"] * 3


async def test_a_pipelined_head_over_the_limit_is_measured_when_it_ends() -> None:
    """It began inside a read, after a whole request: the next read ends it, over the limit;
    the first request was answered meanwhile."""
    served = _Served()
    second = request("/orders", HEAD_LIMIT + 1)
    writes = await served.send(request("/orders", 100) + second[:10], second[10:])
    assert answer(writes[0])[0] == 200
    assert answer(writes[1])[0] == 431
    assert served.calls == 1


async def test_a_pipelined_head_over_the_limit_ends_the_connection_after_the_one_in_flight() -> (
    None
):
    """An answer now would overtake the first request's, not yet made."""
    served = _Served()
    (written,) = await served.send(request("/orders", 100) + request("/orders", HEAD_LIMIT + 1))
    assert answer(written)[0] == 200
    assert served.transport.closed
    assert served.calls == 1

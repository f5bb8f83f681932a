"""The WebSocket speaks graphql-transport-ws exactly (SPEC §10), against hostile clients, on real
Redis and the embedded store: a malformed message closes with 4400 and its reason; a document
that does not parse or validate, or costs or nests too much, is an `error` message for its id;
a bad token in the handshake's header closes with 4403; a message over the limit closes with
1009 (in every worker); none of it is logged as a fault of the server, and a real fault's text
never reaches the client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close
from websockets.typing import Subprotocol

from ordo import logs
from ordo.app import create_app
from ordo.manifest import sha256_hex
from ordo.settings import load_settings
from resolvers import orders
from schema.limits import MAX_TOKENS
from tests.e2e.conftest import Api
from tests.e2e.helpers import CREATE_ORDER, create_plain
from tests.e2e.live_helpers import ws_url
from tests.node_clients import run_node
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer, eventually, unique
from tests.tokens import JWT_ENV, hs256

PROTOCOL = Subprotocol("graphql-transport-ws")
MiB = 1024 * 1024
SMALL = 4096  # the strict server's ORDO_WS_MAX_MESSAGE
TRUSTED = "subscription($o: ID!) { orderEvents(orderId: $o) { id type } }"
SUBSCRIBE = {"type": "subscribe", "id": "1"}
QUERY = {"query": "{ __typename }"}

# (what is wrong, the frame, the close reason)
MALFORMED: list[tuple[str, str | bytes, str]] = [
    ("an array", "[1,2]", "Invalid message: not a JSON object"),
    ("a number", "5", "WebSocket message must be valid JSON"),
    ("not JSON", "{type:", "WebSocket message must be valid JSON"),
    ("a binary frame", b'{"type":"ping"}', "WebSocket message type must be text"),
    ("no type", '{"id":"1"}', "Invalid message: `type` must be a string"),
    ("a numeric type", '{"type":1}', "Invalid message: `type` must be a string"),
    ("a server's type", '{"type":"next","id":"1","payload":{}}', "Unknown message type: next"),
    ("an unknown type", '{"type":"subscription"}', "Unknown message type: subscription"),
    (
        "a string payload",
        json.dumps({**SUBSCRIBE, "payload": "{ __typename }"}),
        "Invalid message: a `subscribe` payload must be an object",
    ),
    (
        "no payload",
        json.dumps(SUBSCRIBE),
        "Invalid message: a `subscribe` payload must be an object",
    ),
    (
        "a numeric query",
        json.dumps({**SUBSCRIBE, "payload": {"query": 5}}),
        "Invalid message: a `subscribe` payload needs a string `query`",
    ),
    (
        "no id",
        json.dumps({"type": "subscribe", "payload": QUERY}),
        "Invalid message: `subscribe` needs a non-empty string `id`",
    ),
    (
        "a numeric id",
        json.dumps({"type": "subscribe", "id": 1, "payload": QUERY}),
        "Invalid message: `subscribe` needs a non-empty string `id`",
    ),
    (
        "an empty id",
        json.dumps({"type": "subscribe", "id": "", "payload": QUERY}),
        "Invalid message: `subscribe` needs a non-empty string `id`",
    ),
    (
        "variables as a list",
        json.dumps({**SUBSCRIBE, "payload": {**QUERY, "variables": [1]}}),
        "Invalid message: `variables` must be an object or null",
    ),
    (
        "operationName as an object",
        json.dumps({**SUBSCRIBE, "payload": {**QUERY, "operationName": {}}}),
        "Invalid message: `operationName` must be a string or null",
    ),
    (
        "extensions as a string",
        json.dumps({**SUBSCRIBE, "payload": {**QUERY, "extensions": "x"}}),
        "Invalid message: `extensions` must be an object or null",
    ),
    (
        "complete without an id",
        '{"type":"complete"}',
        "Invalid message: `complete` needs a non-empty string `id`",
    ),
    (
        "a ping's payload as a list",
        '{"type":"ping","payload":[1]}',
        "Invalid message: a `ping` payload must be an object or null",
    ),
]

TOO_DEEP = "{ __schema { types { " + "fields { type { " * 12 + "name" + " } }" * 12 + " } } }"
# Each of the 100 orders costs 1, and each of its 30 lists of (at most 5) items 5 more; a `first`
# given as a variable is this request's to decide.
COSTLY = (
    'query { entityOrders(entityId: "e", first: 100) { edges { node { '
    + " ".join(f"a{n}: items {{ orderItemId }}" for n in range(30))
    + " } } } }"
)
SCALED = (
    'query($n: Int) { entityOrders(entityId: "e", first: $n) { edges { node { '
    + " ".join(f"a{n}: items {{ orderItemId }}" for n in range(30))
    + " } } } }"
)


@pytest.fixture(scope="module")
def strict(
    backend: str, redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OrdoServer]:
    """Identity on, a small message limit, trusted documents only; two workers on Redis."""
    manifest = tmp_path_factory.mktemp("trusted") / "manifest.json"
    manifest.write_text(json.dumps({sha256_hex(TRUSTED): TRUSTED}))
    env = {
        **JWT_ENV,
        "ORDO_WS_MAX_MESSAGE": str(SMALL),
        "ORDO_TRUSTED_DOCUMENTS": str(manifest),
    }
    redis = backend == "redis"
    made = OrdoServer(redis_server.url if redis else None, workers=2 if redis else 1, env=env)
    made.start()
    yield made
    made.stop()


@asynccontextmanager
async def acked(
    server: OrdoServer, init: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> AsyncIterator[ClientConnection]:
    """A connection past its connection_ack."""
    async with connect(
        ws_url(server.url), subprotocols=[PROTOCOL], additional_headers=headers
    ) as socket:
        message: dict[str, Any] = {"type": "connection_init"}
        if init is not None:
            message["payload"] = init
        await socket.send(json.dumps(message))
        assert json.loads(await socket.recv()) == {"type": "connection_ack"}
        yield socket


async def closing(socket: ClientConnection, frame: str | bytes) -> Close:
    """The close the server answers the frame with (at most 30 s: a bound, not a claim)."""
    await socket.send(frame)
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), 30)
    assert closed.value.rcvd is not None, "closed without a close frame"
    return closed.value.rcvd


async def answer_to(socket: ClientConnection, payload: dict[str, Any]) -> dict[str, Any]:
    """The first message the server sends for a subscribe of this payload."""
    operation = unique("op")
    await socket.send(json.dumps({"type": "subscribe", "id": operation, "payload": payload}))
    answer: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), 30))
    assert answer["id"] == operation
    return answer


async def still_open(socket: ClientConnection) -> None:
    await socket.send(json.dumps({"type": "ping"}))
    assert json.loads(await asyncio.wait_for(socket.recv(), 30)) == {"type": "pong"}


class Log:
    """What the server logged from now on, read up to a marker request (every line logged
    before it is in the file once its own line is)."""

    def __init__(self, server: OrdoServer) -> None:
        self.server = server
        self.path = Path(server.log.name)
        self.start = self.path.stat().st_size

    async def lines(self) -> list[str]:
        marker = unique("mark")
        async with httpx.AsyncClient(base_url=self.server.url) as http:
            await http.get("/healthz", headers={"X-Request-ID": marker})

        def text() -> str:
            return self.path.read_bytes()[self.start :].decode(errors="replace")

        await eventually(lambda: marker in text(), "the marker's log line")
        return text().splitlines()

    async def faults(self) -> list[str]:
        """Lines at error level or above, and tracebacks."""
        return [
            line
            for line in await self.lines()
            if "Traceback" in line or _level(line) in ("error", "critical")
        ]


def _level(line: str) -> str | None:
    try:
        parsed = json.loads(line)
    except ValueError:
        return "unparsable"  # not a JSON line: a print or a crash
    return parsed.get("level") if isinstance(parsed, dict) else None


@pytest.mark.parametrize(("wrong", "frame", "reason"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_a_malformed_message_closes_with_4400_and_its_reason(
    server: OrdoServer, wrong: str, frame: str | bytes, reason: str
) -> None:
    log = Log(server)
    async with acked(server) as socket:
        closed = await closing(socket, frame)
    assert (closed.code, closed.reason) == (4400, reason)
    assert await log.faults() == []


async def test_a_malformed_connection_init_closes_with_4400(server: OrdoServer) -> None:
    async with connect(ws_url(server.url), subprotocols=[PROTOCOL]) as socket:
        closed = await closing(socket, '{"type":"connection_init","payload":"token"}')
    assert (closed.code, closed.reason) == (
        4400,
        "Invalid message: a `connection_init` payload must be an object or null",
    )


async def test_a_close_reason_quoting_the_client_is_cut_to_what_a_close_frame_holds(
    server: OrdoServer,
) -> None:
    log = Log(server)
    async with acked(server) as socket:
        closed = await closing(socket, json.dumps({"type": "ü" * 200}))
    assert closed.code == 4400
    assert closed.reason.startswith("Unknown message type: üü") and closed.reason.endswith("...")
    assert len(closed.reason.encode()) <= 123
    assert await log.faults() == []


async def test_a_connection_init_with_a_null_payload_is_acknowledged(server: OrdoServer) -> None:
    async with connect(ws_url(server.url), subprotocols=[PROTOCOL]) as socket:
        await socket.send('{"type":"connection_init","payload":null}')
        assert json.loads(await asyncio.wait_for(socket.recv(), 30)) == {"type": "connection_ack"}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"query": "subscription {"}, "Syntax Error: Expected Name, found <EOF>."),
        (
            {"query": "{ " + "a " * (MAX_TOKENS + 1) + "}"},
            f"Syntax Error: Document contains more than {MAX_TOKENS} tokens.",
        ),
        ({"query": "subscription { nope }"}, "Cannot query field 'nope' on type 'Subscription'."),
        ({"query": "query A { __typename }", "operationName": "B"}, 'Unknown operation named "B".'),
    ],
    ids=["a syntax error", "too many tokens", "an unknown field", "an unknown operation"],
)
async def test_a_document_that_does_not_parse_or_validate_is_an_error_for_its_id(
    server: OrdoServer, payload: dict[str, Any], message: str
) -> None:
    log = Log(server)
    async with acked(server) as socket:
        answer = await answer_to(socket, payload)
        assert answer["type"] == "error", answer
        await still_open(socket)
    assert answer["payload"][0]["message"].startswith(message), answer
    assert await log.faults() == []


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        (TOO_DEEP, None, None),
        (COSTLY, None, "QUERY_TOO_COSTLY"),
        (SCALED, {"n": 100}, "QUERY_TOO_COSTLY"),
    ],
    ids=["too deep", "too costly", "too costly by its variables"],
)
async def test_a_too_deep_or_too_costly_document_is_an_error_not_a_run(
    server: OrdoServer, document: str, variables: dict[str, Any] | None, code: str | None
) -> None:
    async with acked(server) as socket:
        answer = await answer_to(socket, {"query": document, "variables": variables})
        await still_open(socket)
    assert answer["type"] == "error", answer
    if code is None:
        assert any("nests fields" in error["message"] for error in answer["payload"]), answer
    else:
        assert [error["extensions"]["code"] for error in answer["payload"]] == [code]


async def test_the_same_documents_run_when_they_cost_little(server: OrdoServer) -> None:
    """The refusals above are of those documents' costs, not of queries over WebSocket."""
    async with acked(server) as socket:
        answer = await answer_to(socket, {"query": SCALED, "variables": {"n": 1}})
    assert answer["type"] == "next", answer
    assert answer["payload"]["data"] == {"entityOrders": {"edges": []}}


async def test_a_bad_token_in_the_handshake_header_closes_with_4403(strict: OrdoServer) -> None:
    log = Log(strict)
    bad = {"Authorization": f"Bearer {hs256('alice', secret='not-the-secret-but-32-bytes-long')}"}
    async with connect(ws_url(strict.url), subprotocols=[PROTOCOL], additional_headers=bad) as ws:
        by_header = await closing(ws, '{"type":"connection_init"}')
    async with connect(ws_url(strict.url), subprotocols=[PROTOCOL]) as ws:
        by_payload = await closing(ws, '{"type":"connection_init","payload":{"token":"x.y.z"}}')
    async with connect(ws_url(strict.url), subprotocols=[PROTOCOL]) as ws:
        by_none = await closing(ws, '{"type":"connection_init"}')  # identity on: none is bad
    assert (
        (by_header.code, by_header.reason)
        == (by_payload.code, by_payload.reason)
        == (by_none.code, by_none.reason)
        == (4403, "Forbidden")
    )
    assert await log.faults() == []


async def test_a_good_token_in_the_handshake_header_is_acknowledged(strict: OrdoServer) -> None:
    async with acked(strict, headers={"Authorization": f"Bearer {hs256('alice')}"}) as socket:
        await still_open(socket)


def _ping(size: int) -> str:
    """A ping message of exactly `size` bytes (it compresses to almost nothing)."""
    base = len('{"type":"ping","payload":{"pad":""}}')
    return json.dumps(
        {"type": "ping", "payload": {"pad": "x" * (size - base)}}, separators=(",", ":")
    )


async def test_a_message_over_1_mib_closes_with_1009(server: OrdoServer) -> None:
    log = Log(server)
    async with acked(server) as socket:
        await socket.send(_ping(MiB))
        assert json.loads(await asyncio.wait_for(socket.recv(), 30)) == {"type": "pong"}
        closed = await closing(socket, _ping(MiB + 1))
    assert closed.code == 1009
    assert f"exceeds limit of {MiB} bytes" in closed.reason
    assert await log.faults() == []


def test_a_message_limit_that_is_not_positive_stops_the_start() -> None:
    server = OrdoServer(None, env={"ORDO_WS_MAX_MESSAGE": "0"})
    with pytest.raises(RuntimeError, match="ordo exited") as exited:
        server.start()
    assert "ordo: ORDO_WS_MAX_MESSAGE must be a positive number" in str(exited.value)


ADMIN = {"token": ADMIN_TOKEN}


async def test_the_configured_limit_holds_in_every_worker(strict: OrdoServer) -> None:
    """Several connections, so both workers (on Redis) are most likely met; uncompressed too."""
    log = Log(strict)
    for compression in ["deflate", None] * 3:
        async with connect(
            ws_url(strict.url), subprotocols=[PROTOCOL], compression=compression
        ) as socket:
            await socket.send(json.dumps({"type": "connection_init", "payload": ADMIN}))
            assert json.loads(await socket.recv()) == {"type": "connection_ack"}
            await socket.send(_ping(SMALL))
            assert json.loads(await asyncio.wait_for(socket.recv(), 30)) == {"type": "pong"}
            closed = await closing(socket, _ping(SMALL + 1))
        assert closed.code == 1009
        assert f"exceeds limit of {SMALL} bytes" in closed.reason
    assert await log.faults() == []


async def test_only_trusted_documents_run_over_the_websocket(strict: OrdoServer) -> None:
    async with acked(strict, {"token": ADMIN_TOKEN}) as socket:
        other = TRUSTED.replace("id type", "type id")
        refused = await answer_to(socket, {"query": other, "variables": {"o": unique("o")}})
        ran = await answer_to(socket, {"query": TRUSTED, "variables": {"o": unique("o")}})
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
    assert ran["type"] == "next"  # it ran: the order is unknown
    assert ran["payload"]["errors"][0]["extensions"]["code"] == "ORDER_NOT_FOUND"


async def test_closing_subscribed_sockets_logs_nothing_at_error_level(
    server: OrdoServer, api: Api
) -> None:
    log = Log(server)
    order_id = (await create_plain(api))["orderId"]
    query = "subscription($o: ID!) { orderEvents(orderId: $o) { id } }"
    for n in range(10):
        socket = await connect(ws_url(server.url), subprotocols=[PROTOCOL])
        await socket.send('{"type":"connection_init"}')
        await socket.recv()
        answer = await answer_to(socket, {"query": query, "variables": {"o": order_id}})
        assert answer["type"] == "next"  # the history sent: now it waits for new events
        if n % 2:
            await socket.close()
        else:
            socket.transport.abort()  # gone without a close frame
            await socket.wait_closed()
    assert await log.faults() == []


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("subscription {", "Syntax Error: Expected Name, found <EOF>."),
        (COSTLY, "QUERY_TOO_COSTLY"),
    ],
    ids=["a syntax error", "too costly"],
)
async def test_graphql_ws_sees_an_error_for_a_bad_document(
    server: OrdoServer, document: str, expected: str
) -> None:
    ended = await asyncio.to_thread(run_node, "graphql_ws_error.mjs", ws_url(server.url), document)
    assert "errors" in ended, ended
    (error,) = ended["errors"]
    assert expected in (error["message"], error.get("extensions", {}).get("code")), ended


async def _over_socket(app: Any, messages: list[dict[str, Any]], replies: int) -> list[Any]:
    """The app's first `replies` messages on a socket that sent `messages` (ASGI, in process)."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    for message in messages:
        inbox.put_nowait({"type": "websocket.receive", "text": json.dumps(message)})
    scope = {
        "type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws", "path": "/graphql",
        "raw_path": b"/graphql", "query_string": b"", "headers": [(b"host", b"ordo")],
        "subprotocols": [PROTOCOL], "server": ("ordo", 80), "client": ("test", 1),
    }  # fmt: skip
    served = asyncio.ensure_future(app(scope, inbox.get, outbox.put))
    got = []
    while len(got) < replies:
        event = await asyncio.wait_for(outbox.get(), 30)
        if event["type"] == "websocket.send":
            got.append(json.loads(event["text"]))
    inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(served, 30)
    return got


async def test_a_fault_of_the_server_is_masked_and_logged_on_the_socket_as_over_http(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal detail")

    app = create_app(load_settings({"ORDO_ADMIN_TOKEN": ADMIN_TOKEN}))
    monkeypatch.setattr(orders, "create_order", broken)
    subscribe = {"query": CREATE_ORDER, "variables": {"input": {}}}
    init = {"type": "connection_init", "payload": {"token": ADMIN_TOKEN}}
    try:
        _, answer = await _over_socket(app, [init, {**SUBSCRIBE, "payload": subscribe}], 2)
    finally:
        await app.state.store.close()
    logs.flush()
    text = capfd.readouterr().err
    assert answer["type"] == "next", answer
    assert [e["message"] for e in answer["payload"]["errors"]] == ["Unexpected error."]
    faults = [json.loads(line) for line in text.splitlines() if '"level":"error"' in line]
    assert [(f["event"], f["path"]) for f in faults] == [("graphql field failed", ["createOrder"])]
    assert "RuntimeError: internal detail" in faults[0]["exception"]

"""Subscriptions (SPEC §10) through a Python GraphQL client (gql, graphql-transport-ws), on the
real Redis and the embedded store: history then live events, resumed after a disconnect with
no gap and no duplicate, entity streams with the order as it stood, errors, limits, identity,
and two server processes."""

from __future__ import annotations

import asyncio
import base64
import json

import httpx
import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.e2e.conftest import Api
from tests.e2e.helpers import cancel, create, create_plain, item, ok, update, user_and_promo
from tests.e2e.live_helpers import (
    ENTITY_EVENTS,
    ORDER_EVENTS,
    Listening,
    session,
    ws_url,
)
from tests.support import OrdoServer, running, unique
from tests.tokens import JWT_ENV, hs256

PROTOCOL = Subprotocol("graphql-transport-ws")


@pytest.fixture(scope="module")
def server(live_server: OrdoServer) -> OrdoServer:
    """On the real Redis, the embedded store and the 3x2 cluster."""
    return live_server


async def test_order_events_send_the_history_then_each_new_event(
    server: OrdoServer, api: Api
) -> None:
    order_id = (await create_plain(api))["orderId"]
    async with session(server.url) as client:
        stream = Listening(
            client.subscribe(GraphQLRequest(ORDER_EVENTS, variable_values={"o": order_id}))
        )
        (created,) = await stream.take(1)
        ok(await cancel(api, order_id))
        (cancelled,) = await stream.take(1)
    assert created["orderEvents"]["type"] == "ORDER_CREATED"
    assert (created["orderEvents"]["orderId"], created["orderEvents"]["version"]) == (order_id, 1)
    assert (cancelled["orderEvents"]["type"], cancelled["orderEvents"]["version"]) == (
        "ORDER_CANCELLED",
        2,
    )


async def test_resuming_after_a_disconnect_loses_and_repeats_nothing(
    server: OrdoServer, api: Api
) -> None:
    order_id, entity_id = unique("o"), unique("e")
    ok(await create(api, order_id, entity_id, [item("i0")]))
    async with session(server.url) as client:
        stream = Listening(
            client.subscribe(GraphQLRequest(ORDER_EVENTS, variable_values={"o": order_id}))
        )
        first = [r["orderEvents"] for r in await stream.take(2)]  # created, item added
    for n in range(1, 4):  # while no one listens
        ok(await update(api, order_id, addItems=[item(f"i{n}")]))
    async with session(server.url) as client:
        variables = {"o": order_id, "after": first[-1]["id"]}
        stream = Listening(
            client.subscribe(GraphQLRequest(ORDER_EVENTS, variable_values=variables))
        )
        rest = [r["orderEvents"] for r in await stream.take(3)]
        ok(await update(api, order_id, addItems=[item("i9")]))
        (live,) = [r["orderEvents"] for r in await stream.take(1)]
        assert await stream.nothing_more()
    versions = [e["version"] for e in [*first, *rest, live]]
    assert versions == [1, 2, 3, 4, 5, 6]
    assert len({e["id"] for e in [*first, *rest, live]}) == 6


async def test_entity_events_include_new_orders_and_resume_from_a_cursor(
    server: OrdoServer, api: Api
) -> None:
    entity_id = unique("e")
    first_order = unique("o")
    ok(await create(api, first_order, entity_id, [item("a")]))
    async with session(server.url) as client:
        stream = Listening(
            client.subscribe(GraphQLRequest(ENTITY_EVENTS, variable_values={"e": entity_id}))
        )
        # An event that comes back says the subscription is live: what follows is not early.
        probe = asyncio.ensure_future(stream.take(1))
        while not probe.done():
            ok(await update(api, first_order, addItems=[item(unique("p"))]))
            await asyncio.wait({probe}, timeout=0.2)
        await stream.drained()
        second_order = unique("o")
        ok(await create(api, second_order, entity_id, [item("b"), item("c")]))
        got = [r["entityOrderEvents"] for r in await stream.take(3)]
    assert [(g["event"]["orderId"], g["event"]["type"]) for g in got] == [
        (second_order, "ORDER_CREATED"),
        (second_order, "ITEM_ADDED"),
        (second_order, "ITEM_ADDED"),
    ]
    # `order` as it stood right after each event.
    assert [len(g["order"]["items"]) for g in got] == [0, 1, 2]
    assert [g["order"]["version"] for g in got] == [1, 2, 3]
    ok(await cancel(api, first_order))  # while no one listens
    ok(await update(api, second_order, cancelItemIds=["b"]))
    async with session(server.url) as client:
        variables = {"e": entity_id, "after": got[-1]["cursor"]}
        stream = Listening(
            client.subscribe(GraphQLRequest(ENTITY_EVENTS, variable_values=variables))
        )
        resumed = [r["entityOrderEvents"] for r in await stream.take(2)]
        assert await stream.nothing_more()
    assert sorted((r["event"]["orderId"], r["event"]["type"]) for r in resumed) == sorted(
        [(first_order, "ORDER_CANCELLED"), (second_order, "ITEM_CANCELLED")]
    )
    cancelled = next(r for r in resumed if r["event"]["type"] == "ORDER_CANCELLED")
    assert cancelled["order"]["status"] == "CANCELLED"


async def test_a_cursor_resumes_when_the_entitys_own_partition_is_empty(
    server: OrdoServer, api: Api
) -> None:
    """Orders with a promo live in the promo's slot: the entity's own partition stays empty,
    and a cursor that saw it empty is not older than the retention for that."""
    entity_id, order_id = unique("e"), unique("o")
    promo = await user_and_promo(api, 10, 10)
    async with session(server.url) as client:
        stream = Listening(
            client.subscribe(GraphQLRequest(ENTITY_EVENTS, variable_values={"e": entity_id}))
        )
        probe = asyncio.ensure_future(stream.take(1))
        while not probe.done():  # an event that comes back says the subscription is live
            ok(await create(api, unique("o"), entity_id, [item("a")], promo=promo))
            await asyncio.wait({probe}, timeout=0.2)
        await stream.drained()
        made = ok(await create(api, order_id, entity_id, [item("a")], promo=promo))
        got = [r["entityOrderEvents"] for r in await stream.take(len(made["events"]))]
    cancelled = ok(await cancel(api, order_id))["events"][len(made["events"]) :]  # unheard
    async with session(server.url) as client:
        variables = {"e": entity_id, "after": got[-1]["cursor"]}
        stream = Listening(
            client.subscribe(GraphQLRequest(ENTITY_EVENTS, variable_values=variables))
        )
        resumed = [r["entityOrderEvents"] for r in await stream.take(len(cancelled))]
        assert await stream.nothing_more()
    assert [r["event"]["type"] for r in resumed] == [e["type"] for e in cancelled]
    assert {r["event"]["orderId"] for r in resumed} == {order_id}


async def _error_code(server: OrdoServer, document: object, variables: dict[str, object]) -> str:
    async with session(server.url) as client:
        with pytest.raises(TransportQueryError) as raised:
            async for _ in client.subscribe(GraphQLRequest(document, variable_values=variables)):  # type: ignore[arg-type]
                pass
    errors = raised.value.errors or []
    return str(errors[0]["extensions"]["code"])


def _cursor(payload: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()


async def test_refusals_come_as_errors_with_their_codes(server: OrdoServer, api: Api) -> None:
    assert await _error_code(server, ORDER_EVENTS, {"o": unique("o")}) == "ORDER_NOT_FOUND"
    order_id = (await create_plain(api))["orderId"]
    assert await _error_code(server, ORDER_EVENTS, {"o": order_id, "after": "1-0"}) == (
        "INVALID_INPUT"
    )
    entity = unique("e")
    assert await _error_code(server, ENTITY_EVENTS, {"e": entity, "after": "x"}) == (
        "INVALID_CURSOR"
    )
    # Unsealed JSON, as cursors were once: a forgery now, whatever it says (an expired sealed
    # cursor is CURSOR_EXPIRED: tests/hostile/test_cursors.py, with a key the test knows).
    forged = _cursor({"v": 1, "e": entity, "t": 1_000, "p": {}})
    assert await _error_code(server, ENTITY_EVENTS, {"e": entity, "after": forged}) == (
        "INVALID_CURSOR"
    )


async def test_only_graphql_transport_ws_is_spoken(server: OrdoServer) -> None:
    async with ws_connect(ws_url(server.url), subprotocols=[Subprotocol("graphql-ws")]) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4406


async def test_connections_and_subscriptions_beyond_their_limits_are_turned_away(
    live_url: str | None,
) -> None:
    limited = OrdoServer(live_url, env={"ORDO_MAX_WEBSOCKETS": "1", "ORDO_MAX_SUBSCRIPTIONS": "1"})
    with running(limited):
        async with httpx.AsyncClient(base_url=limited.url) as http:
            order_id = (await create_plain(Api(http)))["orderId"]
        async with ws_connect(ws_url(limited.url), subprotocols=[PROTOCOL]) as socket:
            await socket.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
            query = f'subscription {{ orderEvents(orderId: "{order_id}") {{ id }} }}'
            for n in ("1", "2"):
                message = {"id": n, "type": "subscribe", "payload": {"query": query}}
                await socket.send(json.dumps(message))
            answers = [json.loads(await socket.recv()) for _ in range(2)]
            assert {(a["id"], a["type"]) for a in answers} == {("1", "next"), ("2", "error")}
            # A second connection while this one is open: closed, "try again later".
            async with ws_connect(ws_url(limited.url), subprotocols=[PROTOCOL]) as second:
                with pytest.raises(ConnectionClosed) as closed:
                    await second.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013


async def test_a_second_server_sends_what_the_first_one_wrote(
    live_url: str | None, api: Api
) -> None:
    if live_url is None:
        pytest.skip("the embedded store lives in one process")
    order_id = (await create_plain(api))["orderId"]
    other = OrdoServer(live_url)
    with running(other):
        async with session(other.url) as client:
            stream = Listening(
                client.subscribe(GraphQLRequest(ORDER_EVENTS, variable_values={"o": order_id}))
            )
            await stream.take(1)
            ok(await cancel(api, order_id))  # through the first server
            (cancelled,) = await stream.take(1)
    assert cancelled["orderEvents"]["type"] == "ORDER_CANCELLED"


async def test_a_token_in_connection_init_is_the_caller(live_url: str | None) -> None:
    secured = OrdoServer(live_url, env=JWT_ENV)
    with running(secured):
        mine = {"Authorization": f"Bearer {hs256('alice')}"}
        theirs = {"token": hs256("bob")}
        async with session(secured.url, mine) as client:
            created = await client.execute(gql("mutation { createOrder { order { orderId } } }"))
            order_id = created["createOrder"]["order"]["orderId"]
        async with session(secured.url, mine) as client:
            stream = Listening(
                client.subscribe(GraphQLRequest(ORDER_EVENTS, variable_values={"o": order_id}))
            )
            (event,) = await stream.take(1)
            assert event["orderEvents"]["orderId"] == order_id
        assert await _error_code_as(secured, theirs, order_id) == "ORDER_NOT_FOUND"
        async with ws_connect(ws_url(secured.url), subprotocols=[PROTOCOL]) as socket:
            await socket.send(json.dumps({"type": "connection_init", "payload": {"token": "x"}}))
            with pytest.raises(ConnectionClosed) as rejected:
                await socket.recv()
        assert rejected.value.rcvd is not None and rejected.value.rcvd.code == 4403


async def _error_code_as(server: OrdoServer, init: dict[str, str], order_id: str) -> str:
    async with session(server.url, init) as client:
        with pytest.raises(TransportQueryError) as raised:
            async for _ in client.subscribe(
                GraphQLRequest(ORDER_EVENTS, variable_values={"o": order_id})
            ):
                pass
    return str((raised.value.errors or [{}])[0]["extensions"]["code"])


async def test_metrics_show_live_events(server: OrdoServer, api: Api) -> None:
    order_id = (await create_plain(api))["orderId"]
    async with session(server.url) as client:
        stream = Listening(
            client.subscribe(GraphQLRequest(ORDER_EVENTS, variable_values={"o": order_id}))
        )
        await stream.take(1)
        ok(await cancel(api, order_id))
        await stream.take(1)
        text = (await api.http.get("/metrics")).text
    values = {
        line.split()[0]: float(line.split()[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    assert values["ordo_subscriptions_open"] >= 1
    assert values["ordo_websocket_connections_open"] >= 1
    assert values["ordo_events_delivered_total"] >= 1
    assert values["ordo_event_delivery_lag_seconds_count"] >= 1
    assert "ordo_slow_subscribers_closed_total" in values
    assert "ordo_feed_trimmed_total" in values
    assert (await api.http.get("/readyz")).status_code == 200

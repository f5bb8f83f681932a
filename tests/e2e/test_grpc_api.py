"""ordo.v1.OrderService over gRPC (SPEC §11) with Python's grpcio client and the stubs
scripts/protos generates, on each backend: the seed's methods, errors as AIP-193 statuses,
pages, watches, identity, and what the server promises any gRPC client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from feed import cursors as feed_cursors
from feed.cursors import FeedCursor
from ordo.v1 import order_pb2 as pb
from ordo.v1 import order_service_pb2 as api
from ordo.v1 import order_service_pb2_grpc as stubs
from store.sealing import Sealer
from tests.e2e import helpers
from tests.e2e.conftest import Api
from tests.e2e.grpc_helpers import (
    bearer,
    client,
    item,
    refused_with,
    with_items,
)
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer, eventually, running, unique
from tests.tokens import JWT_ENV, hs256

C = grpc.StatusCode
CURSOR_KEY = "grpc-cursor-key-of-at-least-32-bytes"


@pytest.fixture
async def rpc(server: OrdoServer) -> AsyncIterator[stubs.OrderServiceStub]:
    async with client(server.grpc_target) as stub:
        yield stub


async def events_of(
    stream: grpc.aio.UnaryStreamCall, count: int
) -> list[api.WatchOrderEventsResponse]:
    got = []
    async for sent in stream:
        got.append(sent)
        if len(got) == count:
            break
    return got


def server_log(server: OrdoServer) -> str:
    return Path(server.log.name).read_text()


def types(sent: list[api.WatchOrderEventsResponse]) -> list[str]:
    return [pb.OrderEventType.Name(s.event.type).removeprefix("ORDER_EVENT_TYPE_") for s in sent]


# --- the seed's flow --------------------------------------------------------------------------


async def test_create_get_update_decline_restore_then_watch_sees_history_and_live_events(
    rpc: stubs.OrderServiceStub,
) -> None:
    created = (await rpc.CreateOrderWithItems(with_items(None, item("a", "10.50")))).order
    order_id = created.order_id
    assert created.status == pb.ORDER_STATUS_OPEN
    assert created.total == "10.50" and created.version == 2
    assert created.type.rent_payment.payment_date.month == 2

    got = (await rpc.GetOrder(api.GetOrderRequest(order_id=order_id))).order
    assert got == created and not got.events
    full = await rpc.GetOrder(api.GetOrderRequest(order_id=order_id, view=api.ORDER_VIEW_FULL))
    assert [e.version for e in full.order.events] == [1, 2]

    update = api.UpdateOrderRequest(
        order_id=order_id, cancel_item_ids=["a"], add_items=[item("b", "0.30")], expected_version=2
    )
    updated = (await rpc.UpdateOrder(update)).order
    assert [i.order_item_id for i in updated.items] == ["b"]
    assert [i.order_item_id for i in updated.cancelled_items] == ["a"]
    assert updated.total == "0.30"

    declined = await rpc.DeclineOrder(api.DeclineOrderRequest(order_id=order_id))
    assert declined.order.status == pb.ORDER_STATUS_DECLINED
    again = await rpc.DeclineOrder(api.DeclineOrderRequest(order_id=order_id))
    assert again.order.version == declined.order.version  # idempotent: no new event
    restored = (await rpc.RestoreOrder(api.RestoreOrderRequest(order_id=order_id))).order
    assert restored.status == pb.ORDER_STATUS_OPEN

    stream = rpc.WatchOrderEvents(api.WatchOrderEventsRequest(order_id=order_id))
    history = await events_of(stream, restored.version)
    assert types(history) == [
        "ORDER_CREATED", "ITEM_ADDED", "ITEM_CANCELLED", "ITEM_ADDED", "ORDER_DECLINED",
        "ORDER_RESTORED",
    ]  # fmt: skip
    assert [s.cursor for s in history] == [s.event.id for s in history]
    await rpc.UpdateOrder(api.UpdateOrderRequest(order_id=order_id, add_items=[item("c")]))
    [live] = await events_of(stream, 1)
    assert types([live]) == ["ITEM_ADDED"] and live.event.version == restored.version + 1
    assert live.event.data["item"]["price"] == "100.00"  # exact, a decimal string
    stream.cancel()


async def test_an_unknown_order_declines_without_error_and_answers_no_order(
    rpc: stubs.OrderServiceStub,
) -> None:
    answer = await rpc.DeclineOrder(api.DeclineOrderRequest(order_id=unique("o")))
    assert not answer.HasField("order")


async def test_seed_000_create_with_and_without_promo_then_complete_and_cancel(
    rpc: stubs.OrderServiceStub, api: Api
) -> None:
    plain = (await rpc.CreateOrder(api_pb.CreateOrderRequest())).order
    assert not plain.HasField("promo") and not plain.HasField("entity_id")
    promo = await helpers.user_and_promo(api, 2, 1)
    given = api_pb.CreateOrderRequest(user_id=promo["userId"], promo_id=promo["promoId"])
    reserved = (await rpc.CreateOrder(given)).order
    assert reserved.promo.promo_id == promo["promoId"]
    exhausted = await refused_with(rpc.CreateOrder(given))
    assert (exhausted.code, exhausted.reason) == (C.FAILED_PRECONDITION, "PROMO_USER_LIMIT")
    done = await rpc.CompleteOrder(api_pb.CompleteOrderRequest(order_id=reserved.order_id))
    assert done.order.status == pb.ORDER_STATUS_COMPLETED
    closed = await refused_with(
        rpc.CancelOrder(api_pb.CancelOrderRequest(order_id=done.order.order_id))
    )
    assert (closed.code, closed.reason) == (C.FAILED_PRECONDITION, "ORDER_CLOSED")
    cancelled = await rpc.CancelOrder(api_pb.CancelOrderRequest(order_id=plain.order_id))
    assert cancelled.order.status == pb.ORDER_STATUS_CANCELLED
    half = await refused_with(rpc.CreateOrder(api_pb.CreateOrderRequest(user_id="u1")))
    assert (half.code, half.reason, half.field) == (C.INVALID_ARGUMENT, "INVALID_INPUT", "promo_id")


api_pb = api  # the fixture named `api` (GraphQL, for admin set-up) shadows the module there


# --- errors: the table, with details --------------------------------------------------------


async def test_each_seed_error_has_its_grpc_code_and_error_info(
    rpc: stubs.OrderServiceStub,
) -> None:
    duplicate = await refused_with(rpc.CreateOrderWithItems(with_items(None, item("a"), item("a"))))
    assert duplicate.code == C.INVALID_ARGUMENT and duplicate.reason == "DUPLICATE_ITEM_ID"
    assert duplicate.domain == "ordo"
    assert duplicate.field == "items[1].order_item_id"
    assert duplicate.violations == ("items[1].order_item_id",)

    missing = await refused_with(rpc.GetOrder(api.GetOrderRequest(order_id=unique("o"))))
    assert (missing.code, missing.reason, missing.field) == (
        C.NOT_FOUND,
        "ORDER_NOT_FOUND",
        "order_id",
    )
    assert missing.violations == ()

    restore = await refused_with(rpc.RestoreOrder(api.RestoreOrderRequest(order_id=unique("o"))))
    assert (restore.code, restore.reason) == (C.INVALID_ARGUMENT, "ORDER_NOT_FOUND_FOR_RESTORE")

    order = (await rpc.CreateOrderWithItems(with_items())).order
    other = with_items(order.entity_id, item("z"), order_id=order.order_id)
    conflict = await refused_with(rpc.CreateOrderWithItems(other))
    assert (conflict.code, conflict.reason) == (C.ALREADY_EXISTS, "ORDER_CONFLICT")

    no_item = api.UpdateOrderRequest(order_id=order.order_id, cancel_item_ids=["nope"])
    absent = await refused_with(rpc.UpdateOrder(no_item))
    assert (absent.code, absent.reason) == (C.NOT_FOUND, "ITEM_NOT_FOUND")

    stale = api.UpdateOrderRequest(order_id=order.order_id, expected_version=1)
    assert (await refused_with(rpc.UpdateOrder(stale))).code == C.ABORTED

    negative = api.UpdateOrderRequest(order_id=order.order_id, add_items=[item("n", "-1")])
    price = await refused_with(rpc.UpdateOrder(negative))
    assert (price.code, price.field) == (C.INVALID_ARGUMENT, "add_items[0].price")

    kind = api.UpdateOrderRequest(
        order_id=order.order_id, type=pb.OrderType(security_deposit=pb.SecurityDeposit())
    )
    assert (await refused_with(rpc.UpdateOrder(kind))).reason == "TYPE_KIND_CHANGE"

    await rpc.DeclineOrder(api.DeclineOrderRequest(order_id=order.order_id))
    declined = await refused_with(rpc.UpdateOrder(api.UpdateOrderRequest(order_id=order.order_id)))
    assert (declined.code, declined.reason) == (C.FAILED_PRECONDITION, "ORDER_DECLINED")


async def test_invalid_dates_and_terms_are_refused_with_their_field(
    rpc: stubs.OrderServiceStub,
) -> None:
    bad_day = with_items(None, item("a", start="2026-02-30"))
    refused = await refused_with(rpc.CreateOrderWithItems(bad_day))
    assert (refused.code, refused.field) == (C.INVALID_ARGUMENT, "items[0].period_start_date")
    no_start = with_items(None, api.OrderItemInput(order_item_id="a", service_id="s", price="1"))
    refused = await refused_with(rpc.CreateOrderWithItems(no_start))
    assert refused.field == "items[0].period_start_date"
    no_term = with_items()
    no_term.type.rent_payment.term = pb.RENT_TERM_UNSPECIFIED
    refused = await refused_with(rpc.CreateOrderWithItems(no_term))
    assert refused.field == "type.rent_payment.term"


# --- pages ----------------------------------------------------------------------------------


async def test_get_orders_pages_by_token_in_the_spec_order(rpc: stubs.OrderServiceStub) -> None:
    entity = unique("e")
    for start in ("2026-03-01", "2026-01-01", "2026-02-01"):
        await rpc.CreateOrderWithItems(with_items(entity, item("a", start=start)))
    first = await rpc.GetOrders(api.GetOrdersRequest(entity_id=entity, page_size=2))
    starts = [o.items[0].period_start_date.month for o in first.orders]
    assert starts == [1, 2] and first.total_size == 3 and first.next_page_token
    rest = await rpc.GetOrders(
        api.GetOrdersRequest(entity_id=entity, page_size=2, page_token=first.next_page_token)
    )
    assert [o.items[0].period_start_date.month for o in rest.orders] == [3]
    assert rest.next_page_token == ""
    foreign = api.GetOrdersRequest(entity_id=unique("e"), page_token=first.next_page_token)
    refused = await refused_with(rpc.GetOrders(foreign))
    assert (refused.code, refused.reason, refused.field) == (
        C.INVALID_ARGUMENT, "INVALID_CURSOR", "page_token",
    )  # fmt: skip
    too_many = await refused_with(
        rpc.GetOrders(api.GetOrdersRequest(entity_id=entity, page_size=101))
    )
    assert (too_many.code, too_many.field) == (C.INVALID_ARGUMENT, "page_size")


# --- watches --------------------------------------------------------------------------------


async def test_an_entity_watch_resumed_from_its_cursor_misses_and_repeats_nothing(
    rpc: stubs.OrderServiceStub,
) -> None:
    entity = unique("e")
    watch = rpc.WatchOrderEvents(api.WatchOrderEventsRequest(entity_id=entity))
    await asyncio.sleep(0.3)  # an entity watch without `after` starts at now: let it begin
    first = (await rpc.CreateOrderWithItems(with_items(entity))).order
    got = await events_of(watch, 2)
    assert types(got) == ["ORDER_CREATED", "ITEM_ADDED"]
    assert got[1].order.version == 2 and got[0].order.version == 1  # as it stood after each
    watch.cancel()
    # Changes while no one watches, then the watch resumed from the last cursor.
    await rpc.UpdateOrder(api.UpdateOrderRequest(order_id=first.order_id, add_items=[item("b")]))
    second = (await rpc.CreateOrderWithItems(with_items(entity))).order
    resumed = rpc.WatchOrderEvents(
        api.WatchOrderEventsRequest(entity_id=entity, after=got[-1].cursor)
    )
    more = await events_of(resumed, 3)
    assert [(s.event.order_id, s.event.version) for s in more] == [
        (first.order_id, 3), (second.order_id, 1), (second.order_id, 2),
    ]  # fmt: skip
    resumed.cancel()


async def test_a_watch_on_an_unknown_order_or_with_a_bad_after_is_refused_before_any_event(
    rpc: stubs.OrderServiceStub,
) -> None:
    unknown = rpc.WatchOrderEvents(api.WatchOrderEventsRequest(order_id=unique("o")))
    refused = await refused_with(events_of(unknown, 1))
    assert (refused.code, refused.reason) == (C.NOT_FOUND, "ORDER_NOT_FOUND")
    order = (await rpc.CreateOrderWithItems(with_items())).order
    bad = rpc.WatchOrderEvents(api.WatchOrderEventsRequest(order_id=order.order_id, after="1-0"))
    refused = await refused_with(events_of(bad, 1))
    assert (refused.code, refused.field) == (C.INVALID_ARGUMENT, "after")
    cursor = rpc.WatchOrderEvents(api.WatchOrderEventsRequest(entity_id="e", after="garbage"))
    refused = await refused_with(events_of(cursor, 1))
    assert (refused.code, refused.reason, refused.field) == (
        C.INVALID_ARGUMENT, "INVALID_CURSOR", "after",
    )  # fmt: skip
    nothing = rpc.WatchOrderEvents(api.WatchOrderEventsRequest())
    assert (await refused_with(events_of(nothing, 1))).field == "order_id"


# --- what any gRPC client may send ---------------------------------------------------------


async def test_bytes_that_are_no_message_are_invalid_argument_and_not_logged_as_a_fault(
    server: OrdoServer,
) -> None:
    async with grpc.aio.insecure_channel(server.grpc_target) as channel:
        raw = channel.unary_unary("/ordo.v1.OrderService/GetOrder")  # bytes in, bytes out
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await raw(b"\x0a\xff\xff\xff\xff\x0f")  # a length past the end
        assert caught.value.code() == C.INVALID_ARGUMENT
        health = health_pb2_grpc.HealthStub(channel)
        answer = await health.Check(health_pb2.HealthCheckRequest())
        assert answer.status == health_pb2.HealthCheckResponse.SERVING  # the worker lives on
    log = server_log(server)
    assert '"level":"error"' not in log.replace(" ", "") and "Traceback" not in log


async def test_metrics_count_calls_by_method_and_code_and_the_log_line_names_them(
    server: OrdoServer, rpc: stubs.OrderServiceStub
) -> None:
    await refused_with(rpc.GetOrder(api.GetOrderRequest(order_id=unique("o"))))
    async with httpx.AsyncClient(base_url=server.url) as http:
        text = (await http.get("/metrics")).text
    assert 'ordo_grpc_calls_total{code="NOT_FOUND",method="GetOrder"}' in text
    assert 'ordo_grpc_call_seconds_bucket{le="0.5",method="GetOrder"}' in text
    log = server_log(server)
    assert '"grpc_method":"GetOrder","code":"NOT_FOUND"' in log


# --- identity -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jwt_server(backend: str, redis_server: RedisServer) -> Iterator[OrdoServer]:
    env = {**JWT_ENV, "ORDO_CURSOR_KEY": CURSOR_KEY}
    made = OrdoServer(redis_server.url if backend == "redis" else None, env=env)
    with running(made):
        yield made


async def test_a_customer_token_owns_its_orders_and_cannot_see_another_s(
    jwt_server: OrdoServer,
) -> None:
    alice, bob = unique("u"), unique("u")
    async with client(jwt_server.grpc_target) as rpc:
        order = (await rpc.CreateOrderWithItems(with_items(), metadata=bearer(hs256(alice)))).order
        assert order.owner_id == alice
        mine = await rpc.GetOrder(
            api.GetOrderRequest(order_id=order.order_id), metadata=bearer(hs256(alice))
        )
        assert mine.order.order_id == order.order_id
        hidden = await refused_with(
            rpc.GetOrder(api.GetOrderRequest(order_id=order.order_id), metadata=bearer(hs256(bob)))
        )
        assert (hidden.code, hidden.reason) == (C.NOT_FOUND, "ORDER_NOT_FOUND")
        not_hers = api.UpdateOrderRequest(order_id=order.order_id, add_items=[item("x")])
        refused = await refused_with(rpc.UpdateOrder(not_hers, metadata=bearer(hs256(bob))))
        assert refused.code == C.NOT_FOUND
        other_user = api.CreateOrderRequest(user_id=alice, promo_id="p")
        forbidden = await refused_with(rpc.CreateOrder(other_user, metadata=bearer(hs256(bob))))
        assert (forbidden.code, forbidden.reason) == (C.PERMISSION_DENIED, "FORBIDDEN")
        anonymous = await refused_with(rpc.GetOrder(api.GetOrderRequest(order_id=order.order_id)))
        assert (anonymous.code, anonymous.reason) == (C.UNAUTHENTICATED, "UNAUTHENTICATED")
        forged = bearer(hs256(alice, secret="another-secret-of-at-least-32-bytes!!"))
        refused = await refused_with(
            rpc.GetOrder(api.GetOrderRequest(order_id=order.order_id), metadata=forged)
        )
        assert refused.code == C.UNAUTHENTICATED
        admin = await rpc.GetOrder(
            api.GetOrderRequest(order_id=order.order_id), metadata=bearer(ADMIN_TOKEN)
        )
        assert admin.order.owner_id == alice


async def test_an_entity_cursor_older_than_the_feed_keeps_is_out_of_range(
    jwt_server: OrdoServer,
) -> None:
    entity = unique("e")
    expired = feed_cursors.encode(Sealer([CURSOR_KEY]), FeedCursor(entity, 1_000, {}))
    async with client(jwt_server.grpc_target) as rpc:
        watch = rpc.WatchOrderEvents(
            api.WatchOrderEventsRequest(entity_id=entity, after=expired),
            metadata=bearer(ADMIN_TOKEN),
        )
        refused = await refused_with(events_of(watch, 1))
    assert (refused.code, refused.reason, refused.field) == (
        C.OUT_OF_RANGE, "CURSOR_EXPIRED", "after",
    )  # fmt: skip


# --- the store away: health and deadlines ---------------------------------------------------


async def test_health_follows_redis_and_a_call_past_its_time_ends_deadline_exceeded() -> None:
    redis = RedisServer()
    redis.start()
    server = OrdoServer(redis.url, env={"ORDO_REQUEST_TIMEOUT": "1", "ORDO_REDIS_TIMEOUT": "5"})
    try:
        with running(server):
            async with grpc.aio.insecure_channel(server.grpc_target) as channel:
                health = health_pb2_grpc.HealthStub(channel)
                rpc = stubs.OrderServiceStub(channel)
                named = health_pb2.HealthCheckRequest(service="ordo.v1.OrderService")
                assert (await health.Check(named)).status == health_pb2.HealthCheckResponse.SERVING
                watch = health.Watch(health_pb2.HealthCheckRequest())
                assert (await watch.read()).status == health_pb2.HealthCheckResponse.SERVING
                with redis.frozen():
                    slow = await refused_with(rpc.GetOrder(api.GetOrderRequest(order_id="o1")))
                    assert (slow.code, slow.reason) == (C.DEADLINE_EXCEEDED, "UNAVAILABLE")
                    with pytest.raises(grpc.aio.AioRpcError) as caught:
                        await rpc.GetOrder(api.GetOrderRequest(order_id="o2"), timeout=0.3)
                    assert caught.value.code() == C.DEADLINE_EXCEEDED
                    down = await asyncio.wait_for(watch.read(), 10)
                    assert down.status == health_pb2.HealthCheckResponse.NOT_SERVING
                    assert (await health.Check(named)).status == down.status
                up = await asyncio.wait_for(watch.read(), 10)
                assert up.status == health_pb2.HealthCheckResponse.SERVING
                watch.cancel()
    finally:
        redis.cleanup()
    log = server_log(server)
    assert '"grpc_method":"GetOrder","code":"DEADLINE_EXCEEDED"' in log


async def test_every_worker_serves_grpc_on_the_one_port(redis_server: RedisServer) -> None:
    server = OrdoServer(redis_server.url, workers=2)
    with running(server):
        # One listening socket a worker (SO_REUSEPORT), once both have started.
        await eventually(lambda: _listeners(server.grpc_port) == 2, "both workers listening")
        async with client(server.grpc_target) as rpc:
            created = (await rpc.CreateOrderWithItems(with_items())).order
            assert created.version == 2


def _listeners(port: int) -> int:
    """Listening TCP sockets on the port (/proc/net/tcp: state 0A is LISTEN)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count

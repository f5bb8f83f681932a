"""Events land in the order's Redis stream in SPEC §3.2 order; folding the stream as read from
Redis gives exactly the order each resolver returned."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from domain.errors import OrdoError
from domain.events import EventType
from domain.order import Order
from resolvers import orders
from store import Store
from store.keys import Home, events_key
from tests.integration.helpers import folded, new_promo, new_user, stream

E = EventType
Flow = Callable[[Store, str], Awaitable[Order]]


async def complete(store: Store, order_id: str) -> Order:
    return await orders.complete_order(store, order_id)


async def cancel(store: Store, order_id: str) -> Order:
    return await orders.cancel_order(store, order_id)


async def complete_twice(store: Store, order_id: str) -> Order:
    await orders.complete_order(store, order_id)
    return await orders.complete_order(store, order_id)


FLOWS: list[tuple[str, Flow | None, list[EventType]]] = [
    ("created", None, [E.ORDER_CREATED, E.PROMO_RESERVED]),
    (
        "completed",
        complete,
        [E.ORDER_CREATED, E.PROMO_RESERVED, E.PROMO_REDEEMED, E.ORDER_COMPLETED],
    ),
    ("cancelled", cancel, [E.ORDER_CREATED, E.PROMO_RESERVED, E.PROMO_RELEASED, E.ORDER_CANCELLED]),
    (
        "completed-twice",
        complete_twice,
        [E.ORDER_CREATED, E.PROMO_RESERVED, E.PROMO_REDEEMED, E.ORDER_COMPLETED],
    ),
]


async def promo_home_order(store: Store) -> tuple[Home, Order]:
    user, promo = await new_user(store), await new_promo(store, 5, 5)
    return Home.of_promo(promo), await orders.create_order(store, user, promo)


@pytest.mark.parametrize(("name", "flow", "expected"), FLOWS, ids=[f[0] for f in FLOWS])
async def test_promo_order_stream_holds_spec_events_in_order(
    store: Store, name: str, flow: Flow | None, expected: list[EventType]
) -> None:
    home, order = await promo_home_order(store)
    if flow is not None:
        order = await flow(store, order.order_id)
    events = await stream(store, home, order.order_id)
    assert [event.type for event in events] == expected
    assert await folded(store, home, order.order_id) == order


@pytest.mark.parametrize("flow", [None, complete, cancel])
async def test_plain_order_stream_folds_to_what_the_resolver_returned(
    store: Store, flow: Flow | None
) -> None:
    order = await orders.create_order(store)
    if flow is not None:
        order = await flow(store, order.order_id)
    home = Home.of_order(order.order_id)
    assert await folded(store, home, order.order_id) == order
    assert await orders.get_order(store, order.order_id) == order


async def test_version_is_the_stream_length(store: Store) -> None:
    home, order = await promo_home_order(store)
    order = await orders.complete_order(store, order.order_id)
    assert order.version == await store.read("XLEN", events_key(home, order.order_id)) == 4


async def test_event_ids_grow_and_times_follow_them(store: Store) -> None:
    home, order = await promo_home_order(store)
    await orders.cancel_order(store, order.order_id)
    events = await stream(store, home, order.order_id)
    ids = [tuple(int(part) for part in event.id.split("-")) for event in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert [event.at for event in events] == sorted(event.at for event in events)
    assert all(event.at.utcoffset() is not None and not event.at.utcoffset() for event in events)
    order = await orders.get_order(store, order.order_id)
    assert (order.created_at, order.updated_at) == (events[0].at, events[-1].at)


async def test_event_data_is_the_spec_json(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, 5, 5)
    first = await orders.create_order(store, user, promo)
    second = await orders.create_order(store, user, promo)
    await orders.complete_order(store, first.order_id)
    await orders.cancel_order(store, second.order_id)
    home = Home.of_promo(promo)
    activation = {"promoId": promo, "userId": user}
    assert [event.data for event in await stream(store, home, first.order_id)] == [
        {"entityId": None, "type": None},
        activation,
        activation,
        {},
    ]
    assert [event.data for event in await stream(store, home, second.order_id)] == [
        {"entityId": None, "type": None},
        activation,
        {**activation, "reason": "cancelled"},
        {},
    ]


async def test_refused_close_appends_no_event(store: Store) -> None:
    home, order = await promo_home_order(store)
    await orders.complete_order(store, order.order_id)
    before = await stream(store, home, order.order_id)
    with pytest.raises(OrdoError):
        await orders.cancel_order(store, order.order_id)
    assert await stream(store, home, order.order_id) == before

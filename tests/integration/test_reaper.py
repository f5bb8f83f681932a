"""Stale reservations expire: the reaper cancels OPEN promo orders older than the TTL."""

import asyncio

from domain.errors import ErrorCode, OrdoError
from domain.events import EventType, PromoReleased, ReleaseReason
from domain.order import OrderStatus
from jobs.reaper import expire_stale
from resolvers import orders
from store import Store
from tests.integration.helpers import assert_invariants, new_promo, new_user


async def test_an_order_older_than_the_ttl_is_cancelled_and_gives_its_activation_back(
    store: Store,
) -> None:
    promo_id, user_id = await new_promo(store, count=1), await new_user(store)
    order = await orders.create_order(store, user_id, promo_id)
    assert await expire_stale(store, ttl_seconds=0) >= 1
    expired = await orders.get_order(store, order.order_id)
    assert expired.status is OrderStatus.CANCELLED
    released, cancelled = expired.events[-2:]
    assert isinstance(released, PromoReleased) and released.reason is ReleaseReason.EXPIRED
    assert cancelled.type is EventType.ORDER_CANCELLED
    state = await assert_invariants(store, promo_id, [order.order_id])
    assert state.locked == 0
    await orders.create_order(store, await new_user(store), promo_id)  # the activation is back


async def test_a_reservation_younger_than_the_ttl_stays(store: Store) -> None:
    promo_id, user_id = await new_promo(store), await new_user(store)
    order = await orders.create_order(store, user_id, promo_id)
    await expire_stale(store, ttl_seconds=3600)
    assert (await orders.get_order(store, order.order_id)).status is OrderStatus.OPEN


async def test_reapers_racing_each_other_and_clients_expire_each_order_at_most_once(
    store: Store,
) -> None:
    promo_id = await new_promo(store, count=40, per_user_count=40)
    user_id = await new_user(store)
    made = [await orders.create_order(store, user_id, promo_id) for _ in range(20)]
    ids = [order.order_id for order in made]

    async def complete(order_id: str) -> None:
        try:
            await orders.complete_order(store, order_id)
        except OrdoError as error:  # the reaper got there first
            assert error.code is ErrorCode.ORDER_CLOSED

    await asyncio.gather(
        *(expire_stale(store, ttl_seconds=0) for _ in range(4)),
        *(complete(order_id) for order_id in ids[::2]),
    )
    final = [await orders.get_order(store, order_id) for order_id in ids]
    assert all(order.status in (OrderStatus.COMPLETED, OrderStatus.CANCELLED) for order in final)
    for order in final:  # one closing, never both, never twice
        closing = [event.type for event in order.events[2:]]  # after created + reserved
        assert closing in (
            [EventType.PROMO_REDEEMED, EventType.ORDER_COMPLETED],
            [EventType.PROMO_RELEASED, EventType.ORDER_CANCELLED],
        )
    completed = sum(order.status is OrderStatus.COMPLETED for order in final)
    state = await assert_invariants(store, promo_id, ids)
    assert (state.locked, int(state.fields["count"])) == (0, 40 - completed)

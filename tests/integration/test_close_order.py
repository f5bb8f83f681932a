"""complete_order and cancel_order: SPEC §2 redeem and release, §3.2 repeats and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import ErrorCode, OrdoError
from domain.events import EventType
from domain.order import OrderStatus
from resolvers import entity_orders, orders, promos
from store import Store
from store.argv import ChangeArgs
from store.keys import Home, order_keys, order_promo_keys
from tests.integration.helpers import assert_invariants, new_promo, new_user, promo_state
from tests.support import unique

CREATED, RESERVED = EventType.ORDER_CREATED, EventType.PROMO_RESERVED


def types(order: object) -> list[EventType]:
    return [event.type for event in order.events]  # type: ignore[attr-defined]


async def promo_order(store: Store, count: int = 5, per_user: int = 1) -> tuple[str, str, str]:
    user, promo = await new_user(store), await new_promo(store, count, per_user)
    return user, promo, (await orders.create_order(store, user, promo)).order_id


async def test_completing_a_promo_order_redeems_its_activation(store: Store) -> None:
    user, promo, order_id = await promo_order(store, count=5)
    order = await orders.complete_order(store, order_id)
    assert order.status is OrderStatus.COMPLETED
    assert types(order) == [CREATED, RESERVED, EventType.PROMO_REDEEMED, EventType.ORDER_COMPLETED]
    assert order.events[2].data == {"promoId": promo, "userId": user}
    assert order.events[3].data == {}
    state = await assert_invariants(store, promo, [order_id])
    assert (state.count, state.locked, state.used, state.open) == (4, 0, {user: 1}, {})
    assert state.open_orders == frozenset()
    assert await promos.promo_used(store, promo, user) == 1


async def test_cancelling_a_promo_order_releases_its_activation(store: Store) -> None:
    user, promo, order_id = await promo_order(store, count=5)
    order = await orders.cancel_order(store, order_id)
    assert order.status is OrderStatus.CANCELLED
    assert types(order) == [CREATED, RESERVED, EventType.PROMO_RELEASED, EventType.ORDER_CANCELLED]
    assert order.events[2].data == {"promoId": promo, "userId": user, "reason": "cancelled"}
    state = await assert_invariants(store, promo, [order_id])
    assert (state.count, state.locked, state.used, state.open) == (5, 0, {}, {})


@pytest.mark.parametrize(
    ("close", "status", "last"),
    [
        (orders.complete_order, OrderStatus.COMPLETED, EventType.ORDER_COMPLETED),
        (orders.cancel_order, OrderStatus.CANCELLED, EventType.ORDER_CANCELLED),
    ],
)
async def test_closing_a_plain_order_appends_no_promo_event(
    store: Store, close: object, status: OrderStatus, last: EventType
) -> None:
    order_id = (await orders.create_order(store)).order_id
    order = await close(store, order_id)  # type: ignore[operator]
    assert order.status is status
    assert types(order) == [CREATED, last]


@pytest.mark.parametrize("close", [orders.complete_order, orders.cancel_order])
async def test_repeating_the_same_close_succeeds_without_new_events(
    store: Store, close: object
) -> None:
    _, promo, order_id = await promo_order(store)
    first = await close(store, order_id)  # type: ignore[operator]
    before = await promo_state(store, promo)
    again = await close(store, order_id)  # type: ignore[operator]
    assert again == first
    assert await promo_state(store, promo) == before


@pytest.mark.parametrize(
    ("first", "then"),
    [(orders.complete_order, orders.cancel_order), (orders.cancel_order, orders.complete_order)],
)
async def test_closing_the_other_way_is_409_and_changes_nothing(
    store: Store, first: object, then: object
) -> None:
    _, promo, order_id = await promo_order(store)
    closed = await first(store, order_id)  # type: ignore[operator]
    before = await promo_state(store, promo)
    with pytest.raises(OrdoError) as caught:
        await then(store, order_id)  # type: ignore[operator]
    assert caught.value.code is ErrorCode.ORDER_CLOSED
    assert caught.value.status == 409
    assert await orders.get_order(store, order_id) == closed
    assert await promo_state(store, promo) == before


@pytest.mark.parametrize("close", [orders.complete_order, orders.cancel_order])
async def test_closing_a_declined_order_is_409_order_declined(store: Store, close: object) -> None:
    _, promo, order_id = await promo_order(store)
    declined = await entity_orders.decline_order(store, order_id)
    before = await promo_state(store, promo)
    with pytest.raises(OrdoError) as caught:
        await close(store, order_id)  # type: ignore[operator]
    assert caught.value.code is ErrorCode.ORDER_DECLINED
    assert await orders.get_order(store, order_id) == declined
    assert await promo_state(store, promo) == before


@pytest.mark.parametrize("close", [orders.complete_order, orders.cancel_order])
async def test_closing_an_unknown_order_is_404(store: Store, close: object) -> None:
    with pytest.raises(OrdoError) as caught:
        await close(store, unique("o"))  # type: ignore[operator]
    assert caught.value.code is ErrorCode.ORDER_NOT_FOUND
    assert caught.value.field == ("orderId",)


@pytest.mark.parametrize("script", ["complete_order", "cancel_order"])
async def test_close_script_refuses_an_unknown_order_and_writes_nothing(
    store: Store, script: str
) -> None:
    promo, order_id = await new_promo(store), unique("o")
    home = Home.of_promo(promo)
    before = await promo_state(store, promo)
    reply = await store.run(script, order_promo_keys(home, order_id), ChangeArgs(order_id, ""))
    assert reply == ["refused", "ORDER_NOT_FOUND", "orderId"]
    assert await store.read("EXISTS", *order_keys(home, order_id)) == 0
    assert await promo_state(store, promo) == before


async def test_order_is_redeemed_even_after_the_promo_has_ended(store: Store) -> None:
    user, promo, order_id = await promo_order(store, count=2)
    await promos.update_promo(store, promo, ends_at=datetime.now(UTC) - timedelta(hours=1))
    order = await orders.complete_order(store, order_id)
    assert order.status is OrderStatus.COMPLETED
    state = await assert_invariants(store, promo, [order_id])
    assert (state.count, state.locked, state.used) == (1, 0, {user: 1})


async def test_order_can_be_cancelled_after_the_promo_has_ended(store: Store) -> None:
    _, promo, order_id = await promo_order(store, count=2)
    await promos.update_promo(store, promo, ends_at=datetime.now(UTC) - timedelta(hours=1))
    assert (await orders.cancel_order(store, order_id)).status is OrderStatus.CANCELLED
    assert (await assert_invariants(store, promo, [order_id])).count == 2


async def test_other_users_keep_their_open_count_when_one_closes(store: Store) -> None:
    promo = await new_promo(store, count=5, per_user_count=2)
    first, second = await new_user(store), await new_user(store)
    ids = [
        (await orders.create_order(store, user, promo)).order_id for user in (first, first, second)
    ]
    await orders.complete_order(store, ids[0])
    await orders.cancel_order(store, ids[2])
    state = await assert_invariants(store, promo, ids)
    assert state.open == {first: 1}
    assert state.used == {first: 1}
    assert (state.count, state.locked) == (4, 1)

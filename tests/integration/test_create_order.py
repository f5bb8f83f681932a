"""create_order: plain and with a promo; each promo refusal of SPEC §2 and §3.1 writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import ErrorCode, OrdoError
from domain.events import EventType
from domain.order import OrderStatus, PromoActivation
from resolvers import orders
from store import Store
from store.keys import Home, home_key, promo_keys
from tests.integration.helpers import (
    assert_invariants,
    folded,
    new_promo,
    new_user,
    nothing_stored,
    promo_state,
    run_create,
)
from tests.support import unique

NOW = datetime.now(UTC)


async def test_plain_order_is_open_with_one_created_event(store: Store) -> None:
    order = await orders.create_order(store)
    assert order.status is OrderStatus.OPEN
    assert order.promo is None
    assert [event.type for event in order.events] == [EventType.ORDER_CREATED]
    assert order.events[0].data == {"entityId": None, "type": None}
    assert order.version == 1


async def test_plain_order_lives_under_its_own_id_without_a_home_record(store: Store) -> None:
    order = await orders.create_order(store)
    assert await folded(store, Home.of_order(order.order_id), order.order_id) == order
    assert await store.read("EXISTS", home_key(order.order_id)) == 0


async def test_promo_order_reserves_one_activation(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, count=3, per_user_count=2)
    order = await orders.create_order(store, user, promo)
    assert order.promo == PromoActivation(promo, user)
    assert [event.type for event in order.events] == [
        EventType.ORDER_CREATED,
        EventType.PROMO_RESERVED,
    ]
    assert order.events[1].data == {"promoId": promo, "userId": user}
    state = await assert_invariants(store, promo, [order.order_id])
    assert (state.count, state.locked, state.open, state.used) == (3, 1, {user: 1}, {})
    assert state.open_orders == {order.order_id}


async def test_promo_order_lives_under_its_promo_and_records_that_home(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store)
    order = await orders.create_order(store, user, promo)
    assert await store.read("GET", home_key(order.order_id)) == Home.of_promo(promo).tag
    assert await folded(store, Home.of_promo(promo), order.order_id) == order
    assert await orders.get_order(store, order.order_id) == order


async def test_same_order_id_again_answers_the_order_and_reserves_nothing(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, count=5, per_user_count=5)
    order_id = unique("o")
    first = await run_create(store, order_id, promo, user)
    again = await run_create(store, order_id, promo, user)
    assert first[0] == again[0] == "ok"
    assert again[1] == first[1]
    assert (first[2], again[2]) == (2, 0)  # ORDER_CREATED and PROMO_RESERVED, then nothing
    assert (await promo_state(store, promo)).locked == 1


async def test_user_reaching_per_user_limit_is_refused(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, count=10, per_user_count=2)
    kept = [(await orders.create_order(store, user, promo)).order_id for _ in range(2)]
    with pytest.raises(OrdoError) as caught:
        await orders.create_order(store, user, promo)
    assert caught.value.code is ErrorCode.PROMO_USER_LIMIT
    assert caught.value.field == ("input", "promoId")
    other = await orders.create_order(store, await new_user(store), promo)
    state = await assert_invariants(store, promo, [*kept, other.order_id])
    assert state.locked == 3


async def test_redeemed_activations_count_against_the_per_user_limit(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, count=10, per_user_count=1)
    order = await orders.create_order(store, user, promo)
    await orders.complete_order(store, order.order_id)
    with pytest.raises(OrdoError) as caught:
        await orders.create_order(store, user, promo)
    assert caught.value.code is ErrorCode.PROMO_USER_LIMIT


async def test_cancelled_order_gives_the_user_activation_back(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, count=1, per_user_count=1)
    first = await orders.create_order(store, user, promo)
    await orders.cancel_order(store, first.order_id)
    second = await orders.create_order(store, user, promo)
    state = await assert_invariants(store, promo, [first.order_id, second.order_id])
    assert (state.count, state.locked) == (1, 1)


@pytest.mark.parametrize(
    ("count", "window", "code"),
    [
        (0, (None, None), ErrorCode.PROMO_EXHAUSTED),
        (5, (NOW + timedelta(days=1), None), ErrorCode.PROMO_NOT_ACTIVE),
        (5, (NOW - timedelta(days=2), NOW - timedelta(days=1)), ErrorCode.PROMO_NOT_ACTIVE),
        (5, (None, NOW - timedelta(seconds=1)), ErrorCode.PROMO_NOT_ACTIVE),
    ],
    ids=["exhausted", "not-started", "ended", "ends-in-the-past"],
)
async def test_promo_refusal_writes_no_order_and_changes_no_counter(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    count: int,
    window: tuple[datetime | None, datetime | None],
    code: ErrorCode,
) -> None:
    user, promo = await new_user(store), await new_promo(store, count, 1, *window)
    before = await promo_state(store, promo)
    order_id = unique("o")
    monkeypatch.setattr(orders, "new_order_id", lambda: order_id)
    with pytest.raises(OrdoError) as caught:
        await orders.create_order(store, user, promo)
    assert caught.value.code is code
    assert caught.value.field == ("input", "promoId")
    assert await nothing_stored(store, Home.of_promo(promo), order_id)
    assert await promo_state(store, promo) == before


async def test_window_that_has_begun_and_not_ended_accepts_orders(store: Store) -> None:
    window = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    user, promo = await new_user(store), await new_promo(store, 1, 1, *window)
    assert (await orders.create_order(store, user, promo)).status is OrderStatus.OPEN


async def test_unknown_promo_is_404_and_writes_nothing(store: Store) -> None:
    user, promo, order_id = await new_user(store), unique("p"), unique("o")
    reply = await run_create(store, order_id, promo, user)
    assert reply == ["refused", "PROMO_NOT_FOUND", "promoId"]
    assert await nothing_stored(store, Home.of_promo(promo), order_id)
    assert await store.read("EXISTS", *promo_keys(promo)) == 0


async def test_unknown_user_is_403_before_the_promo_is_looked_at(store: Store) -> None:
    with pytest.raises(OrdoError) as caught:
        await orders.create_order(store, unique("u"), unique("p"))
    assert caught.value.code is ErrorCode.USER_NOT_AUTHORIZED
    assert caught.value.status == 403
    assert caught.value.field == ("input", "userId")


@pytest.mark.parametrize(
    ("user_id", "promo_id", "field"),
    [
        ("u-1", None, "promoId"),
        (None, "p-1", "userId"),
        ("u{1}", "p-1", "userId"),
        ("u-1", "p 1", "promoId"),
    ],
)
async def test_malformed_promo_input_is_400_naming_the_field(
    store: Store, user_id: str | None, promo_id: str | None, field: str
) -> None:
    with pytest.raises(OrdoError) as caught:
        await orders.create_order(store, user_id, promo_id)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert caught.value.field == ("input", field)

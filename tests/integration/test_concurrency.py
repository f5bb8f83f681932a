"""Races at the store level (asyncio.gather over one connection pool): SPEC §2 holds under
concurrency; no activation is lost or counted twice, and no key reserves twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

from domain.errors import OrdoError
from domain.order import Order
from resolvers import orders, promos
from store import Store
from tests.integration.helpers import assert_invariants, new_promo, new_user, promo_state
from tests.support import unique


def outcomes(results: Sequence[object]) -> Counter[str]:
    """How many succeeded ("ok") and how many failed with each error code."""
    counted: Counter[str] = Counter()
    for result in results:
        if isinstance(result, OrdoError):
            counted[result.code.name] += 1
        elif isinstance(result, BaseException):
            raise result
        else:
            counted["ok"] += 1
    return counted


async def test_200_concurrent_creates_on_a_count_of_20_reserve_exactly_20(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, count=20, per_user_count=200)
    results = await asyncio.gather(
        *(orders.create_order(store, user, promo) for _ in range(200)), return_exceptions=True
    )
    assert outcomes(results) == {"ok": 20, "PROMO_EXHAUSTED": 180}
    made = [result.order_id for result in results if isinstance(result, Order)]
    state = await assert_invariants(store, promo, made)
    assert (state.count, state.locked, state.open) == (20, 20, {user: 20})


async def test_concurrent_creates_of_many_users_never_overbook(store: Store) -> None:
    promo = await new_promo(store, count=20, per_user_count=2)
    people = [await new_user(store) for _ in range(40)]
    results = await asyncio.gather(
        *(orders.create_order(store, user, promo) for user in people * 3), return_exceptions=True
    )
    counted = outcomes(results)
    assert counted["ok"] == 20
    assert set(counted) <= {"ok", "PROMO_EXHAUSTED", "PROMO_USER_LIMIT"}
    made = [result.order_id for result in results if isinstance(result, Order)]
    assert (await assert_invariants(store, promo, made)).locked == 20


async def test_concurrent_creates_of_one_user_stop_at_the_per_user_limit(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, count=100, per_user_count=3)
    results = await asyncio.gather(
        *(orders.create_order(store, user, promo) for _ in range(50)), return_exceptions=True
    )
    assert outcomes(results) == {"ok": 3, "PROMO_USER_LIMIT": 47}
    made = [result.order_id for result in results if isinstance(result, Order)]
    assert (await assert_invariants(store, promo, made)).open == {user: 3}


async def test_20_concurrent_creates_with_one_key_make_one_order(store: Store) -> None:
    user, promo, key = await new_user(store), await new_promo(store, 5, 5), unique("k")
    results = await asyncio.gather(
        *(orders.create_order(store, user, promo, key) for _ in range(20)), return_exceptions=True
    )
    assert outcomes(results) == {"ok": 20}
    assert len({result.order_id for result in results if isinstance(result, Order)}) == 1
    state = await assert_invariants(store, promo, [results[0].order_id])  # type: ignore[union-attr]
    assert state.locked == 1


async def test_20_concurrent_plain_creates_with_one_key_make_one_order(store: Store) -> None:
    key = unique("k")
    made = await asyncio.gather(
        *(orders.create_order(store, idempotency_key=key) for _ in range(20))
    )
    assert len({order.order_id for order in made}) == 1
    assert all(order.version == 1 for order in made)


async def test_racing_complete_and_cancel_close_each_order_once(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, count=10, per_user_count=10)
    ids = [(await orders.create_order(store, user, promo)).order_id for _ in range(10)]
    results = await asyncio.gather(
        *(
            close(store, order_id)
            for order_id in ids
            for close in (orders.complete_order, orders.cancel_order, orders.complete_order)
        ),
        return_exceptions=True,
    )
    counted = outcomes(results)
    assert counted["ORDER_CLOSED"] + counted["ok"] == 30
    closed = [await orders.get_order(store, order_id) for order_id in ids]
    assert all(order.version == 4 for order in closed)
    completed = sum(1 for order in closed if order.status.name == "COMPLETED")
    state = await assert_invariants(store, promo, ids)
    assert (state.count, state.locked, state.used.get(user, 0)) == (10 - completed, 0, completed)


async def test_recounts_racing_reserves_never_drop_count_below_locked(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, count=10, per_user_count=30)
    creates = [orders.create_order(store, user, promo) for _ in range(30)]
    recounts = [promos.update_promo(store, promo, count=target) for target in range(0, 12)]
    results = await asyncio.gather(*creates, *recounts, return_exceptions=True)
    assert set(outcomes(results)) <= {"ok", "PROMO_EXHAUSTED", "PROMO_COUNT_BELOW_LOCKED"}
    made = [result.order_id for result in results[:30] if isinstance(result, Order)]
    state = await assert_invariants(store, promo, made)
    assert state.locked == len(made) <= state.count
    assert await promo_state(store, promo) == state

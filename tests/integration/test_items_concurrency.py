"""Orders with items under concurrency (asyncio.gather over one store): identical requests
race to one set of events, and the promo counters stay SPEC §2-true, read from Redis."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

from domain.errors import OrdoError
from domain.order import Order, OrderStatus, PromoActivation
from resolvers import entity_orders, promos, users
from store import Store
from tests.e2e.helpers import RAW_RENT, RawItemIn, folded, promo_counters, stream
from tests.support import unique


def _outcomes(results: Sequence[object]) -> Counter[str]:
    counted: Counter[str] = Counter()
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, OrdoError):
            raise result
        counted[result.code.name if isinstance(result, OrdoError) else "ok"] += 1
    return counted


async def _promo(store: Store, count: int, per_user: int) -> PromoActivation:
    user_id, promo_id = unique("u"), unique("p")
    await users.create_user(store, user_id)
    await promos.create_promo(store, promo_id, count, per_user)
    return PromoActivation(promo_id, user_id)


async def test_identical_concurrent_creates_write_one_order_and_reserve_once(store: Store) -> None:
    promo = await _promo(store, count=5, per_user=5)
    order_id, entity_id = unique("o"), unique("e")
    items = [RawItemIn("a"), RawItemIn("b")]
    results = await asyncio.gather(
        *(
            entity_orders.create_order_with_items(
                store, order_id, entity_id, RAW_RENT, items, promo
            )
            for _ in range(20)
        ),
        return_exceptions=True,
    )
    assert _outcomes(results) == {"ok": 20}
    kinds = [kind for kind, _ in await stream(store, order_id)]
    assert kinds == ["ORDER_CREATED", "PROMO_RESERVED", "ITEM_ADDED", "ITEM_ADDED"]
    assert (await promo_counters(store, promo.promo_id))["lockedCount"] == 1
    listed = await entity_orders.list_orders(store, entity_id)
    assert [order.order_id for order in listed] == [order_id]


async def test_concurrent_creates_with_other_content_leave_exactly_one_order(store: Store) -> None:
    order_id, entity_id = unique("o"), unique("e")
    results = await asyncio.gather(
        *(
            entity_orders.create_order_with_items(
                store, order_id, entity_id, RAW_RENT, [RawItemIn(f"i{n}")]
            )
            for n in range(10)
        ),
        return_exceptions=True,
    )
    assert _outcomes(results) == {"ok": 1, "ORDER_CONFLICT": 9}
    [made] = [result for result in results if isinstance(result, Order)]
    assert await folded(store, order_id) == made
    assert len(made.items) == 1


async def test_identical_concurrent_updates_append_their_events_once(store: Store) -> None:
    order_id = unique("o")
    items = [RawItemIn("a"), RawItemIn("b")]
    await entity_orders.create_order_with_items(store, order_id, unique("e"), RAW_RENT, items)
    results = await asyncio.gather(
        *(
            entity_orders.update_order(store, order_id, None, ["a"], [RawItemIn("c")])
            for _ in range(20)
        ),
        return_exceptions=True,
    )
    assert _outcomes(results) == {"ok": 20}
    kinds = [kind for kind, _ in await stream(store, order_id)][3:]
    assert kinds == ["ITEM_CANCELLED", "ITEM_ADDED"]


async def test_concurrent_restores_of_orders_sharing_one_activation_reopen_one(
    store: Store,
) -> None:
    promo = await _promo(store, count=1, per_user=10)
    order_ids = []
    for _ in range(6):  # each opened, then declined, so the one activation is free again
        order_id = unique("o")
        await entity_orders.create_order_with_items(
            store, order_id, unique("e"), RAW_RENT, [RawItemIn("a")], promo
        )
        await entity_orders.decline_order(store, order_id)
        order_ids.append(order_id)
    results = await asyncio.gather(
        *(entity_orders.restore_order(store, order_id) for order_id in order_ids),
        return_exceptions=True,
    )
    assert _outcomes(results) == {"ok": 1, "PROMO_EXHAUSTED": 5}
    statuses = Counter([(await folded(store, o)).status for o in order_ids])  # type: ignore[union-attr]
    assert statuses == {OrderStatus.OPEN: 1, OrderStatus.DECLINED: 5}
    counters = await promo_counters(store, promo.promo_id)
    assert counters["lockedCount"] == 1 and len(counters["openOrders"]) == 1


async def test_racing_declines_and_restores_keep_locked_count_equal_to_open_orders(
    store: Store,
) -> None:
    promo = await _promo(store, count=2, per_user=10)
    order_ids = [unique("o"), unique("o")]
    for order_id in order_ids:
        await entity_orders.create_order_with_items(
            store, order_id, unique("e"), RAW_RENT, [RawItemIn("a")], promo
        )
    calls = [
        call(store, order_id)
        for _ in range(10)
        for order_id in order_ids
        for call in (entity_orders.decline_order, entity_orders.restore_order)
    ]
    await asyncio.gather(*calls, return_exceptions=True)
    found = [await folded(store, order_id) for order_id in order_ids]
    open_ids = sorted(o.order_id for o in found if o and o.status is OrderStatus.OPEN)
    counters = await promo_counters(store, promo.promo_id)
    assert counters["openOrders"] == open_ids
    assert counters["lockedCount"] == len(open_ids) <= counters["count"]

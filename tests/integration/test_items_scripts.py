"""The items scripts' effects read straight from Redis, on both backends: stream contents in
order, folds equal to what the resolvers return, refusals that write nothing, promo counters."""

import pytest

from domain.errors import ErrorCode, OrdoError
from domain.order import OrderStatus, PromoActivation
from resolvers import entity_orders, orders, promos, users
from store import Store
from store.keys import Home, entity_orders_key, home_key, order_keys
from tests.e2e.helpers import (
    RAW_RENT,
    RawDepositIn,
    RawItemIn,
    RawRentIn,
    RawTypeIn,
    folded,
    promo_counters,
    stream,
)
from tests.support import unique


async def _create(store: Store, *item_ids: str, promo: PromoActivation | None = None) -> str:
    order_id = unique("o")
    items = [RawItemIn(item_id) for item_id in item_ids]
    await entity_orders.create_order_with_items(
        store, order_id, unique("e"), RAW_RENT, items, promo
    )
    return order_id


async def _promo(store: Store, count: int = 3, per_user: int = 3) -> PromoActivation:
    user_id, promo_id = unique("u"), unique("p")
    await users.create_user(store, user_id)
    await promos.create_promo(store, promo_id, count, per_user)
    return PromoActivation(promo_id, user_id)


async def test_create_writes_created_then_items_to_the_stream_in_request_order(
    store: Store,
) -> None:
    order_id, entity_id = unique("o"), unique("e")
    items = [RawItemIn("b", price="5"), RawItemIn("a", period_end_date="2026-01-31")]
    made = await entity_orders.create_order_with_items(store, order_id, entity_id, RAW_RENT, items)
    assert await stream(store, order_id) == [
        (
            "ORDER_CREATED",
            {
                "entityId": entity_id,
                "type": {"rentPayment": {"paymentDate": "2026-02-01", "term": "FULL"}},
            },
        ),
        (
            "ITEM_ADDED",
            {
                "item": {
                    "orderItemId": "b",
                    "serviceId": "svc-rent",
                    "price": "5",
                    "periodStartDate": "2026-01-01",
                    "periodEndDate": None,
                }
            },
        ),
        (
            "ITEM_ADDED",
            {
                "item": {
                    "orderItemId": "a",
                    "serviceId": "svc-rent",
                    "price": "100.00",
                    "periodStartDate": "2026-01-01",
                    "periodEndDate": "2026-01-31",
                }
            },
        ),
    ]
    assert await folded(store, order_id) == made == await orders.get_order(store, order_id)


async def test_an_order_without_promo_lives_under_its_entitys_tag(store: Store) -> None:
    order_id, entity_id = unique("o"), unique("e")
    await entity_orders.create_order_with_items(
        store, order_id, entity_id, RAW_RENT, [RawItemIn("a")]
    )
    home = Home.of_entity(entity_id)
    assert await store.read("GET", home_key(order_id)) == home.tag
    assert await store.read("HGET", order_keys(home, order_id)[0], "status") == "OPEN"
    assert await store.read("HGET", entity_orders_key(entity_id), order_id) == home.tag


async def test_an_order_with_promo_lives_under_its_promos_tag(store: Store) -> None:
    promo = await _promo(store)
    order_id, entity_id = unique("o"), unique("e")
    await entity_orders.create_order_with_items(
        store, order_id, entity_id, RAW_RENT, [RawItemIn("a")], promo
    )
    home = Home.of_promo(promo.promo_id)
    assert await store.read("GET", home_key(order_id)) == home.tag
    assert await store.read("XLEN", order_keys(home, order_id)[1]) == 3
    assert await store.read("HGET", entity_orders_key(entity_id), order_id) == home.tag


async def test_update_writes_type_then_cancels_then_adds_and_folds_to_the_reply(
    store: Store,
) -> None:
    order_id = await _create(store, "a", "b")
    changed = await entity_orders.update_order(
        store,
        order_id,
        RawTypeIn(rent_payment=RawRentIn("2026-02-01", "SHORT")),
        ["b", "a"],
        [RawItemIn("c")],
    )
    assert [kind for kind, _ in await stream(store, order_id)][3:] == [
        "ORDER_UPDATED",
        "ITEM_CANCELLED",
        "ITEM_CANCELLED",
        "ITEM_ADDED",
    ]
    assert (await stream(store, order_id))[3][1] == {
        "type": {"rentPayment": {"paymentDate": "2026-02-01", "term": "SHORT"}}
    }
    assert await folded(store, order_id) == changed
    assert [item.order_item_id for item in changed.cancelled_items] == ["b", "a"]
    again = await entity_orders.update_order(
        store,
        order_id,
        RawTypeIn(rent_payment=RawRentIn("2026-02-01", "SHORT")),
        ["b", "a"],
        [RawItemIn("c")],
    )
    assert again == changed


REFUSED_UPDATES = {
    "stale version": (
        dict(expected_version=1, raw_add_items=[RawItemIn("z")]),
        ErrorCode.VERSION_CONFLICT,
    ),
    "unknown item": (dict(cancel_item_ids=["a", "ghost"]), ErrorCode.ITEM_NOT_FOUND),
    "reused id": (
        dict(cancel_item_ids=["a"], raw_add_items=[RawItemIn("z"), RawItemIn("b", price="1")]),
        ErrorCode.ITEM_ID_REUSED,
    ),
    "kind change": (
        dict(raw_type=RawTypeIn(security_deposit=RawDepositIn()), cancel_item_ids=["a"]),
        ErrorCode.TYPE_KIND_CHANGE,
    ),
}


@pytest.mark.parametrize("case", list(REFUSED_UPDATES))
async def test_a_refused_update_writes_nothing(store: Store, case: str) -> None:
    arguments, code = REFUSED_UPDATES[case]
    order_id = await _create(store, "a", "b")
    before = await folded(store, order_id)
    items_key = order_keys(Home(await store.read("GET", home_key(order_id))), order_id)[2]
    items_before = await store.read("HGETALL", items_key)
    with pytest.raises(OrdoError) as refused:
        await entity_orders.update_order(store, order_id, **arguments)  # type: ignore[arg-type]
    assert refused.value.code is code
    assert await folded(store, order_id) == before
    assert await store.read("HGETALL", items_key) == items_before


async def test_updating_a_declined_order_writes_nothing(store: Store) -> None:
    order_id = await _create(store, "a")
    await entity_orders.decline_order(store, order_id)
    before = await stream(store, order_id)
    with pytest.raises(OrdoError) as refused:
        await entity_orders.update_order(store, order_id, cancel_item_ids=["a"])
    assert refused.value.code is ErrorCode.ORDER_DECLINED
    assert await stream(store, order_id) == before


async def test_decline_and_restore_move_the_promo_counters_in_redis(store: Store) -> None:
    promo = await _promo(store, count=2, per_user=2)
    order_id = await _create(store, "a", promo=promo)
    counters = await promo_counters(store, promo.promo_id)
    assert (counters["lockedCount"], counters["open"], counters["openOrders"]) == (
        1,
        {promo.user_id: 1},
        [order_id],
    )
    declined = await entity_orders.decline_order(store, order_id)
    assert declined is not None and declined.status is OrderStatus.DECLINED
    counters = await promo_counters(store, promo.promo_id)
    assert (counters["lockedCount"], counters["open"], counters["openOrders"]) == (0, {}, [])
    assert (await stream(store, order_id))[-1] == (
        "PROMO_RELEASED",
        {"promoId": promo.promo_id, "userId": promo.user_id, "reason": "declined"},
    )
    restored = await entity_orders.restore_order(store, order_id)
    assert restored == await folded(store, order_id)
    counters = await promo_counters(store, promo.promo_id)
    assert (counters["lockedCount"], counters["openOrders"]) == (1, [order_id])


async def test_a_refused_restore_leaves_stream_and_counters_alone(store: Store) -> None:
    promo = await _promo(store, count=1, per_user=1)
    order_id = await _create(store, "a", promo=promo)
    await entity_orders.decline_order(store, order_id)
    await _create(store, "a", promo=promo)
    before, counters = await stream(store, order_id), await promo_counters(store, promo.promo_id)
    with pytest.raises(OrdoError) as refused:
        await entity_orders.restore_order(store, order_id)
    assert refused.value.code is ErrorCode.PROMO_EXHAUSTED
    assert await stream(store, order_id) == before
    assert await promo_counters(store, promo.promo_id) == counters


async def test_decline_of_an_unknown_order_writes_nothing(store: Store) -> None:
    order_id = unique("o")
    assert await entity_orders.decline_order(store, order_id) is None
    assert await folded(store, order_id) is None
    assert await store.read("EXISTS", *order_keys(Home.of_order(order_id), order_id)) == 0


async def test_a_refused_create_leaves_the_entity_index_entry_alone(store: Store) -> None:
    promo = await _promo(store)
    order_id, entity_id = unique("o"), unique("e")
    await entity_orders.create_order_with_items(
        store, order_id, entity_id, RAW_RENT, [RawItemIn("a")]
    )
    index = entity_orders_key(entity_id)
    with pytest.raises(OrdoError) as refused:
        await entity_orders.create_order_with_items(
            store, order_id, entity_id, RAW_RENT, [RawItemIn("a")], promo
        )
    assert refused.value.code is ErrorCode.ORDER_CONFLICT
    assert await store.read("HGET", index, order_id) == Home.of_entity(entity_id).tag
    assert [order.order_id for order in await entity_orders.list_orders(store, entity_id)] == [
        order_id
    ]

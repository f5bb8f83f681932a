"""Pages of an entity's orders (resolvers/pages.py) on every backend: the SPEC's order, the
snapshot a first page fixes, and orders under several homes (promos' slots and the entity's)."""

from __future__ import annotations

import asyncio
import random

import pytest

from domain.errors import ErrorCode, OrdoError
from domain.order import Order, OrderStatus, PromoActivation
from resolvers import entity_orders, pages, promos, users
from store import Store
from tests.e2e.helpers import RAW_RENT, RawItemIn
from tests.support import unique


async def _make(
    store: Store, entity_id: str, start: str, promo: PromoActivation | None = None
) -> str:
    order_id = unique("o")
    items = [
        RawItemIn("a", period_start_date=start),
        RawItemIn("b", period_start_date="2030-01-01"),
    ]
    await entity_orders.create_order_with_items(store, order_id, entity_id, RAW_RENT, items, promo)
    return order_id


async def _walk(
    store: Store, entity_id: str, first: int, include_declined: bool = False
) -> tuple[list[pages.Page], list[str]]:
    walked, after = [], None
    while True:
        page = await pages.list_page(store, entity_id, first, after, include_declined)
        walked.append(page)
        if not page.has_next_page:
            return walked, [edge.order.order_id for p in walked for edge in p.edges]
        after = page.edges[-1].cursor


def _ids(orders: list[Order]) -> list[str]:
    return [order.order_id for order in orders]


async def _promo(store: Store) -> PromoActivation:
    user_id, promo_id = unique("u"), unique("p")
    await users.create_user(store, user_id)
    await promos.create_promo(store, promo_id, 100, 100)
    return PromoActivation(promo_id, user_id)


async def test_pages_list_the_entity_in_the_order_of_orders_across_homes(store: Store) -> None:
    entity_id = unique("e")
    promo, other = await _promo(store), await _promo(store)
    starts = [f"2026-{month:02d}-01" for month in range(1, 13)]
    random.shuffle(starts)
    for n, start in enumerate(starts):
        await _make(store, entity_id, start, [None, promo, other][n % 3])
    await entity_orders.update_order(
        store, await _make(store, entity_id, "2026-05-01"), None, ["a", "b"]
    )
    walked, ids = await _walk(store, entity_id, 5)
    assert ids == _ids(await entity_orders.list_orders(store, entity_id))
    assert [len(page.edges) for page in walked] == [5, 5, 3]
    assert {page.total_count for page in walked} == {13}


async def test_a_page_starts_after_its_cursor_and_ends_the_listing(store: Store) -> None:
    entity_id = unique("e")
    made = sorted([(await _make(store, entity_id, "2026-02-01")) for _ in range(3)])
    page = await pages.list_page(store, entity_id, 2)
    assert [e.order.order_id for e in page.edges] == made[:2] and page.has_next_page
    rest = await pages.list_page(store, entity_id, 2, page.edges[0].cursor)
    assert [e.order.order_id for e in rest.edges] == made[1:] and not rest.has_next_page
    empty = await pages.list_page(store, unique("e"), 20)
    assert (empty.edges, empty.has_next_page, empty.total_count) == ([], False, 0)


async def test_declined_orders_are_hidden_unless_asked_for(store: Store) -> None:
    entity_id = unique("e")
    kept, gone = (
        await _make(store, entity_id, "2026-01-01"),
        await _make(store, entity_id, "2026-02-01"),
    )
    await entity_orders.decline_order(store, gone)
    assert (await _walk(store, entity_id, 1))[1] == [kept]
    walked, ids = await _walk(store, entity_id, 1, include_declined=True)
    assert ids == [kept, gone] and walked[0].total_count == 2
    await entity_orders.restore_order(store, gone)
    assert (await _walk(store, entity_id, 1))[1] == [kept, gone]


async def test_changes_after_the_first_page_neither_repeat_nor_skip_an_order(store: Store) -> None:
    entity_id = unique("e")
    promo = await _promo(store)
    for n in range(10):
        await _make(store, entity_id, f"2026-03-{n + 10:02d}", promo if n % 2 else None)
    before = _ids(await entity_orders.list_orders(store, entity_id))
    page = await pages.list_page(store, entity_id, 4)
    assert [e.order.order_id for e in page.edges] == before[:4]
    # Move a later order before the cursor and an earlier one after it, decline and add some.
    late, early = before[7], before[1]
    await entity_orders.update_order(
        store, late, None, ["a"], [RawItemIn("c", period_start_date="2020-01-01")]
    )
    await entity_orders.update_order(
        store, early, None, ["a"], [RawItemIn("c", period_start_date="2029-01-01")]
    )
    await entity_orders.decline_order(store, before[5])
    await _make(store, entity_id, "2026-03-20")
    await _make(store, entity_id, "2019-01-01", promo)
    ids = [e.order.order_id for e in page.edges]
    after = page.edges[-1].cursor
    while after:
        next_page = await pages.list_page(store, entity_id, 4, after)
        ids += [e.order.order_id for e in next_page.edges]
        after = next_page.edges[-1].cursor if next_page.has_next_page else None
        assert next_page.total_count == 10
    assert ids == before
    # A new first page sees the changes.
    assert (await _walk(store, entity_id, 4))[1] == _ids(
        await entity_orders.list_orders(store, entity_id)
    )


async def test_pages_read_while_orders_change_concurrently_list_the_snapshot(store: Store) -> None:
    entity_id = unique("e")
    made = [await _make(store, entity_id, f"2026-04-{n + 1:02d}") for n in range(20)]
    steady = set(made[::2])  # never touched
    moving = made[1::2]

    async def churn() -> None:
        for n, order_id in enumerate(moving):
            start = f"20{20 + n % 10}-01-01"
            await entity_orders.update_order(
                store, order_id, None, ["a"], [RawItemIn(f"m{n}", period_start_date=start)]
            )
            await entity_orders.decline_order(store, moving[n - 1]) if n else None
            await _make(store, entity_id, start)

    (walked, ids), _ = await asyncio.gather(_walk(store, entity_id, 3), churn())
    # The snapshot's orders (the first page may come after a few changes), each once.
    assert len(ids) == len(set(ids)) == walked[0].total_count
    assert [i for i in ids if i in steady] == [i for i in made if i in steady]


@pytest.mark.parametrize("first", [0, -1, 101, None])
async def test_first_outside_1_to_100_is_invalid_input(store: Store, first: int | None) -> None:
    with pytest.raises(OrdoError) as refused:
        await pages.list_page(store, unique("e"), first)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_INPUT, ("first",))


async def test_a_cursor_of_another_listing_or_malformed_is_an_invalid_cursor(store: Store) -> None:
    entity_id = unique("e")
    for _ in range(2):
        await _make(store, entity_id, "2026-01-01")
    cursor = (await pages.list_page(store, entity_id, 1)).edges[0].cursor
    for entity, declined, after in [
        (unique("e"), False, cursor),
        (entity_id, True, cursor),
        (entity_id, False, "garbage!"),
        (entity_id, False, cursor[:-3]),
        (entity_id, False, ""),
    ]:
        with pytest.raises(OrdoError) as refused:
            await pages.list_page(store, entity, 1, after, declined)
        assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_CURSOR, ("after",))
    assert (await pages.list_page(store, entity_id, 1, cursor)).edges


async def test_an_order_declined_after_the_snapshot_is_still_in_its_pages(store: Store) -> None:
    entity_id = unique("e")
    made = sorted([await _make(store, entity_id, "2026-01-01") for _ in range(2)])
    page = await pages.list_page(store, entity_id, 1)
    await entity_orders.decline_order(store, made[1])
    rest = await pages.list_page(store, entity_id, 1, page.edges[0].cursor)
    assert [(e.order.order_id, e.order.status) for e in rest.edges] == [
        (made[1], OrderStatus.DECLINED)
    ]

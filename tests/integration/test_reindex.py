"""The pages' backfill (jobs/reindex.py, `ordo reindex`) on every backend: orders written
before the listings existed are listed again, in the SPEC's order and with their declined flag;
a second run changes nothing; verify reports the missing orders, then none."""

from __future__ import annotations

from domain.order import PromoActivation
from jobs import reindex
from jobs.verify import verify
from resolvers import entity_orders, pages, promos, users
from store import Store
from store.keys import Home, entity_homes_key, listing_keys, order_keys, order_of_key
from tests.e2e.helpers import RAW_RENT, RawItemIn
from tests.support import unique

Located = list[tuple[Home, str]]


async def _seeded(store: Store) -> tuple[str, PromoActivation, list[str], Located]:
    """An entity with orders under its own home and its promo's, one of them declined; the
    ids in the SPEC's order (place, then id), and each order's home."""
    entity_id, user_id, promo_id = unique("e"), unique("u"), unique("p")
    await users.create_user(store, user_id)
    await promos.create_promo(store, promo_id, 100, 100)
    promo = PromoActivation(promo_id, user_id)
    made, located = [], []
    for n, start in enumerate(["2026-05-01", "2026-02-01", "2026-09-01", "2026-01-01"]):
        order_id = f"{unique('o')}"
        items = [RawItemIn("a", period_start_date=start)]
        activation = promo if n % 2 else None
        await entity_orders.create_order_with_items(
            store, order_id, entity_id, RAW_RENT, items, activation
        )
        made.append((start, order_id))
        home = Home.of_promo(promo_id) if activation else Home.of_entity(entity_id)
        located.append((home, order_id))
    return entity_id, promo, [order_id for _, order_id in sorted(made)], located


async def _forget_listings(store: Store, entity_id: str, promo: PromoActivation) -> list[str]:
    """As before the listings existed: no versions, no homes, no order marked as listed.
    The promo's home is the entity's alone here. Answers the orders' ids."""
    client = store.client
    homes = [Home.of_entity(entity_id), Home.of_promo(promo.promo_id)]
    await client.delete(entity_homes_key(entity_id))
    orders = []
    for home in homes:
        for key in listing_keys(home):
            await client.delete(key)
        pattern = order_keys(home, "*").order_key
        async for key in store.scan_keys(pattern, count=100):
            located = order_of_key(key)
            assert located is not None
            await client.hdel(key, "listed")
            orders.append(located)
    return sorted(order_id for _, order_id in orders)


async def _listed(store: Store, entity_id: str, include_declined: bool = False) -> list[str]:
    page = await pages.list_page(store, entity_id, 100, include_declined=include_declined)
    return [edge.order.order_id for edge in page.edges]


async def test_reindex_lists_orders_written_before_the_listings_once(store: Store) -> None:
    entity_id, promo, ordered, located = await _seeded(store)
    promo_ids = {promo.promo_id}
    await entity_orders.decline_order(store, ordered[1])
    assert await _listed(store, entity_id, include_declined=True) == ordered
    assert (await verify(store, located, promo_ids)).discrepancies == []

    forgotten = await _forget_listings(store, entity_id, promo)
    assert forgotten == sorted(ordered)
    assert await _listed(store, entity_id, include_declined=True) == []
    found = (await verify(store, located, promo_ids)).discrepancies
    assert sorted(found) == sorted(
        f"order {o}: is missing from entity {entity_id}'s page index (`ordo reindex`)"
        for o in ordered
    )

    done = await reindex.reindex(store, [entity_id])
    assert (done.entities, done.listed, done.kept, done.absent) == (1, 4, 0, 0)
    assert await _listed(store, entity_id, include_declined=True) == ordered
    assert await _listed(store, entity_id) == [o for o in ordered if o != ordered[1]]
    page = await pages.list_page(store, entity_id, 2)
    assert page.total_count == 3
    assert (await verify(store, located, promo_ids)).discrepancies == []

    again = await reindex.reindex(store, [entity_id])
    assert (again.listed, again.kept, again.absent) == (0, 4, 0)
    assert await _listed(store, entity_id, include_declined=True) == ordered
    assert (await pages.list_page(store, entity_id, 2)).total_count == 3


async def test_reindex_leaves_listed_orders_and_keeps_pages_exact(store: Store) -> None:
    """On a store the scripts wrote with listings, reindex changes nothing: the listing's
    sequence, hence a cursor taken before it, stays valid and exact."""
    entity_id, _, ordered, _ = await _seeded(store)
    first = await pages.list_page(store, entity_id, 2)
    seq_key = listing_keys(Home.of_entity(entity_id)).seq_key
    sequence = await store.client.get(seq_key)
    done = await reindex.reindex(store, [entity_id])
    assert (done.listed, done.kept) == (0, 4)
    assert await store.client.get(seq_key) == sequence
    rest = await pages.list_page(store, entity_id, 10, first.edges[-1].cursor)
    walked = [edge.order.order_id for edge in [*first.edges, *rest.edges]]
    assert walked == ordered


async def test_reindex_lists_an_order_changed_while_unlisted_as_it_is_now(store: Store) -> None:
    """An order declined, restored or updated while it had no version gets one from its
    current state (the change's relist leaves an unlisted order to the backfill)."""
    entity_id, promo, ordered, _ = await _seeded(store)
    await _forget_listings(store, entity_id, promo)
    await entity_orders.decline_order(store, ordered[0])
    await entity_orders.decline_order(store, ordered[2])
    await entity_orders.restore_order(store, ordered[2])
    await reindex.reindex(store, [entity_id])
    assert await _listed(store, entity_id) == ordered[1:]
    assert await _listed(store, entity_id, include_declined=True) == ordered

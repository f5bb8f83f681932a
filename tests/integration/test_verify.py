"""`ordo verify`'s reads on every backend, a Redis Cluster included: the keyspace walk finds
orders in every slot, and the snapshot scripts read what the other scripts wrote."""

from __future__ import annotations

from domain.order import PromoActivation
from jobs.verify import verify
from resolvers import entity_orders, orders
from store import Store
from store.keys import Home, order_key_pattern, order_of_key
from store.keyspace import scan_keys
from tests.e2e.helpers import RAW_RENT, RawItemIn
from tests.integration.helpers import new_promo, new_user
from tests.support import unique


async def some_orders(store: Store) -> tuple[set[str], set[str]]:
    """Orders under several promos, entities and their own ids: keys in many slots."""
    user, made, promo_ids = await new_user(store), set(), set()
    for _ in range(4):
        promo_id = await new_promo(store, 5, 5)
        promo_ids.add(promo_id)
        made.add((await orders.create_order(store, user, promo_id)).order_id)
        done = await orders.create_order(store, user, promo_id)
        made.add((await orders.complete_order(store, done.order_id)).order_id)
        made.add((await orders.create_order(store)).order_id)
        items = unique("o")
        await entity_orders.create_order_with_items(
            store, items, unique("e"), RAW_RENT, [RawItemIn("a")], PromoActivation(promo_id, user)
        )
        made.add(items)
    return made, promo_ids


async def test_the_keyspace_walk_finds_every_order_and_verify_passes_them(store: Store) -> None:
    made, promo_ids = await some_orders(store)
    located = [
        found
        for key in await scan_keys(store, order_key_pattern())
        if (found := order_of_key(key)) and found[1] in made
    ]
    assert {order_id for _, order_id in located} == made
    assert {home.tag for home, _ in located} >= {Home.of_promo(p).tag for p in promo_ids}
    result = await verify(store, located, promo_ids)
    assert (result.orders, result.promos, result.discrepancies) == (len(made), 4, [])

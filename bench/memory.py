"""Redis memory per order, and many orders already in Redis: orders of 3 items and 5 events
(ORDER_CREATED, PROMO_RESERVED, 3 x ITEM_ADDED), made by replaying one real
createOrderWithItems (bench/replay.py) across promos, entities and users."""

from __future__ import annotations

from dataclasses import dataclass

from bench.replay import Template, record, replay
from bench.seed import RENT, TEMPLATE_USER, items
from domain.order import PromoActivation
from domain.validation import MAX_COUNT
from resolvers import entity_orders, promos
from store import Store
from store.keys import Home, home_key, order_keys

PROMOS = 10
ORDERS_PER_ENTITY = 10
USERS = 1000


@dataclass(frozen=True)
class Memory:
    orders: int
    bytes_per_order: float  # used_memory's growth over all of them, divided
    key_bytes: dict[str, int]  # MEMORY USAGE of each key of one of them

    def lines(self) -> list[str]:
        keys = ", ".join(f"{name} {size} B" for name, size in self.key_bytes.items())
        return [
            f"Redis memory per order (3 items, 5 events), over {self.orders:,} orders: "
            f"{self.bytes_per_order:,.0f} B (used_memory delta / orders)",
            f"  keys of one order: {keys}; total {sum(self.key_bytes.values()):,} B "
            "(the rest: its entries in the entity index and the promo's open-orders)",
        ]


async def _template(store: Store, prefix: str) -> Template:
    tokens = {
        "order": f"{prefix}tplord",
        "entity": f"{prefix}tplent",
        "user": TEMPLATE_USER,
        "promo": f"{prefix}tplpro",
    }
    await promos.create_promo(store, tokens["promo"], MAX_COUNT, MAX_COUNT)

    async def create(recorder: Store) -> dict[str, str]:
        activation = PromoActivation(tokens["promo"], tokens["user"])
        await entity_orders.create_order_with_items(
            recorder, tokens["order"], tokens["entity"], RENT, items(3), activation
        )
        return tokens

    return await record(store.client, create)


def _ids(prefix: str, n: int) -> dict[str, str]:
    return {
        "order": f"{prefix}o{n}",
        "entity": f"{prefix}e{n // ORDERS_PER_ENTITY}",
        "user": f"{prefix}u{n % USERS}",
        "promo": f"{prefix}p{n % PROMOS}",
    }


async def add_orders(store: Store, count: int, prefix: str) -> Memory:
    """Add `count` orders (ids starting with `prefix`) and measure what they cost Redis."""
    template = await _template(store, prefix)
    for n in range(PROMOS):
        await promos.create_promo(store, f"{prefix}p{n}", MAX_COUNT, MAX_COUNT)
    before = await _used_memory(store)
    wrong = await replay(store.client, template, (_ids(prefix, n) for n in range(count)))
    if wrong:
        raise RuntimeError(f"{wrong} of the {count} replayed orders went wrong")
    grown = await _used_memory(store) - before
    return Memory(count, grown / count, await _key_bytes(store, _ids(prefix, 0)))


async def _used_memory(store: Store) -> int:
    info = await store.client.info("memory")
    return int(info["used_memory"])


async def _key_bytes(store: Store, ids: dict[str, str]) -> dict[str, int]:
    order_id = ids["order"]
    state, events, item_hash = order_keys(Home.of_promo(ids["promo"]), order_id)
    keys = {
        "order hash": state,
        "event stream": events,
        "items hash": item_hash,
        "home": home_key(order_id),
    }
    return {
        name: int(await store.client.memory_usage(key, samples=0)) for name, key in keys.items()
    }

"""Building blocks of the integration tests: users, promos, and Redis state read directly.

Everything here reads Redis with plain commands on the keys of store.keys, never through
a resolver, so a test checks what a script wrote, not what a resolver says it wrote.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from domain.events import Event
from domain.fold import fold
from domain.order import Order
from feed import reader as feed
from feed.reader import START, FeedEntry
from resolvers import promos, users
from resolvers.orders import locate
from store import Store
from store.argv import CreateOrderArgs
from store.keys import Home, events_key, order_keys, order_promo_keys
from store.replies import events_from_entries
from testing.invariants import (  # noqa: F401 (the tests import them from here)
    PromoState,
    assert_invariants,
    open_status,
    promo_state,
)
from tests.support import unique

PLAIN_CREATED = json.dumps({"entityId": None, "type": None})


async def new_user(store: Store) -> str:
    return await users.create_user(store, unique("u"))


async def new_promo(
    store: Store,
    count: int = 10,
    per_user_count: int = 1,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> str:
    promo_id = unique("p")
    await promos.create_promo(store, promo_id, count, per_user_count, starts_at, ends_at)
    return promo_id


async def stream(store: Store, home: Home, order_id: str) -> list[Event]:
    """The order's events, read straight from its Redis stream."""
    entries = await store.read("XRANGE", events_key(home, order_id), "-", "+")
    return events_from_entries(order_id, entries)


async def folded(store: Store, home: Home, order_id: str) -> Order | None:
    return fold(order_id, await stream(store, home, order_id))


async def nothing_stored(store: Store, home: Home, order_id: str) -> bool:
    """No state hash, stream or items hash for this order under this home."""
    found: int = await store.read("EXISTS", *order_keys(home, order_id))
    return found == 0


async def run_create(store: Store, order_id: str, promo_id: str = "", user_id: str = "") -> Any:
    """The create_order script itself, with keys as the resolver builds them."""
    home = Home.of_promo(promo_id) if promo_id else Home.of_order(order_id)
    keys = order_promo_keys(home, order_id)
    args = CreateOrderArgs(order_id, promo_id, user_id, PLAIN_CREATED, owner_id="")
    return await store.run("create_order", keys, args)


def hash_tag(key: str) -> str | None:
    """Redis Cluster's rule: the text between the first "{" and the next "}", if not empty."""
    start = key.find("{")
    end = key.find("}", start + 1) if start >= 0 else -1
    return key[start + 1 : end] if end > start + 1 else None


async def feed_of(store: Store, order_ids: Iterable[str]) -> dict[str, list[FeedEntry]]:
    """Every feed entry of these orders, read from the start of every partition."""
    wanted, found = set(order_ids), defaultdict(list)
    positions = dict.fromkeys(await feed.existing_partitions(store), START)
    while positions:
        entries = await feed.read_after(store, positions)
        for entry in entries:
            positions[entry.partition] = entry.feed_id
            if entry.order_id in wanted:
                found[entry.order_id].append(entry)
        done = {p for p in positions if not any(e.partition == p for e in entries)}
        positions = {p: i for p, i in positions.items() if p not in done}
    return found


async def streams_of(store: Store, order_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    streams = {}
    for order_id in order_ids:
        home = await locate(store, order_id)
        entries = await store.read("XRANGE", events_key(home, order_id), "-", "+")
        streams[order_id] = [(e.id, e.type.value) for e in events_from_entries(order_id, entries)]
    return streams

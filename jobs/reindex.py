"""`ordo reindex`: the backfill of the pages' listings (docs/decisions.md, "Pages of an entity's
orders"). Orders written before the listings existed have no version there, and their entity
no `homes`: `entityOrders` does not show them until they are listed.

It walks the entities' indexes (the one SCAN, store/keyspace.py), adds each entity's homes
(add_entity_homes) and lists each order of the index that has no version (list_order), one
script per order that reads the order's current state in the same call: safe on a live store,
and a second run changes nothing. Orders are never changed otherwise; their events neither.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from store import Store
from store.argv import ListOrderArgs
from store.keys import (
    Home,
    entity_homes_keys,
    entity_of_orders_key,
    entity_orders_key,
    entity_orders_key_pattern,
    listed_order_keys,
)
from store.keyspace import scan_keys
from store.replies import Outcome, reply_of

BATCH = 100  # orders listed concurrently


@dataclass
class Reindexing:
    entities: int = 0
    listed: int = 0  # orders given a version now
    kept: int = 0  # orders listed already, left as they are
    absent: int = 0  # index entries with no order of that entity in that home (stale claims)


async def reindex_store(store: Store) -> Reindexing:
    """Every entity the keyspace holds an index of."""
    keys = await scan_keys(store, entity_orders_key_pattern())
    return await reindex(store, [e for e in map(entity_of_orders_key, keys) if e is not None])


async def reindex(store: Store, entity_ids: list[str]) -> Reindexing:
    result = Reindexing()
    for entity_id in entity_ids:
        await _reindex_entity(store, entity_id, result)
    return result


async def _reindex_entity(store: Store, entity_id: str, result: Reindexing) -> None:
    index: dict[str, str] = await store.read("HGETALL", entity_orders_key(entity_id)) or {}
    homes = sorted({Home.of_entity(entity_id).tag, *index.values()})
    # The homes first: a version listed below is seen by pages from then on. (The homes are
    # all of the script's ARGV: its layout is empty, they are its rest.)
    reply_of(await store.run("add_entity_homes", entity_homes_keys(entity_id), homes))
    located = sorted(index.items())
    for start in range(0, len(located), BATCH):
        replies = await asyncio.gather(
            *(
                store.run(
                    "list_order",
                    listed_order_keys(Home(tag), order_id),
                    ListOrderArgs(order_id, entity_id),
                )
                for order_id, tag in located[start : start + BATCH]
            )
        )
        for raw in replies:
            outcome = reply_of(raw).outcome
            if outcome is Outcome.OK:
                result.listed += 1
            elif outcome is Outcome.KEPT:
                result.kept += 1
            else:
                result.absent += 1
    result.entities += 1

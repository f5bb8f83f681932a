"""Adding a shard under load (docs/scaling.md): a new master joins, and the slot of a promo
being reserved moves to it, keys and all, while creates go on. The store follows the slot
(MOVED, ASK; the new node's empty script cache), a few calls may answer 503 meanwhile, and
SPEC §2 holds exactly on the promo afterwards."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from redis.crc import key_slot

from domain.errors import Unavailable
from ordo.connect import connect
from ordo.settings import load_settings
from resolvers import orders, promos
from store import Store
from store.keys import promo_keys
from tests.integration.helpers import assert_invariants, new_user, promo_state
from tests.support import RedisCluster, eventually, unique

CLIENTS = 8
AFTER_MOVE = 200  # creates that must succeed once the slot lives on the new master


def promo_in_slot(slot: int) -> str:
    prefix = unique("p")
    return next(
        promo_id
        for promo_id in (f"{prefix}-{n}" for n in range(1_000_000))
        if key_slot(promo_keys(promo_id)[0].encode()) == slot
    )


@dataclass
class Creates:
    store: Store
    user_id: str
    promo_id: str
    made: list[str] = field(default_factory=list)
    unavailable: int = 0
    running: bool = True

    async def client(self) -> None:
        while self.running:
            try:
                order = await orders.create_order(self.store, self.user_id, self.promo_id)
            except Unavailable:
                self.unavailable += 1
                continue
            self.made.append(order.order_id)


async def test_a_promo_slot_moved_to_a_new_master_under_load_stays_exact(
    fresh_cluster: RedisCluster,
) -> None:
    store = connect(load_settings({"ORDO_REDIS_URL": fresh_cluster.url, "ORDO_ADMIN_TOKEN": "x"}))
    try:
        source = fresh_cluster.masters()[0]
        lowest = fresh_cluster.lowest_slot(source)
        promo_id = promo_in_slot(lowest)
        await promos.create_promo(store, promo_id, 10**6, 10**6)
        creates = Creates(store, await new_user(store), promo_id)
        clients = [asyncio.create_task(creates.client()) for _ in range(CLIENTS)]
        try:
            await eventually(lambda: len(creates.made) >= 200, "creates before the move")
            target = fresh_cluster.add_master()
            await asyncio.to_thread(fresh_cluster.move_slots, source, target, 1)
            assert fresh_cluster.owner(promo_keys(promo_id)[0]) == target
            moved = len(creates.made)
            await eventually(
                lambda: len(creates.made) >= moved + AFTER_MOVE, "creates on the new master"
            )
        finally:
            creates.running = False
            await asyncio.gather(*clients)
        state = await promo_state(store, promo_id)
        await assert_invariants(store, promo_id, sorted(set(creates.made) | state.open_orders))
        # A 503 may still have been applied (a reply lost on a closed connection), never more.
        assert len(creates.made) <= state.locked <= len(creates.made) + creates.unavailable
    finally:
        await store.close()

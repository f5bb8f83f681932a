"""Expiry of stale reservations (ORDO_RESERVATION_TTL): abandoned orders stop holding
activations. Safe with many workers and instances at once: each order is expired by one
script that rechecks it, so a second reaper, or a client completing it, finds it closed.
"""

from __future__ import annotations

import asyncio

import structlog

from domain.errors import Unavailable
from store import Store
from store.argv import ExpireArgs
from store.keys import Home, order_promo_keys, promo_keys, promo_registry_key
from store.replies import Outcome, order_unless

log = structlog.get_logger("ordo.reaper")
BATCH = 200


async def expire_stale(store: Store, ttl_seconds: float) -> int:
    """One pass over every promo; returns how many orders it expired."""
    ttl_us = int(ttl_seconds * 1_000_000)
    seconds, micros = await store.read("TIME")
    cutoff = int(seconds) * 1_000_000 + int(micros) - ttl_us
    expired = 0
    for promo_id in sorted(await store.read("SMEMBERS", promo_registry_key())):
        stale = await store.read(
            "ZRANGEBYSCORE", promo_keys(promo_id).open_orders_key, "-inf", cutoff, "LIMIT", 0, BATCH
        )
        for order_id in stale:
            expired += await _expire(store, promo_id, order_id, ttl_us)
    return expired


async def _expire(store: Store, promo_id: str, order_id: str, ttl_us: int) -> int:
    keys = order_promo_keys(Home.of_promo(promo_id), order_id)
    reply = await store.run("expire_order", keys, ExpireArgs(order_id, ttl_us))
    # Read even though unused: that counts the release in the metrics.
    return 0 if order_unless(Outcome.SKIPPED, order_id, reply) is None else 1


async def reap_forever(store: Store, ttl_seconds: float) -> None:
    interval = min(max(ttl_seconds / 10, 0.2), 30.0)
    while True:
        try:
            if expired := await expire_stale(store, ttl_seconds):
                log.info("expired stale reservations", orders=expired)
        except Unavailable as error:
            log.warning("reaper: store unavailable", error=str(error))
        await asyncio.sleep(interval)

"""Race soak: many concurrent clients racing on a few small promos, then an exact audit.

Starts a private redis-server and `ordo serve --workers 2` on it, runs concurrent clients
(testing/races.py: GraphQL and REST mixed, create / complete / cancel / decline / restore / update
and promo recounts) on a few promos of a handful of activations, bounded in operations and
time. Then checks every SPEC §2 invariant exactly, straight from Redis (testing/audit.py) and
through the API, and prints the figures. Any 5xx or transport error fails it.

    scripts/soak                      # 60 s or 20,000 operations, 64 clients
    scripts/soak --seconds 10 --operations 2000 --clients 16 --seed 7
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx

from testing.audit import Audit, audit, redis_store
from testing.documents import order_reads
from testing.races import ADMIN, Config, Figures, Load
from testing.servers import OrdoServer, RedisServer

Json = dict[str, Any]


# --- the end: the API must agree with Redis, exactly --------------------------------------------


async def api_orders(http: httpx.AsyncClient, order_ids: list[str]) -> dict[str, Json]:
    """Each order's status and promo, read through GraphQL."""
    shown: dict[str, Json] = {}
    for request, chunk in order_reads(order_ids, "{ status promo { promoId userId } }"):
        body = (await http.post("/graphql", json=request)).json()
        assert "errors" not in body, body
        shown.update({order_id: body["data"][f"o{n}"] for n, order_id in enumerate(chunk)})
    return shown


async def api_promo(http: httpx.AsyncClient, promo_id: str, users: list[str]) -> dict[str, Any]:
    used = " ".join(f'u{n}: used(userId: "{user}")' for n, user in enumerate(users))
    query = (
        f'{{ promo(promoId: "{promo_id}") {{ count perUserCount lockedCount available {used} }} }}'
    )
    body = (await http.post("/graphql", json={"query": query}, headers=ADMIN)).json()
    assert "errors" not in body, body
    promo: dict[str, Any] = body["data"]["promo"]
    return promo


async def check_through_api(http: httpx.AsyncClient, load: Load, stored: Audit) -> None:
    """The API shows exactly what Redis holds, and SPEC §2 holds on the API's own numbers."""
    assert set(load.orders) <= set(stored.orders), "an acknowledged order is missing from Redis"
    shown = await api_orders(http, sorted(stored.orders))
    for order_id, order in shown.items():
        assert order["status"] == stored.orders[order_id].status.value, order_id
    for promo_id, state in stored.promos.items():
        counters = await api_promo(http, promo_id, load.users)
        held = [o for o in shown.values() if o["promo"] and o["promo"]["promoId"] == promo_id]
        opened = Counter(o["promo"]["userId"] for o in held if o["status"] == "OPEN")
        redeemed = Counter(o["promo"]["userId"] for o in held if o["status"] == "COMPLETED")
        assert (counters["count"], counters["lockedCount"]) == (state.count, state.locked), promo_id
        assert 0 <= counters["lockedCount"] == sum(opened.values()) <= counters["count"], promo_id
        assert counters["available"] == counters["count"] - counters["lockedCount"], promo_id
        for index, user in enumerate(load.users):
            assert counters[f"u{index}"] == redeemed[user], (promo_id, user)
            assert redeemed[user] + opened[user] <= counters["perUserCount"], (promo_id, user)


@dataclass(frozen=True)
class Result:
    figures: Figures
    audit: Audit


async def soak(config: Config) -> Result:
    """Run the soak on a private Redis and server; raises AssertionError if an invariant fails."""
    redis = RedisServer()
    redis.start()
    server = OrdoServer(redis.url, workers=config.workers)
    store = redis_store(redis.url)
    limits = httpx.Limits(
        max_connections=config.clients + 8, max_keepalive_connections=config.clients + 8
    )
    try:
        server.start()
        async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as http:
            load = Load(http, config)
            await load.setup()
            figures = await load.drive(config.seconds)
            stored = await audit(store)
            await check_through_api(http, load, stored)
        return Result(figures, stored)
    finally:
        await store.close()
        server.stop()
        redis.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    defaults = Config()
    for name in (
        "seconds",
        "operations",
        "clients",
        "promos",
        "promo_count",
        "per_user",
        "users",
        "workers",
        "seed",
    ):
        kind = type(getattr(defaults, name))
        parser.add_argument(
            f"--{name.replace('_', '-')}", type=kind, default=getattr(defaults, name)
        )
    config = Config(**vars(parser.parse_args(argv)))
    result = asyncio.run(soak(config))
    figures = result.figures
    print(figures.report())
    print(
        f"audit: {len(result.audit.orders)} orders {dict(result.audit.statuses())}, "
        f"{len(result.audit.promos)} promos, every invariant exact"
    )
    failed = sum(figures.server_errors.values()) + sum(figures.transport_errors.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

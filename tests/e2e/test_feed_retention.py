"""The feed's retention as a server keeps it (SPEC §10): each worker trims entries older than
ORDO_FEED_RETENTION on its own, counts them in /metrics, and never touches an order's history."""

from __future__ import annotations

import asyncio

import httpx

from tests.e2e.conftest import Api
from tests.e2e.helpers import create_plain, read
from tests.support import OrdoServer, RedisServer, running


async def test_a_server_trims_the_feed_past_its_retention(
    backend: str, redis_server: RedisServer
) -> None:
    url = redis_server.url if backend == "redis" else None
    with running(server := OrdoServer(url, env={"ORDO_FEED_RETENTION": "1"})):
        async with httpx.AsyncClient(base_url=server.url) as http:
            order_id = (await create_plain(Api(http)))["orderId"]
            for _ in range(200):  # the trim runs every second: a bound, not a claim of speed
                if await _trimmed(http) >= 1:
                    break
                await asyncio.sleep(0.1)
            assert await _trimmed(http) >= 1
            assert [e["type"] for e in (await read(Api(http), order_id))["events"]] == [
                "ORDER_CREATED"
            ]


async def _trimmed(http: httpx.AsyncClient) -> float:
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith("ordo_feed_trimmed_total "):
            return float(line.split()[1])
    return 0.0

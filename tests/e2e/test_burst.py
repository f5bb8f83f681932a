"""A burst larger than the Redis connection pool queues for a connection instead of failing."""

import asyncio
from collections import Counter

import httpx

from tests.support import OrdoServer, RedisServer, running


async def test_a_thousand_concurrent_creates_through_eight_connections_all_succeed(
    redis_server: RedisServer,
) -> None:
    # The claim is that a burst waits instead of failing, not how fast it drains: a wait for a
    # pooled connection is bounded by ORDO_REDIS_TIMEOUT, generous here for a loaded machine.
    env = {"ORDO_REDIS_MAX_CONNECTIONS": "8", "ORDO_REDIS_TIMEOUT": "30"}
    server = OrdoServer(redis_server.url, env=env)
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
    with running(server):
        async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as http:
            answers = await asyncio.gather(*(http.post("/orders", json={}) for _ in range(1000)))
    # A Counter, not a list: pytest's diff of two 1,000-item lists takes minutes.
    assert Counter(answer.status_code for answer in answers) == {200: 1000}
    assert len({answer.json()["orderId"] for answer in answers}) == 1000

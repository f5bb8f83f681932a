"""Building blocks of the fault tests: a private Redis and server to break, Redis frozen in
place, and waiting (bounded) for the service to come back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from store import Store
from testing.audit import Audit, audit, redis_store
from testing.races import Config, Load
from tests.support import OrdoServer, RedisServer, wait_until

# Small, so a dead Redis is noticed fast; the tests give a client 10x this before calling it a hang.
REDIS_TIMEOUT = 0.5
PATIENCE = 10 * REDIS_TIMEOUT


@dataclass
class Stack:
    """A Redis and a server of the test's own (it stops, kills and freezes them), with a store
    reading that Redis straight and a load of mixed clients on a few small promos."""

    redis: RedisServer
    server: OrdoServer
    store: Store
    http: httpx.AsyncClient
    load: Load


@asynccontextmanager
async def stack(server_env: dict[str, str] | None = None, clients: int = 8) -> AsyncIterator[Stack]:
    redis = RedisServer()
    redis.start()
    env = {"ORDO_REDIS_TIMEOUT": str(REDIS_TIMEOUT), **(server_env or {})}
    server = OrdoServer(redis.url, env=env)
    store = redis_store(redis.url)
    try:
        server.start()
        async with httpx.AsyncClient(base_url=server.url, timeout=PATIENCE) as http:
            load = Load(http, Config(clients=clients, operations=100_000, promo_count=5))
            await load.setup()
            yield Stack(redis, server, store, http, load)
    finally:
        await store.close()
        server.stop()
        redis.cleanup()


def wait_ready(server: OrdoServer, timeout: float = 20.0) -> None:
    """Bounded polling until /readyz says Redis answers again."""

    def ready() -> bool:
        try:
            return httpx.get(f"{server.url}/readyz", timeout=PATIENCE).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, "ordo's /readyz", timeout)


async def progressed(load: Load, more: int, within: float = 30.0) -> None:
    """Bounded polling until the load has answered `more` operations beyond now."""
    target = load.figures.operations + more
    deadline = time.monotonic() + within
    while load.figures.operations < target:
        assert time.monotonic() < deadline, f"the load made no progress in {within} s"
        await asyncio.sleep(0.02)


async def settled_audit(store: Store, within: float = 20.0) -> Audit:
    """The audit, once requests a client abandoned have finished on the server.

    A half-applied state is permanent (nothing repairs it later: no reaper runs here), so an
    audit that keeps failing past the deadline is a real fault; one that passes is the truth.
    """
    deadline = time.monotonic() + within
    while True:
        try:
            return await audit(store)
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)

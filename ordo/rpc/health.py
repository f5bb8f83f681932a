"""grpc.health.v1.Health for ordo (SPEC §11): SERVING while the store answers a PING,
NOT_SERVING while it does not, for Check and Watch, for the server ("") and OrderService."""

from __future__ import annotations

import asyncio
import contextlib

from grpc_health.v1 import health_pb2
from grpc_health.v1.health import aio as health_aio

from domain.errors import Unavailable
from store import Store

PROBE_SECONDS = 1.0  # how often the store is pinged: how soon a change is seen
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class Health:
    def __init__(self, store: Store, services: list[str]) -> None:
        self.store = store
        self.services = ["", *services]
        self.servicer = health_aio.HealthServicer()
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.probe()  # the first answer is the store's, not a guess
        self.task = asyncio.create_task(self._probe_forever())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.servicer.enter_graceful_shutdown()

    async def probe(self) -> None:
        try:
            await asyncio.wait_for(self.store.ping(), PROBE_SECONDS * 2)
            status = SERVING
        except (Unavailable, TimeoutError, OSError):
            status = NOT_SERVING
        for service in self.services:
            await self.servicer.set(service, status)

    async def _probe_forever(self) -> None:
        while True:
            await asyncio.sleep(PROBE_SECONDS)
            await self.probe()

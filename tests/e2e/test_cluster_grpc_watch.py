"""A gRPC WatchOrderEvents stream over an entity through a killed master (SPEC §11, §10): as
tests/e2e/test_cluster_live_faults.py does for the GraphQL subscription, with the same writes
and the same checks, the watcher resuming from its last cursor whenever its stream ends. Also
the seed's flow over gRPC on the cluster."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import grpc
import pytest

from ordo.v1 import order_service_pb2 as api
from store.keys import promo_keys
from tests.e2e import helpers
from tests.e2e.grpc_helpers import client, item, with_items
from tests.e2e.test_cluster_live_faults import (
    AFTER_FAULT,
    BEFORE_FAULT,
    PROMOS,
    WAIT_REPLICA,
    Live,
    Writes,
    _check,
    live,
)
from tests.support import OrdoServer, RedisCluster, eventually, running, unique


@dataclass
class Watcher:
    """One entity watch, resumed from its last cursor each time its stream ends."""

    target: str
    entity_id: str
    seen: list[tuple[str, str, int]] = field(default_factory=list)  # order, event id, version
    cursor: str | None = None
    resumed: int = 0
    probes: set[str] = field(default_factory=set)
    errors: Counter[str] = field(default_factory=Counter)

    async def run(self) -> None:
        async with client(self.target) as rpc:
            while True:
                request = api.WatchOrderEventsRequest(entity_id=self.entity_id)
                if self.cursor is not None:
                    request.after = self.cursor
                try:
                    async for sent in rpc.WatchOrderEvents(request):
                        event = sent.event
                        self.seen.append((event.order_id, event.id, event.version))
                        self.cursor = sent.cursor
                except grpc.aio.AioRpcError as error:
                    self.errors[error.code().name] += 1
                self.resumed += 1
                await asyncio.sleep(0.2)


@asynccontextmanager
async def watching(setup: Live) -> AsyncIterator[Watcher]:
    watcher = Watcher(setup.server.grpc_target, setup.entity_id)
    task = asyncio.create_task(watcher.run())
    try:
        while not watcher.seen:  # live once a probe's events come back
            probe = unique("o")
            watcher.probes.add(probe)
            await setup.api.graphql(
                helpers.CREATE,
                {"input": {"orderId": probe, "entityId": setup.entity_id, "type": helpers.RENT,
                           "items": [helpers.item("p")]}},
            )  # fmt: skip
            await asyncio.sleep(0.2)
        yield watcher
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_watch_resumed_across_a_killed_master_misses_and_repeats_nothing(
    fresh_cluster: RedisCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    async with live(fresh_cluster, WAIT_REPLICA) as setup:
        promos = [await helpers.user_and_promo(setup.api, 10**6, 10**6) for _ in range(PROMOS)]
        writes = Writes(setup.api, setup.entity_id, promos)
        async with watching(setup) as watcher:
            async with writes.running_clients():
                await eventually(lambda: writes.total() >= BEFORE_FAULT, "writes before")
                victim = fresh_cluster.owner(promo_keys(promos[0]["promoId"])[0])
                on_victim = {
                    p["promoId"]
                    for p in promos
                    if fresh_cluster.owner(promo_keys(p["promoId"])[0]) == victim
                }
                victim.kill()
                await eventually(fresh_cluster.healthy, "the replica's promotion")
                promoted = time.monotonic()
                victim.start()  # back as a replica: WAIT needs one
                await eventually(fresh_cluster.healthy, "the old master's return")
                await eventually(lambda: writes.since(on_victim, promoted) >= AFTER_FAULT, "after")
            await _check(setup, writes, watcher, capsys)  # type: ignore[arg-type]


async def test_the_seed_flow_over_grpc_on_the_cluster(redis_cluster: RedisCluster) -> None:
    server = OrdoServer(redis_cluster.url)
    with running(server):
        async with client(server.grpc_target) as rpc:
            order = (await rpc.CreateOrderWithItems(with_items())).order
            update = api.UpdateOrderRequest(order_id=order.order_id, add_items=[item("b")])
            assert (await rpc.UpdateOrder(update)).order.version == 3
            await rpc.DeclineOrder(api.DeclineOrderRequest(order_id=order.order_id))
            restored = await rpc.RestoreOrder(api.RestoreOrderRequest(order_id=order.order_id))
            got = await rpc.GetOrder(api.GetOrderRequest(order_id=order.order_id))
            assert got.order == restored.order
            page = await rpc.GetOrders(api.GetOrdersRequest(entity_id=order.entity_id))
            assert [o.order_id for o in page.orders] == [order.order_id]
            watch = rpc.WatchOrderEvents(api.WatchOrderEventsRequest(order_id=order.order_id))
            versions = []
            async for sent in watch:
                versions.append(sent.event.version)
                if len(versions) == got.order.version:
                    break
            watch.cancel()
            assert versions == list(range(1, got.order.version + 1))

"""Live events through cluster faults (SPEC §10): while clients write orders of one entity on
promos of every master, a master is killed (SIGKILL), or the slot of a busy promo moves to a
new master, and an `entityOrderEvents` subscription (gql, graphql-transport-ws) listens to the
same `ordo serve` throughout, resuming from its last cursor whenever its subscription ends.

Afterwards, for every order of the entity as Redis holds it: the feed holds its events once, in
its order, and so did the subscription; every acknowledged write's events are among them
(ORDO_REDIS_WAIT_REPLICAS=1: an acknowledged write reached the replica before its answer).
An event of a write that was *not* acknowledged may have reached the subscriber and then died
with the master (asynchronous replication): such events are counted and printed, never
confused with an order's history.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError

from ordo.connect import connect
from ordo.settings import load_settings
from store import Store
from store.keys import promo_keys
from tests.e2e import helpers
from tests.e2e.conftest import Api
from tests.e2e.live_helpers import session
from tests.integration.helpers import feed_of, streams_of
from tests.integration.test_cluster_reshard import promo_in_slot
from tests.support import OrdoServer, RedisCluster, clients_running, eventually, unique

CLIENTS = 6
PROMOS = 9  # three a master, most likely
BEFORE_FAULT = 150  # acknowledged writes before the fault
AFTER_FAULT = 60  # acknowledged writes on the faulted slots after it
TIMEOUT = {"ORDO_REDIS_TIMEOUT": "0.5"}
# Through a failover, an acknowledged write must be on the replica; the new master of the
# reshard has none (and loses nothing: it is not killed).
WAIT_REPLICA = {**TIMEOUT, "ORDO_REDIS_WAIT_REPLICAS": "1"}

ENTITY_EVENTS = gql(
    "subscription($e: ID!, $after: String) { entityOrderEvents(entityId: $e, after: $after) "
    "{ cursor event { id orderId version } } }"
)


@dataclass
class Subscriber:
    """One entity subscription, resumed from its last cursor each time it ends (an error
    while the store fails over, a dropped socket), as a client is told to."""

    url: str
    entity_id: str
    seen: list[tuple[str, str, int]] = field(default_factory=list)  # order, event id, version
    cursor: str | None = None
    resumed: int = 0
    probes: set[str] = field(default_factory=set)  # orders made until it was live
    errors: Counter[str] = field(default_factory=Counter)  # how its subscriptions ended

    async def run(self) -> None:
        while True:
            try:
                await self._listen()
            except TransportQueryError as error:  # the subscription's error: resumed
                self.errors[str((error.errors or [{}])[0].get("extensions", {}).get("code"))] += 1
            except Exception as error:  # a dropped connection: resumed too
                self.errors[type(error).__name__] += 1
            self.resumed += 1
            await asyncio.sleep(0.2)

    async def _listen(self) -> None:
        variables = {"e": self.entity_id, "after": self.cursor}
        async with session(self.url) as client:
            request = GraphQLRequest(ENTITY_EVENTS, variable_values=variables)
            async for result in client.subscribe(request):
                sent = result["entityOrderEvents"]
                event = sent["event"]
                self.seen.append((event["orderId"], event["id"], event["version"]))
                self.cursor = sent["cursor"]


@dataclass
class Writes:
    """Clients creating orders of one entity round-robin over the promos, and adding an item to
    every other one; each acknowledged write's event ids are noted."""

    api: Api
    entity_id: str
    promos: list[dict[str, str]]
    acknowledged: dict[str, set[str]] = field(default_factory=dict)  # order -> event ids
    done: list[tuple[str, float]] = field(default_factory=list)  # (promo, when) per write
    refused: int = 0
    running: bool = True

    async def client(self, turn: int) -> None:
        while self.running:
            promo = self.promos[turn % len(self.promos)]
            turn += CLIENTS
            order_id = unique("o")
            given = {
                "orderId": order_id,
                "entityId": self.entity_id,
                "type": helpers.RENT,
                "items": [helpers.item("a")],
                "promo": promo,
            }
            if await self._write(promo, order_id, "createOrderWithItems", helpers.CREATE, given):
                given = {"orderId": order_id, "addItems": [helpers.item("b")]}
                await self._write(promo, order_id, "updateOrder", helpers.UPDATE, given)

    async def _write(
        self, promo: dict[str, str], order_id: str, name: str, query: str, given: dict[str, Any]
    ) -> bool:
        try:
            body = await self.api.graphql(query, {"input": given})
        except httpx.HTTPError:
            self.refused += 1
            return False
        order = ((body.get("data") or {}).get(name) or {}).get("order")
        if "errors" in body or order is None:
            self.refused += 1
            return False
        self.acknowledged.setdefault(order_id, set()).update(e["id"] for e in order["events"])
        self.done.append((promo["promoId"], time.monotonic()))
        return True

    def since(self, promo_ids: set[str], moment: float) -> int:
        return sum(1 for promo_id, when in self.done if promo_id in promo_ids and when > moment)

    def total(self) -> int:
        return len(self.done)

    def running_clients(self) -> AbstractAsyncContextManager[None]:
        return clients_running(self, CLIENTS)


@dataclass
class Live:
    server: OrdoServer
    api: Api
    store: Store
    entity_id: str


@asynccontextmanager
async def live(cluster: RedisCluster, env: dict[str, str]) -> AsyncIterator[Live]:
    server = OrdoServer(cluster.url, env=env)
    server.start()
    store = connect(load_settings({"ORDO_REDIS_URL": cluster.url, "ORDO_ADMIN_TOKEN": "x"}))
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            yield Live(server, Api(http), store, unique("e"))
    finally:
        await store.close()
        server.stop()


@asynccontextmanager
async def subscribed(setup: Live) -> AsyncIterator[Subscriber]:
    """A subscription from now, live before the block: a subscription without `after` sends
    what is committed once it is in, so the load waits until one of these probes comes back."""
    subscriber = Subscriber(setup.server.url, setup.entity_id)
    task = asyncio.create_task(subscriber.run())
    try:
        while not subscriber.seen:
            probe = unique("o")
            subscriber.probes.add(probe)
            await setup.api.graphql(
                helpers.CREATE,
                {"input": {"orderId": probe, "entityId": setup.entity_id, "type": helpers.RENT,
                           "items": [helpers.item("p")]}},
            )  # fmt: skip
            await asyncio.sleep(0.2)
        yield subscriber
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _entity_orders(api: Api, entity_id: str) -> list[str]:
    query = "query($e: ID!) { orders(entityId: $e, includeDeclined: true) { orderId } }"
    body = await api.graphql(query, {"e": entity_id})
    assert "errors" not in body, body
    return [order["orderId"] for order in body["data"]["orders"]]


async def _check(
    setup: Live, writes: Writes, subscriber: Subscriber, capsys: pytest.CaptureFixture[str]
) -> None:
    """Redis's orders against the feed, the subscription and the acknowledged writes."""
    order_ids = [
        o for o in await _entity_orders(setup.api, setup.entity_id) if o not in subscriber.probes
    ]
    streams = {o: [i for i, _ in s] for o, s in (await streams_of(setup.store, order_ids)).items()}
    held = {(o, event_id) for o, ids in streams.items() for event_id in ids}
    await eventually(lambda: held <= {(o, i) for o, i, _ in subscriber.seen}, "every event sent")
    await asyncio.sleep(1)  # a duplicate would come now
    fed = await feed_of(setup.store, order_ids)
    sent: dict[str, list[str]] = {}
    seen = [s for s in subscriber.seen if s[0] not in subscriber.probes]
    for order_id, event_id, _ in seen:
        if (order_id, event_id) in held:
            sent.setdefault(order_id, []).append(event_id)
    phantoms = [(o, i) for o, i, _ in seen if (o, i) not in held]
    lost = [o for o, ids in writes.acknowledged.items() if not ids <= set(streams.get(o, []))]
    with capsys.disabled():
        print(
            f"\n{writes.total()} writes acknowledged, {writes.refused} refused; {len(held)} "
            f"events of {len(order_ids)} orders; the subscription resumed {subscriber.resumed} "
            f"times {dict(subscriber.errors)}; {len(phantoms)} events sent of unacknowledged "
            f"writes lost with the master"
        )
    assert lost == []
    assert {o: [e.event.id for e in entries] for o, entries in fed.items()} == streams
    assert sent == {o: ids for o, ids in streams.items() if ids}  # each once, in order
    acknowledged = {(o, i) for o, ids in writes.acknowledged.items() for i in ids}
    assert not set(phantoms) & acknowledged


async def test_a_master_killed_while_events_flow_loses_no_acknowledged_event(
    fresh_cluster: RedisCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    async with live(fresh_cluster, WAIT_REPLICA) as setup:
        promos = [await helpers.user_and_promo(setup.api, 10**6, 10**6) for _ in range(PROMOS)]
        writes = Writes(setup.api, setup.entity_id, promos)
        async with subscribed(setup) as subscriber:
            async with writes.running_clients():
                await eventually(lambda: writes.total() >= BEFORE_FAULT, "writes before")
                assert subscriber.seen, "the subscription was live before the kill"
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
                await eventually(
                    lambda: writes.since(on_victim, promoted) >= AFTER_FAULT, "writes after"
                )
            await _check(setup, writes, subscriber, capsys)


async def test_a_slot_moved_while_events_flow_loses_and_repeats_nothing(
    fresh_cluster: RedisCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    async with live(fresh_cluster, TIMEOUT) as setup:
        source = fresh_cluster.masters()[0]
        lowest = fresh_cluster.lowest_slot(source)
        moving = promo_in_slot(lowest)
        await helpers.create_promo(setup.api, 10**6, 10**6, promo_id=moving)
        user = await helpers.create_user(setup.api)
        others = [await helpers.user_and_promo(setup.api, 10**6, 10**6) for _ in range(3)]
        busy = {"userId": user, "promoId": moving}
        writes = Writes(setup.api, setup.entity_id, [busy, busy, *others])
        async with subscribed(setup) as subscriber:
            async with writes.running_clients():
                await eventually(lambda: writes.total() >= BEFORE_FAULT, "writes before")
                target = fresh_cluster.add_master()
                await asyncio.to_thread(fresh_cluster.move_slots, source, target, 1)
                assert fresh_cluster.owner(promo_keys(moving)[0]) == target
                moved = time.monotonic()
                await eventually(lambda: writes.since({moving}, moved) >= AFTER_FAULT, "after")
            await _check(setup, writes, subscriber, capsys)

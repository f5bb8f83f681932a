"""A service in another language reads the change feed (SPEC §10) with its own Redis client:
tests/node/feed_group_reader.mjs (ioredis) as a consumer group, the recipe of docs/scaling.md
"Reading the feed from another language". Every event of every order comes once, in each
order's order, equal to the order's own stream; the group keeps its place between runs; a
partition made while the reader waits is found through the news channel.

On the real Redis only (the embedded store has no port for another client): an empty database
of the session's private redis-server, so the feed holds this test's events and no other's."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import httpx
from redis.asyncio import Redis

from store.keys import Home, feed_key
from tests.e2e.cli_helpers import empty_database
from tests.e2e.conftest import Api
from tests.e2e.helpers import cancel, create, item, ok, read, update
from tests.node_clients import run_node
from tests.support import OrdoServer, RedisCluster, RedisServer, running, unique

GROUP = "node-billing"
Event = tuple[str, str, Any]  # id, type, data


async def _order(api: Api, entity_id: str | None = None) -> str:
    order_id = unique("o")
    ok(await create(api, order_id, entity_id or unique("e"), [item("a"), item("b")]))
    return order_id


async def _events(api: Api, order_ids: list[str]) -> dict[str, list[Event]]:
    """Each order's events as its own stream holds them: (id, type, data), in order."""
    return {
        order_id: [(e["id"], e["type"], e["data"]) for e in (await read(api, order_id))["events"]]
        for order_id in order_ids
    }


def _read(url: str, group: str, count: int, *mode: str) -> list[dict[str, Any]]:
    """`count` events read as consumer c1 of the group (a few seconds at most when they exist:
    a reader still waiting after a minute has missed some)."""
    got: list[dict[str, Any]] = run_node(
        "feed_group_reader.mjs", url, group, "c1", str(count), *mode, timeout=60
    )
    return got


def _by_order(got: list[dict[str, Any]]) -> dict[str, list[Event]]:
    seen: dict[str, list[Event]] = defaultdict(list)
    for event in got:
        seen[event["orderId"]].append((event["eventId"], event["type"], event["data"]))
    return dict(seen)


def _check(
    got: list[dict[str, Any]], expected: dict[str, list[Event]], streams: dict[str, list[Event]]
) -> None:
    """Exactly the expected events, each once and in its order's order; each with its version
    in the order's whole stream (1 for the first event) and in one partition per order."""
    assert _by_order(got) == expected
    for event in got:
        ids = [i for i, _, _ in streams[event["orderId"]]]
        assert event["version"] == ids.index(event["eventId"]) + 1, event
    for order_id in expected:
        assert len({e["partition"] for e in got if e["orderId"] == order_id}) == 1


async def test_a_node_consumer_group_reads_every_event_once_and_keeps_its_place(
    redis_server: RedisServer,
) -> None:
    url = empty_database(redis_server)
    server = OrdoServer(url)
    with running(server):
        async with (
            httpx.AsyncClient(base_url=server.url, timeout=30) as http,
            Redis.from_url(url, decode_responses=True) as client,
        ):
            api = Api(http)
            entities = [unique("e") for _ in range(4)]
            first = [await _order(api, entity_id) for entity_id in entities]
            ok(await update(api, first[0], addItems=[item("c")]))
            ok(await update(api, first[1], cancelItemIds=["a"]))
            ok(await cancel(api, first[2]))
            written = await _events(api, first)
            total = sum(len(events) for events in written.values())

            got = await asyncio.to_thread(_read, url, GROUP, total)
            assert len(got) == total
            _check(got, written, written)
            assert {e["version"] for e in got if e["type"] == "ORDER_CREATED"} == {1}
            partitions = {e["orderId"]: e["partition"] for e in got}
            for order_id, entity_id in zip(first, entities, strict=True):
                assert partitions[order_id] == feed_key(Home.of_entity(entity_id))
            assert len(set(partitions.values())) > 1  # several partitions, each read
            millis = int(got[0]["eventId"].split("-")[0])
            assert got[0]["at"] == datetime.fromtimestamp(millis / 1000, UTC).isoformat(
                timespec="milliseconds"
            ).replace("+00:00", "Z")

            # Again with the same group, started before the writes: only what is new comes,
            # including the events of a partition that did not exist when it started (found
            # only through the news channel: the reader's fallback re-reads known partitions).
            existing = set(partitions.values())
            entity_id = unique("e")
            while feed_key(Home.of_entity(entity_id)) in existing:
                entity_id = unique("e")
            # As many events as the same calls wrote above: an order like first[3], an added
            # item (first[0]'s update), a cancel (first[2]'s).
            plain = len(written[first[3]])
            count = plain + (len(written[first[0]]) - plain) + (len(written[first[2]]) - plain)
            later = asyncio.create_task(asyncio.to_thread(_read, url, GROUP, count))
            await _until_waiting(client, later)
            ok(await update(api, first[0], addItems=[item("d")]))
            ok(await cancel(api, first[3]))
            new_order = await _order(api, entity_id)
            after = await _events(api, [*first, new_order])
            new = {
                order_id: events[len(written.get(order_id, [])) :]
                for order_id, events in after.items()
                if len(events) > len(written.get(order_id, []))
            }
            assert sum(len(events) for events in new.values()) == count
            again = await later
            _check(again, new, after)
            assert {e["partition"] for e in again if e["orderId"] == new_order} == {
                feed_key(Home.of_entity(entity_id))
            }

            # Everything acknowledged: nothing pending, nothing left undelivered, anywhere.
            for key in {e["partition"] for e in got + again}:
                (info,) = [g for g in await client.xinfo_groups(key) if g["name"] == GROUP]
                assert (info["pending"], info["lag"]) == (0, 0), (key, info)

            # Another group has a place of its own: from the start of the feed.
            audit = await asyncio.to_thread(_read, url, "node-audit", total + count)
            _check(audit, after, after)
            assert len(audit) == total + count


async def _until_waiting(client: Redis, reader: asyncio.Task[Any]) -> None:
    """Until the reader listens on the news channel and has read the partitions it found at
    start (its last command an XREADGROUP), or has failed: its error is the news."""

    def reader_is(clients: list[dict[str, Any]], **state: str) -> bool:
        return any(
            c["name"] == "ordo-feed-reader" and all(c[k] == v for k, v in state.items())
            for c in clients
        )

    while not reader.done():
        clients = await client.client_list()
        if reader_is(clients, cmd="subscribe") and reader_is(clients, cmd="xreadgroup"):
            return
        await asyncio.sleep(0.02)
    reader.result()


async def test_on_a_cluster_the_reader_finds_the_partitions_of_every_master(
    fresh_cluster: RedisCluster,
) -> None:
    # A cluster of the test's own: the session's shared one holds other tests' events.
    entities: dict[int, str] = {}  # a master's port: an entity whose partition it serves
    while len(entities) < len(fresh_cluster.nodes) // 2:
        entity_id = unique("e")
        entities.setdefault(
            fresh_cluster.owner(feed_key(Home.of_entity(entity_id))).port, entity_id
        )
    server = OrdoServer(fresh_cluster.url)
    with running(server):
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            api = Api(http)
            made = [await _order(api, entity_id) for entity_id in entities.values()]
            ok(await cancel(api, made[0]))
            written = await _events(api, made)
            total = sum(len(events) for events in written.values())
            got = await asyncio.to_thread(_read, fresh_cluster.url, GROUP, total, "--cluster")
            _check(got, written, written)
            assert {fresh_cluster.owner(e["partition"]).port for e in got} == set(entities)

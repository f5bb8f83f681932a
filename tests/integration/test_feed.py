"""The change feed (SPEC §10) on every backend: an event is in the feed if and only if it is in
its order's stream, once, in the order's order, with the order's version after it; the
Follower hands every entry written after it listens to its listeners once, also across a lost
news connection; retention trims the feed and never the order streams."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest

from domain.access import Caller, Role
from domain.errors import OrdoError
from domain.order import OrderStatus, PromoActivation
from feed import reader as feed
from feed.follower import Follower
from feed.groups import Group, group_lags
from feed.reader import FeedEntry
from jobs.reaper import expire_stale
from resolvers import entity_orders, orders
from resolvers.orders import locate
from store import Call, Store
from store.keys import PARTITIONS, Home, events_key, partition_key, partition_of
from tests.e2e.helpers import RAW_RENT, RawItemIn, RawRentIn, RawTypeIn
from tests.event_writers import event_writing_scripts
from tests.integration.helpers import feed_of, new_promo, new_user, streams_of
from tests.stream_format import DATA_KEYS, FEED_FIELDS, pairs, shape_problems
from tests.support import unique


def _as_stream(entries: list[FeedEntry]) -> list[tuple[str, str]]:
    return [(entry.event.id, entry.event.type.value) for entry in entries]


async def _mixed_orders(store: Store) -> tuple[list[str], str, str]:
    """Orders through every script that appends events (the next test holds it to the list
    read from lua/*.lua); answers their ids, entity, owner."""
    user, promo = await new_user(store), await new_promo(store, 10, 10)
    made = [(await orders.create_order(store, user, promo)).order_id for _ in range(3)]
    await orders.complete_order(store, made[0])
    await orders.cancel_order(store, made[1])
    await expire_stale(store, ttl_seconds=0)  # the reaper's expiry: made[2] was left OPEN
    assert (await orders.get_order(store, made[2])).status is OrderStatus.CANCELLED
    customer = Caller(Role.CUSTOMER, unique("c"))  # ORDER_CREATED with its ownerId
    made.append((await orders.create_order(store, caller=customer)).order_id)
    entity = unique("e")
    with_items = unique("o")
    activation = PromoActivation(promo, user)
    await entity_orders.create_order_with_items(
        store, with_items, entity, RAW_RENT, [RawItemIn("a"), RawItemIn("b")], activation
    )
    later = RawTypeIn(rent_payment=RawRentIn("2026-04-01", "SHORT"))
    await entity_orders.update_order(store, with_items, later, cancel_item_ids=["a"])
    await entity_orders.decline_order(store, with_items)
    await entity_orders.restore_order(store, with_items)
    plain = unique("o")
    await entity_orders.create_order_with_items(store, plain, entity, RAW_RENT, [RawItemIn("x")])
    return [*made, with_items, plain], entity, with_items


def _scripts_run(store: Store, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The names of the scripts the store runs from now on, filled in as they run."""
    ran: set[str] = set()
    run, run_in_order = store.run, store.run_in_order

    async def recorded_run(script: str, keys: Sequence[str], args: Sequence[str | int]) -> Any:
        ran.add(script)
        return await run(script, keys, args)

    async def recorded_in_order(calls: Sequence[Call]) -> list[Any]:
        ran.update(script for script, _, _ in calls)
        return await run_in_order(calls)

    monkeypatch.setattr(store, "run", recorded_run)
    monkeypatch.setattr(store, "run_in_order", recorded_in_order)
    return ran


async def test_the_mixed_orders_run_every_script_that_writes_an_event(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list is read from lua/*.lua: a new script that appends an event fails here until
    _mixed_orders runs it, and with it the tests below that every event reaches the feed."""
    ran = _scripts_run(store, monkeypatch)
    await _mixed_orders(store)
    assert event_writing_scripts() - ran == set()


async def test_every_event_is_in_the_feed_once_in_its_order(store: Store) -> None:
    made, entity, with_items = await _mixed_orders(store)
    streams, fed = await streams_of(store, made), await feed_of(store, made)
    assert {order_id: _as_stream(fed[order_id]) for order_id in made} == streams
    for order_id in made:
        entries = fed[order_id]
        assert [entry.version for entry in entries] == list(range(1, len(entries) + 1))
        home = await locate(store, order_id)
        assert {entry.partition for entry in entries} == {feed.partition_of_key(f"{{{home.tag}}}")}
    assert {entry.entity_id for entry in fed[with_items]} == {entity}
    assert {entry.entity_id for entry in fed[made[0]]} == {""}


async def test_feed_entries_keep_the_pinned_fields_for_every_event_type(store: Store) -> None:
    """The entry's field names and each type's data keys as the previous versions wrote them
    (tests/stream_format.py): a reader of the feed parses these names."""
    made, _, _ = await _mixed_orders(store)
    homes = [await locate(store, order_id) for order_id in made]
    parts = sorted({feed.partition_of_key(f"{{{home.tag}}}") for home in homes})
    replies = await store.read_many(
        [("XRANGE", partition_key(p), "-", "+") for p in parts], raw=True
    )
    seen: set[str] = set()
    for reply in replies:
        for _, fields in reply:
            values = dict(pairs(fields))
            if values["orderId"] in made:
                assert tuple(name for name, _ in pairs(fields)) == FEED_FIELDS
                assert shape_problems(values["type"], values["data"]) == []
                seen.add(values["type"])
    assert seen == set(DATA_KEYS)


async def test_the_feed_carries_the_events_data_and_owner(store: Store) -> None:
    order = await orders.create_order(store)
    (created,) = (await feed_of(store, [order.order_id]))[order.order_id]
    assert created.event == order.events[0]
    assert (created.owner_id, created.entity_id, created.version) == ("", "", 1)


async def test_a_race_on_one_promo_feeds_exactly_the_events_written(store: Store) -> None:
    promo = await new_promo(store, 5, 30)
    user = await new_user(store)
    results = await asyncio.gather(
        *(orders.create_order(store, user, promo) for _ in range(30)), return_exceptions=True
    )
    made = [r.order_id for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(made) == 5 and len(refused) == 25
    assert all(isinstance(r, OrdoError) for r in refused)
    fed = await feed_of(store, made)
    assert {o: _as_stream(fed[o]) for o in made} == await streams_of(store, made)


@asynccontextmanager
async def _following(store: Store) -> AsyncIterator[tuple[Follower, list[FeedEntry]]]:
    """A started, ready follower and what it has handed its one listener so far."""
    follower = Follower(store)
    await follower.start()
    await asyncio.wait_for(follower.wait_ready(), 30)
    heard: list[FeedEntry] = []
    unlisten = follower.listen(heard.append)
    try:
        yield follower, heard
    finally:
        unlisten()
        await follower.stop()


async def test_the_follower_delivers_each_new_entry_once(store: Store) -> None:
    async with _following(store) as (_, heard):
        made, _, _ = await _mixed_orders(store)
        expected = await streams_of(store, made)
        total = sum(len(events) for events in expected.values())
        await _until(lambda: len([e for e in heard if e.order_id in made]) >= total)
        mine: dict[str, list[FeedEntry]] = defaultdict(list)
        for entry in heard:
            if entry.order_id in made:
                mine[entry.order_id].append(entry)
        assert {o: _as_stream(mine[o]) for o in made} == expected


async def test_the_follower_catches_up_after_losing_its_news_connection(
    store: Store, backend: str
) -> None:
    if backend == "embedded":
        pytest.skip("the embedded store has no connections to kill")
    async with _following(store) as (follower, heard):
        before = follower.reconnects
        await _kill_pubsub_clients(store)
        # Written while the news connection is down or being made again: news of it may be
        # lost, the catch-up on reconnect reads it.
        made = [(await orders.create_order(store)).order_id for _ in range(20)]
        await _until(lambda: follower.reconnects > before and follower.ready)
        await _until(lambda: {e.order_id for e in heard} >= set(made))
        assert sorted(e.order_id for e in heard if e.order_id in made) == sorted(made)


async def _kill_pubsub_clients(store: Store) -> None:
    """Every connection subscribed to a channel, closed by the server (found by `sub=` in
    CLIENT LIST: a RESP3 subscriber is not of TYPE pubsub)."""
    nodes = store.client.get_primaries() if hasattr(store.client, "get_primaries") else [None]
    killed = 0
    for node in nodes:
        target = {"target_nodes": node} if node is not None else {}
        listing = await store.client.execute_command("CLIENT", "LIST", **target)
        for line in str(listing).splitlines():
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            if fields.get("sub", "0") != "0":
                await store.client.execute_command("CLIENT", "KILL", "ID", fields["id"], **target)
                killed += 1
    assert killed >= 1


async def test_retention_trims_the_feed_not_the_order_streams(store: Store) -> None:
    order = await orders.create_order(store)
    kept = await feed.trim(store, retention_seconds=3600)
    assert kept == 0 and len((await feed_of(store, [order.order_id]))[order.order_id]) == 1
    await asyncio.sleep(0.01)
    trimmed = await feed.trim(store, retention_seconds=0)
    assert trimmed >= 1
    assert (await feed_of(store, [order.order_id]))[order.order_id] == []
    home = Home.of_order(order.order_id)
    assert len(await store.read("XRANGE", events_key(home, order.order_id), "-", "+")) == 1


async def test_a_groups_lag_is_what_it_has_not_acknowledged(store: Store) -> None:
    """What /metrics shows as ordo_feed_group_lag: undelivered plus pending, per group."""
    made = [await orders.create_order(store) for _ in range(3)]
    group = Group(unique("g"), "c1", from_start=True)
    partitions = await feed.existing_partitions(store)
    await group.begin(store, partitions)
    read = await group.read(store, partitions)
    mine = [entry for entry in read if entry.order_id in {o.order_id for o in made}]
    assert len(mine) == 3
    assert (await group_lags(store))[group.name] == len(read)  # all delivered, none acknowledged
    for entry in mine[:2]:
        await group.ack(store, entry)
    assert (await group_lags(store))[group.name] == len(read) - 2
    await orders.create_order(store)  # not delivered yet: lag
    assert (await group_lags(store))[group.name] == len(read) - 1


async def _until(condition: object, seconds: float = 30) -> None:
    """Waits for a condition: a bound on waiting, not a claim about speed."""
    assert callable(condition)
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def test_finding_and_trimming_partitions_goes_in_batches(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every one of the 16,384 partitions is looked at, never more than BATCH per round trip:
    one round trip of them all held a worker's event loop ~150 ms each time it trimmed (and
    each time /metrics read the feed groups' lags)."""
    order = await orders.create_order(store)
    home = await locate(store, order.order_id)
    sizes: list[int] = []
    read_many = store.read_many

    async def counted(commands: list[Any], **options: Any) -> list[Any]:
        sizes.append(len(commands))
        return await read_many(commands, **options)

    monkeypatch.setattr(store, "read_many", counted)
    found = await feed.existing_partitions(store)
    assert partition_of(home.tag) in found
    assert sum(sizes) == PARTITIONS and max(sizes) <= feed.BATCH
    sizes.clear()
    await feed.trim(store, 3600)
    assert max(sizes) <= feed.BATCH
    await Group(unique("g"), "c1").begin(store, found)  # /metrics reads its lag: in batches too
    sizes.clear()
    await group_lags(store)
    assert max(sizes) <= 2 * feed.BATCH  # two commands per partition

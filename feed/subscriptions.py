"""Live order events (SPEC §10): what orderEvents and entityOrderEvents send, and in what order.

Both register with the process's hub (which follows the feed while anyone subscribes) and wait
for it to follow before reading what came before, so nothing committed in between is missed,
and drop what the history already sent, so nothing comes twice. Their errors come before the
first event (an unknown order, a bad or expired cursor).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from domain import access
from domain.access import Caller
from domain.errors import Unavailable
from domain.events import Event
from domain.order import Order
from domain.validation import check_id, invalid
from feed import cursors as feed_cursors
from feed.cursors import FeedCursor
from feed.live import Hub
from feed.reader import STREAM_ID, FeedEntry, id_order, last_ids, read_after
from resolvers.memory import memory
from resolvers.orders import get_order, locate
from store import Store
from store.keys import Home, entity_homes_key, events_key, partition_of
from store.replies import order_from_entries
from store.sealing import Sealer

FOLLOWING_WAIT = 10.0  # s a subscription waits for a starting process to follow the feed


@dataclass(frozen=True, slots=True)
class Sent:
    """One event of an order as a subscription sends it."""

    order_id: str
    version: int
    event: Event


@dataclass(frozen=True, slots=True)
class EntitySent:
    cursor: str
    sent: Sent
    order: Order  # as it stood right after the event


async def order_events(
    store: Store, hub: Hub, order_id: str, after: str | None, caller: Caller
) -> AsyncIterator[Sent]:
    check_id(order_id, ["orderId"])
    if after is not None and not (isinstance(after, str) and STREAM_ID.fullmatch(after)):
        raise invalid(["after"], "after must be an event id of this order")
    subscriber = hub.of_order(order_id)  # which makes the hub follow the feed, if it rested
    try:
        await _following(hub)
        order = await get_order(store, order_id, caller)
        ids = [event.id for event in order.events]
        if after is not None and after not in ids:
            raise invalid(["after"], "after is not an event of this order")
        start = ids.index(after) + 1 if after is not None else 0
        last = after
        for version, event in enumerate(order.events[start:], start + 1):
            yield Sent(order_id, version, event)
            last = event.id
        async for entry in subscriber.entries():
            if last is not None and id_order(entry.event.id) <= id_order(last):
                continue  # already in the history sent
            yield Sent(order_id, entry.version, entry.event)
            last = entry.event.id
    finally:
        subscriber.close()


async def entity_order_events(
    store: Store,
    hub: Hub,
    entity_id: str,
    after: str | None,
    caller: Caller,
    retention_seconds: float,
) -> AsyncIterator[EntitySent]:
    check_id(entity_id, ["entityId"])
    subscriber = hub.of_entity(entity_id)
    try:
        await _following(hub)
        sealer = await memory(store).cursor_keys.sealer(store)
        seconds, micros = await store.read("TIME")
        now = int(seconds) * 1000 + int(micros) // 1000
        partitions = await _partitions(store, entity_id)
        if after is None:
            cursor = FeedCursor(entity_id, now, await last_ids(store, partitions))
        else:
            cursor = feed_cursors.decode(sealer, after, entity_id, now, retention_seconds)
            seen = partitions | set(cursor.positions)
            async for sent in _replay(store, sealer, cursor, seen, caller):
                yield sent
        async for entry in subscriber.entries():
            known = cursor.positions.get(entry.partition)
            if known is not None and id_order(entry.feed_id) <= id_order(known):
                continue  # sent by the replay
            cursor.positions[entry.partition] = entry.feed_id
            if _shown(entry, entity_id, caller):
                yield await _entity_sent(store, sealer, cursor, entry)
    finally:
        subscriber.close()


async def _following(hub: Hub) -> None:
    """The follower may not have taken its positions yet (a process just started, or a hub
    that rested with no subscribers): history read before that would leave a gap."""
    try:
        await asyncio.wait_for(hub.follower.wait_begun(), FOLLOWING_WAIT)
    except TimeoutError:
        raise Unavailable("the change feed is not followed yet") from None


async def _partitions(store: Store, entity_id: str) -> set[int]:
    """The partitions the entity's orders are written to: those of its homes."""
    homes = set(await store.read("SMEMBERS", entity_homes_key(entity_id)))
    return {partition_of(tag) for tag in {Home.of_entity(entity_id).tag, *homes}}


async def _replay(
    store: Store, sealer: Sealer, cursor: FeedCursor, partitions: set[int], caller: Caller
) -> AsyncIterator[EntitySent]:
    waiting = {p: cursor.start(p) for p in partitions}
    while waiting:
        entries = await read_after(store, waiting)
        read: set[int] = set()
        for entry in entries:
            cursor.positions[entry.partition] = entry.feed_id
            read.add(entry.partition)
            if _shown(entry, cursor.entity_id, caller):
                yield await _entity_sent(store, sealer, cursor, entry)
        waiting = {p: cursor.positions[p] for p in read}


def _shown(entry: FeedEntry, entity_id: str, caller: Caller) -> bool:
    """The entity's, and visible to the caller (a customer sees only its own orders)."""
    return entry.entity_id == entity_id and access.may_see(caller, entry.owner_id or None)


async def _entity_sent(
    store: Store, sealer: Sealer, cursor: FeedCursor, entry: FeedEntry
) -> EntitySent:
    home = await locate(store, entry.order_id)
    entries = await store.read("XRANGE", events_key(home, entry.order_id), "-", entry.event.id)
    order = order_from_entries(entry.order_id, entries)
    assert order is not None  # the entry's event is in the stream: the feed has no other
    sent = Sent(entry.order_id, entry.version, entry.event)
    return EntitySent(feed_cursors.encode(sealer, cursor), sent, order)

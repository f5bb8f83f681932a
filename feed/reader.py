"""The change feed (SPEC §10): reading the partitions the order scripts write.

Every script that appends an order event appends it, in the same call, to the feed partition
of its slot (lua/lib/prelude.lua's `append_event`): a stream per cluster slot, so on Redis
Cluster a partition lives, moves and fails over with the orders it describes, and on one Redis
or the embedded store the same keys simply share a server. The first event of a call names its
partition on the news channel, so a reader reads only the partitions that have news; what
happened while it was not listening it finds by reading every partition after its positions
(one SCAN), which is what `Follower` does on every (re)connect.

An entry's id orders it within its partition; an order's events are all in one partition
(its home's), so they come in their order. Positions are per partition: `{partition: id}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.events import Event
from store import Store
from store.keys import PARTITIONS, partition_key, partition_of
from store.replies import event_of

START = "0-0"  # a position before every entry
STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")  # a stream entry's id, as clients may send one
BATCH = 1000  # entries read from one partition per command
RETENTION_SECONDS = 7 * 24 * 3600.0  # how long the feed keeps an entry, unless set otherwise


@dataclass(frozen=True, slots=True)
class FeedEntry:
    partition: int  # the cluster slot of its partition
    feed_id: str  # its id in the partition stream
    order_id: str
    entity_id: str  # '' when the order has none
    owner_id: str  # '' when no customer made it
    version: int  # the order's number of events after this one
    event: Event  # as in the order's own stream (the same id)


def partition_of_key(key: str) -> int:
    """The partition (slot) of a key: its hash tag's."""
    return partition_of(key[key.index("{") + 1 : key.index("}")])


def entry_of(partition: int, feed_id: str, fields: list[str] | dict[str, str]) -> FeedEntry:
    """`fields` as Redis sent them, or through redis-py's reply callback (a dict)."""
    values = (
        fields if isinstance(fields, dict) else dict(zip(fields[::2], fields[1::2], strict=True))
    )
    return FeedEntry(
        partition=partition,
        feed_id=feed_id,
        order_id=values["orderId"],
        entity_id=values["entityId"],
        owner_id=values["ownerId"],
        version=int(values["version"]),
        event=event_of(
            values["orderId"],
            int(values["version"]),
            values["eventId"],
            values["type"],
            values["data"],
        ),
    )


async def existing_partitions(store: Store) -> list[int]:
    """Every partition that holds a stream now: an EXISTS of each slot's key, pipelined (a
    bounded 16,384, where a SCAN would walk every order's keys), in batches: in one, through
    redis-py, they held the event loop ~150 ms, a stall of every request in flight each time
    a worker trims the feed (every minute)."""
    found: list[int] = []
    for parts in batches(range(PARTITIONS)):
        replies = await store.read_many([("EXISTS", partition_key(p)) for p in parts], raw=True)
        found += [p for p, exists in zip(parts, replies, strict=True) if int(exists)]
    return found


def batches(partitions: Sequence[int]) -> Iterator[Sequence[int]]:
    """BATCH partitions at a time: one round trip over thousands of them held a worker's event
    loop for as long as it took to pack and parse them all."""
    for start in range(0, len(partitions), BATCH):
        yield partitions[start : start + BATCH]


async def read_after(
    store: Store, positions: Mapping[int, str], count: int = BATCH
) -> list[FeedEntry]:
    """Up to `count` entries of each partition after its position, partition by partition."""
    parts = sorted(positions)
    replies = await store.read_many(
        [("XREAD", "COUNT", count, "STREAMS", partition_key(p), positions[p]) for p in parts],
        raw=True,
    )
    return [
        entry_of(partition, feed_id, fields)
        for partition, reply in zip(parts, replies, strict=True)
        for feed_id, fields in stream_entries(reply)
    ]


def stream_entries(reply: Any) -> list[Any]:
    """XREAD's answer for one stream: {key: entries} (RESP3) or [[key, entries]] (RESP2),
    or nothing when there is none."""
    if not reply:
        return []
    return list(next(iter(reply.values())) if isinstance(reply, dict) else reply[0][1])


async def last_ids(store: Store, partitions: Iterable[int]) -> dict[int, str]:
    """Each partition's newest id (START when empty): positions from which only what is
    written next is read."""
    parts = sorted(partitions)
    replies = await store.read_many(
        [("XREVRANGE", partition_key(p), "+", "-", "COUNT", 1) for p in parts], raw=True
    )
    return {
        p: str(reply[0][0]) if reply else START for p, reply in zip(parts, replies, strict=True)
    }


async def first_ids(store: Store, partitions: Iterable[int]) -> dict[int, str | None]:
    """Each partition's oldest kept id (None: empty): a position older than that was trimmed."""
    parts = sorted(partitions)
    replies = await store.read_many(
        [("XRANGE", partition_key(p), "-", "+", "COUNT", 1) for p in parts], raw=True
    )
    return {p: str(reply[0][0]) if reply else None for p, reply in zip(parts, replies, strict=True)}


def id_order(feed_id: str) -> tuple[int, int]:
    """A stream id as what orders it: (milliseconds, sequence)."""
    millis, _, sequence = feed_id.partition("-")
    return int(millis), int(sequence or 0)


async def trim(store: Store, retention_seconds: float) -> int:
    """Drop every partition's entries older than the retention; answers how many went. The
    order streams keep every event for good: the feed is for following, not the record."""
    seconds, micros = await store.read("TIME")
    oldest = int(seconds) * 1000 + int(micros) // 1000 - int(retention_seconds * 1000)
    parts = await existing_partitions(store)
    trimmed = 0
    for batch in batches(parts):
        replies = await store.read_many(
            [("XTRIM", partition_key(p), "MINID", f"{max(oldest, 0)}-0") for p in batch],
            raw=True,
        )
        trimmed += sum(int(n) for n in replies)
    return trimmed

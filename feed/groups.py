"""Consumer groups on the change feed (`ordo feed --group`; SPEC §10).

A group is a Redis consumer group of the same name on every partition, so its progress lives
in Redis beside the entries: an entry is acknowledged (XACK) only after the consumer has
written it out, and what a consumer read but did not acknowledge stays pending. A consumer
starting again under its name reads its own pending entries first; one under another name
claims the entries of a consumer idle for `claim_idle` (XAUTOCLAIM). So delivery is at least
once, nothing is skipped, and one consumer at a time sees each order's events in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redis.exceptions import ResponseError

from feed.reader import (
    BATCH,
    FeedEntry,
    batches,
    entry_of,
    existing_partitions,
    id_order,
    stream_entries,
)
from store import Store
from store.keys import FEED_GROUPS, partition_key

NEW = ">"  # XREADGROUP: entries never delivered to the group
OWN_PENDING = "0"  # XREADGROUP: this consumer's entries delivered and not acknowledged


class Group:
    """A follower's source (feed/follower.py) reading as one consumer of a group."""

    def __init__(
        self, name: str, consumer: str, *, from_start: bool = True, claim_idle: float = 30.0
    ) -> None:
        self.name = name
        self.consumer = consumer
        self.from_start = from_start
        self.claim_idle_ms = int(claim_idle * 1000)
        self._known: set[int] = set()  # partitions where the group exists
        self._backlog: list[FeedEntry] = []  # pending entries found when following began

    async def begin(self, store: Store, partitions: list[int]) -> None:
        # Only a group new everywhere starts where the command asked. A partition without the
        # group in a group made before, or one that appears later, is new to it: from its start.
        new = await store.read("HSETNX", FEED_GROUPS, self.name, "1")
        await self._ensure(store, partitions, "$" if new and not self.from_start else "0")
        entries: list[FeedEntry] = []
        for partition in partitions:
            entries += await self._claimed(store, partition)
        self._backlog = entries

    async def read(self, store: Store, partitions: Iterable[int]) -> list[FeedEntry]:
        parts = sorted(partitions)
        await self._ensure(store, [p for p in parts if p not in self._known], "0")
        read, self._backlog = self._backlog, []
        for partition in parts:
            while batch := await self._group_read(store, partition, NEW):
                read += batch
                if len(batch) < BATCH:
                    break
        return read

    async def ack(self, store: Store, entry: FeedEntry) -> None:
        await store.read("XACK", partition_key(entry.partition), self.name, entry.feed_id)

    async def _ensure(self, store: Store, partitions: list[int], start: str) -> None:
        for partition in partitions:
            try:
                await store.read(
                    "XGROUP", "CREATE", partition_key(partition), self.name, start, "MKSTREAM"
                )
            except ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise
            self._known.add(partition)

    async def _claimed(self, store: Store, partition: int) -> list[FeedEntry]:
        """This consumer's pending entries, then those of consumers idle too long."""
        own = await self._group_read(store, partition, OWN_PENDING)
        reply = await store.read(
            "XAUTOCLAIM", partition_key(partition), self.name, self.consumer,
            self.claim_idle_ms, "0-0", "COUNT", BATCH,
        )  # fmt: skip
        others = [entry_of(partition, i, fields) for i, fields in reply[1] if fields]
        return sorted([*own, *others], key=lambda entry: id_order(entry.feed_id))

    async def _group_read(self, store: Store, partition: int, start: str) -> list[FeedEntry]:
        reply = await store.read(
            "XREADGROUP", "GROUP", self.name, self.consumer, "COUNT", BATCH,
            "STREAMS", partition_key(partition), start,
        )  # fmt: skip
        return [entry_of(partition, i, fields) for i, fields in stream_entries(reply) if fields]


async def group_lags(store: Store) -> dict[str, int]:
    """Each group's entries not yet delivered or not yet acknowledged, over every partition
    (XINFO GROUPS: `lag` + `pending`); a partition the group has not reached yet counts whole,
    since the group will read it from its start. Read when scraped: nothing when there is no
    group, else two commands per partition, BATCH partitions a round trip (all of them in one
    would hold the worker's event loop for as long as a trim once did)."""
    names = [str(name) for name in await store.read("HKEYS", FEED_GROUPS)]
    if not names:
        return {}
    parts = await existing_partitions(store)
    lags = dict.fromkeys(names, 0)
    for batch in batches(parts):
        replies = await store.read_many(
            [("XINFO", "GROUPS", partition_key(p)) for p in batch]
            + [("XLEN", partition_key(p)) for p in batch]
        )
        for groups, length in zip(replies[: len(batch)], replies[len(batch) :], strict=True):
            _add_lags(lags, names, groups, int(length))
    return lags


def _add_lags(lags: dict[str, int], names: list[str], groups: Any, length: int) -> None:
    """One partition's share of each group's lag."""
    reached = set()
    for group in groups or []:
        info = {str(k): v for k, v in (group.items() if isinstance(group, dict) else [])}
        name = str(info.get("name", ""))
        reached.add(name)
        lags[name] = lags.get(name, 0) + int(info.get("lag") or 0) + int(info.get("pending") or 0)
    for name in set(names) - reached:
        lags[name] += length

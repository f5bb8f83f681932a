"""One reader of the change feed per process, shared by every subscription (SPEC §10).

It listens on the news channel with one connection, reads only the partitions named there
(from its own position in each, in batches), and hands every entry to its listeners, in order
per partition. On every (re)connect it subscribes first and then reads every partition after
its positions, so what was written while it was away is delivered too, once. No connection is
held per subscriber: a listener is a callback that must not block (it queues the entry).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import structlog

from feed.reader import (
    BATCH,
    START,
    FeedEntry,
    existing_partitions,
    last_ids,
    partition_of_key,
    read_after,
)
from store import Store
from store.keys import FEED_NEWS

log = structlog.get_logger("ordo.feed")

Listener = Callable[[FeedEntry], None]
IDLE_SECONDS = 5.0  # with no news this long, the news connection is pinged
RETRY_SECONDS = (0.1, 0.25, 0.5, 1.0, 2.0)  # waits between reconnects, the last repeated
STOP_SECONDS = 5.0  # what stop() waits for the following task to end


class Source(Protocol):
    """Where a follower's reading of each partition stands, and how it reads on."""

    async def begin(self, store: Store, partitions: list[int]) -> None:
        """Take positions in the partitions that exist when following starts."""

    async def read(self, store: Store, partitions: Iterable[int]) -> list[FeedEntry]:
        """Everything in these partitions after the source's positions, which move past it."""


class Positions:
    """Positions kept in this process: from now (the last ids when it begins) or from the
    start of every partition. A partition first seen later is read from its start: it did
    not exist when following began."""

    def __init__(self, *, from_start: bool = False) -> None:
        self.from_start = from_start
        self.positions: dict[int, str] = {}

    async def begin(self, store: Store, partitions: list[int]) -> None:
        if not self.from_start:
            self.positions = await last_ids(store, partitions)

    async def read(self, store: Store, partitions: Iterable[int]) -> list[FeedEntry]:
        read: list[FeedEntry] = []
        waiting = {p: self.positions.get(p, START) for p in partitions}
        while waiting:
            entries = await read_after(store, waiting, BATCH)
            full: dict[int, int] = {}
            for entry in entries:
                self.positions[entry.partition] = entry.feed_id
                full[entry.partition] = full.get(entry.partition, 0) + 1
            read += entries
            waiting = {p: self.positions[p] for p, n in full.items() if n == BATCH}
        return read


class Follower:
    def __init__(self, store: Store, source: Source | None = None) -> None:
        self.store = store
        self.source = source or Positions()
        self._listeners: dict[int, Listener] = {}
        self._ids = itertools.count()
        self._ready = asyncio.Event()
        self._begun = asyncio.Event()  # positions taken: every entry after them is delivered
        self._task: asyncio.Task[None] | None = None
        self.reconnects = 0

    @property
    def ready(self) -> bool:
        """Listening and caught up: False while (re)connecting (/readyz says so)."""
        return self._ready.is_set()

    @property
    def following(self) -> bool:
        return self._task is not None

    async def start(self) -> None:
        """Follow from the positions its source takes once Redis answers (`wait_begun`):
        what is written after that reaches the listeners. Started again after `stop`, it
        takes its positions anew."""
        self.follow()

    def follow(self) -> None:
        """`start`, from code that cannot await: it only makes the following task."""
        if self._task is None:
            self._task = asyncio.create_task(self._follow(), name="ordo-feed-follower")

    async def wait_ready(self) -> None:
        await self._ready.wait()

    async def wait_begun(self) -> None:
        """Until the source has taken its positions: from then on nothing written is missed,
        through any reconnection (only the first catch-up starts "from now")."""
        await self._begun.wait()

    async def stop(self) -> None:
        if task := self.halt():
            # Bounded: a Redis client that swallows the cancellation (redis-py's cluster
            # Pub/Sub, caught mid-connect) must not hold a shutdown forever.
            await asyncio.wait({task}, timeout=STOP_SECONDS)

    def halt(self) -> asyncio.Task[None] | None:
        """Stop following now (a `follow` right after begins anew); answers the old task,
        which ends at its next step."""
        task, self._task = self._task, None
        self._begun.clear()
        self._ready.clear()
        if task:
            task.cancel()
        return task

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Every entry committed from now on goes to `listener`, once; returns the way out."""
        key = next(self._ids)
        self._listeners[key] = listener

        def unlisten() -> None:
            self._listeners.pop(key, None)

        return unlisten

    async def _follow(self) -> None:
        for attempt in itertools.count():
            news = None
            try:
                news = self.store.pubsub()
                await news.subscribe(FEED_NEWS)
                # Subscribed before reading: an entry written from here on is read now or
                # named by news later, and positions keep either from being delivered twice.
                await self._catch_up()
                self._check_current()
                self._ready.set()
                await self._listen(news)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a lost connection, Redis down, or a bug: start again
                self._ready.clear()
                self.reconnects += 1
                log.warning("feed follower reconnecting", error=repr(error))
                with contextlib.suppress(Exception):
                    await self.store.refresh()
                await asyncio.sleep(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
            finally:
                if news is not None:
                    await _close(news)

    async def _catch_up(self) -> None:
        partitions = await existing_partitions(self.store)
        if not self._begun.is_set():  # once: a retry after a failed read keeps the positions
            await self.source.begin(self.store, partitions)
            self._check_current()
            self._begun.set()
        await self._read(partitions)

    async def _listen(self, news: Any) -> None:
        subscribed = False
        while True:
            message = await news.get_message(timeout=IDLE_SECONDS)
            if message is None:
                await news.ping()  # a dead connection is found out here, not left silent
                continue
            if message["type"] == "subscribe":
                # redis-py connects again on its own and subscribes again, silently: what was
                # published meanwhile is lost, so every partition is read after its position.
                if subscribed:
                    self.reconnects += 1
                    log.warning("feed follower: news connection made again, catching up")
                    await self._catch_up()
                subscribed = True
                continue
            if message["type"] != "message":
                continue  # the pings' pongs
            named = {partition_of_key(str(message["data"]))}
            while (more := await news.get_message(timeout=0)) and more["type"] == "message":
                named.add(partition_of_key(str(more["data"])))
            await self._read(named)

    async def _read(self, partitions: Iterable[int]) -> None:
        entries = await self.source.read(self.store, partitions)
        self._check_current()
        for entry in entries:
            self._deliver(entry)

    def _check_current(self) -> None:
        """A stopped follower's task that outlived its cancellation (a client swallowed it)
        must not deliver, nor mark a newer following as begun."""
        if asyncio.current_task() is not self._task:
            raise asyncio.CancelledError

    def _deliver(self, entry: FeedEntry) -> None:
        for listener in list(self._listeners.values()):
            try:
                listener(entry)
            except Exception:  # one listener's bug must not stop the others
                log.exception("feed listener failed", order_id=entry.order_id)


async def _close(news: Any) -> None:
    with contextlib.suppress(Exception):  # closing a broken connection may fail too
        await news.aclose()

"""Live order events for subscriptions: one feed follower per process, fanned out in memory.

Every subscription registers here by order or by entity; the one Follower (resolvers/
follower.py) hands each committed feed entry to the hub, which puts it in the queue of each
subscriber of its order and of its entity. A queue is bounded: a subscriber that falls that
far behind is dropped (its `overflowed` is set and it stops receiving), and the socket is
closed so the client resumes from its last id or cursor. No Redis connection is held per
subscriber.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator

from feed.follower import Follower
from feed.reader import FeedEntry
from metrics.counters import SLOW_CLOSED, observe_delivered
from store import Store

DEFAULT_BUFFER = 1000  # entries a subscriber may lag behind before it is dropped
# The feed is followed while anyone subscribes, and this long after the last one leaves (a
# client that reconnects finds it still followed): a worker nobody subscribes to does not read
# every other worker's writes (what that cost each create: docs/performance.md).
LINGER_SECONDS = 30.0


class Overflowed(Exception):
    """A subscriber fell further behind than its buffer: the client must resume."""


class Subscriber:
    def __init__(self, hub: Hub, key: tuple[str, str], size: int) -> None:
        self.hub = hub
        self.key = key
        self.queue: asyncio.Queue[FeedEntry] = asyncio.Queue(size)
        self.overflowed = asyncio.Event()

    def offer(self, entry: FeedEntry) -> None:
        if self.overflowed.is_set():
            return
        try:
            self.queue.put_nowait(entry)
        except asyncio.QueueFull:
            self.overflowed.set()
            SLOW_CLOSED.inc()

    async def entries(self) -> AsyncIterator[FeedEntry]:
        """Entries as they come; Overflowed once the buffer overflowed (after what it held)."""
        overflow = asyncio.ensure_future(self.overflowed.wait())
        got: asyncio.Future[FeedEntry] | None = None
        try:
            while True:
                if self.queue.empty() and self.overflowed.is_set():
                    raise Overflowed
                if self.queue.empty():
                    got = asyncio.ensure_future(self.queue.get())
                    await asyncio.wait({got, overflow}, return_when=asyncio.FIRST_COMPLETED)
                    if not got.done():
                        got.cancel()
                        continue
                    entry = got.result()
                else:
                    entry = self.queue.get_nowait()
                yield entry
                observe_delivered(entry)
        finally:
            overflow.cancel()
            # Cancelled while waiting (the socket closed): a read left pending would be
            # collected with the queue, logged as "Task was destroyed but it is pending!".
            if got is not None:
                got.cancel()

    def close(self) -> None:
        self.hub._drop(self)


class Hub:
    """The process's subscriptions by order id and by entity id, fed by one Follower that
    follows the feed only while there are subscribers (and LINGER_SECONDS after)."""

    def __init__(
        self, store: Store, *, buffer: int = DEFAULT_BUFFER, linger: float = LINGER_SECONDS
    ) -> None:
        self.follower = Follower(store)
        self.buffer = buffer
        self.linger = linger
        self.started = False
        self._subscribers: dict[tuple[str, str], set[Subscriber]] = defaultdict(set)
        self._unlisten = self.follower.listen(self._deliver)
        self._idle: asyncio.TimerHandle | None = None
        self._resting: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """From now on a subscriber makes the follower follow (until then it waits)."""
        self.started = True
        if self._subscribers:
            self.follower.follow()

    async def stop(self) -> None:
        self.started = False
        self._cancel_idle()
        self._unlisten()
        await self.follower.stop()

    @property
    def ready(self) -> bool:
        """Started, and following caught up or able to begin when a subscriber comes."""
        return self.started and (not self.follower.following or self.follower.ready)

    @property
    def open(self) -> int:
        return sum(len(subscribers) for subscribers in self._subscribers.values())

    def of_order(self, order_id: str) -> Subscriber:
        return self._add(("order", order_id))

    def of_entity(self, entity_id: str) -> Subscriber:
        return self._add(("entity", entity_id))

    def _add(self, key: tuple[str, str]) -> Subscriber:
        subscriber = Subscriber(self, key, self.buffer)
        self._subscribers[key].add(subscriber)
        self._cancel_idle()
        if self.started:
            self.follower.follow()
        return subscriber

    def _drop(self, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(subscriber.key)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._subscribers[subscriber.key]
        if not self._subscribers and self.started and self._idle is None:
            self._idle = asyncio.get_running_loop().call_later(self.linger, self._rest)

    def _cancel_idle(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    def _rest(self) -> None:
        self._idle = None
        if not self._subscribers and (task := self.follower.halt()):
            self._resting.add(task)  # held until it has wound down
            task.add_done_callback(self._resting.discard)

    def _deliver(self, entry: FeedEntry) -> None:
        for key in (("order", entry.order_id), ("entity", entry.entity_id)):
            for subscriber in self._subscribers.get(key, ()):
                subscriber.offer(entry)

"""A subscriber of the hub (feed/live.py) that stops listening leaves nothing running: a
read left waiting on its queue would be collected pending ("Task was destroyed but it is
pending!", logged at error level after sockets closed)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import cast

from feed.live import Hub, Subscriber


def _queue_reads() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if "Queue.get" in repr(t.get_coro())]


async def test_a_subscription_cancelled_while_it_waits_leaves_no_read_of_its_queue() -> None:
    subscriber = Subscriber(cast(Hub, None), ("order", "o"), 10)
    entries = subscriber.entries()
    reading = asyncio.ensure_future(anext(entries))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert _queue_reads(), "the subscriber waits on its queue"
    reading.cancel()  # the socket closed: Strawberry cancels the operation's task
    with contextlib.suppress(asyncio.CancelledError):
        await reading
    await entries.aclose()
    await asyncio.sleep(0)
    assert _queue_reads() == []

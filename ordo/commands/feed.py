"""`ordo feed`: the change feed for backends, one JSON line per order event (SPEC §10)."""

from __future__ import annotations

import asyncio
import socket
import sys
from typing import Annotated

import orjson
import typer

from feed.follower import Follower, Positions
from feed.groups import Group
from feed.reader import FeedEntry
from ordo.commands.common import RedisUrl, on_store
from store import Store


def feed(
    redis_url: RedisUrl = None,
    group: Annotated[
        str | None,
        typer.Option(
            help="Consumer group: progress is kept in Redis, a rerun continues after "
            "the last event it acknowledged."
        ),
    ] = None,
    consumer: Annotated[
        str | None,
        typer.Option(help="This consumer's name in the group (default: host name)."),
    ] = None,
    from_start: Annotated[
        bool,
        typer.Option(
            "--from-start/--from-now",
            help="Where to begin: every event the feed keeps, or only new ones. With --group, "
            "only where the group is new.",
        ),
    ] = False,
    count: Annotated[int | None, typer.Option(min=1, help="Stop after so many events.")] = None,
    idle_exit: Annotated[
        float | None,
        typer.Option(min=0, help="Stop after so many seconds without a new event."),
    ] = None,
    claim_idle: Annotated[
        float,
        typer.Option(
            min=0,
            help="With --group: take over another consumer's unacknowledged "
            "events after it has been idle this many seconds.",
        ),
    ] = 30.0,
) -> None:
    """Print every order event as it is committed: one JSON line each, `{"cursor", "orderId",
    "version", "event": {"id", "type", "at", "data"}}`, in order per order. With --group each
    line is acknowledged in Redis once written: at least once, nothing skipped."""
    name = consumer or socket.gethostname()
    source = (
        Group(group, name, from_start=from_start, claim_idle=claim_idle)
        if group
        else Positions(from_start=from_start)
    )

    async def follow(store: Store) -> None:
        await _follow(store, source, count, idle_exit)

    on_store(redis_url, follow)


async def _follow(
    store: Store, source: Group | Positions, count: int | None, idle_exit: float | None
) -> None:
    queue: asyncio.Queue[FeedEntry] = asyncio.Queue()
    follower = Follower(store, source)
    follower.listen(queue.put_nowait)
    await follower.start()
    written = 0
    try:
        while count is None or written < count:
            try:
                entry = await asyncio.wait_for(queue.get(), idle_exit)
            except TimeoutError:
                return
            sys.stdout.buffer.write(line(entry))
            sys.stdout.buffer.flush()
            if isinstance(source, Group):
                await source.ack(store, entry)  # only once the line is out
            written += 1
    finally:
        await follower.stop()


def line(entry: FeedEntry) -> bytes:
    event = entry.event
    return orjson.dumps(
        {
            "cursor": f"{entry.partition}:{entry.feed_id}",
            "orderId": entry.order_id,
            "version": entry.version,
            "event": {
                "id": event.id,
                "type": event.type.value,
                "at": event.at.isoformat().replace("+00:00", "Z"),
                "data": event.data,
            },
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )

"""Pages of an entity's orders (entityOrders): a Relay connection over a snapshot.

Each home an entity's orders live under keeps a listing of them by place, with versions
(lua/lib/prelude.lua's `relist`); a page asks each home for the orders after the cursor's
position as the listing stood at the snapshot's sequence (lua/page_orders.lua), merges the
homes' answers, and reads only the page's orders. So a page costs its own orders, not the
entity's, and no order is repeated or skipped across pages while others are created,
changed or declined: membership and places are the snapshot's, the orders as they are now
(docs/decisions.md, "Pages of an entity's orders").
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from domain.order import Order
from domain.validation import check_id, invalid
from resolvers import cursors
from resolvers.cursors import Position, Snapshot
from resolvers.keys import Home, entity_homes_key, events_key, listing_keys
from resolvers.metrics import measured
from resolvers.replies import order_from_entries, reply_of
from resolvers.store import Store

MAX_FIRST = 100
CURSOR_SECONDS = 3600  # a cursor's life; retired versions are kept longer (prelude.lua)


@dataclass(frozen=True, slots=True)
class Edge:
    cursor: str
    order: Order


@dataclass(frozen=True, slots=True)
class Page:
    edges: list[Edge]
    has_next_page: bool
    total_count: int
    end_cursor: str | None  # the last order read's, kept or not: a filtered page goes on


@dataclass(frozen=True, slots=True)
class _Part:
    """One home's answer: its sequence, Redis's time, its counts, its first orders."""

    home: Home
    sequence: int
    now: int
    count: int
    positions: list[Position]


@measured("entityOrders")
async def list_page(
    store: Store,
    entity_id: str,
    first: int | None = 20,
    after: str | None = None,
    include_declined: bool = False,
    keep: Callable[[Order], bool] | None = None,
) -> Page:
    """`keep`: a filter over the page's orders (a page then may hold fewer than `first`;
    hasNextPage and the cursors stay exact)."""
    check_id(entity_id, ["entityId"])
    if first is None or isinstance(first, bool) or not 1 <= first <= MAX_FIRST:
        raise invalid(["first"], f"first must be a whole number from 1 to {MAX_FIRST}")
    snapshot, position = (
        cursors.decode(after, entity_id, include_declined) if after is not None else (None, None)
    )
    parts = await _parts(store, entity_id, first + 1, snapshot, position, include_declined)
    if snapshot is None:
        snapshot = _snapshot_of(entity_id, include_declined, parts)
    elif min((part.now for part in parts), default=0) - snapshot.taken_at > CURSOR_SECONDS:
        raise invalid(["after"], "after has expired: read the listing again from its start")
    ranked = sorted((p, part.home) for part in parts for p in part.positions)[: first + 1]
    shown = ranked[:first]
    replies = await store.read_many(
        [("XRANGE", events_key(home, p.order_id), "-", "+") for p, home in shown], raw=True
    )
    edges = []
    for (p, _), entries in zip(shown, replies, strict=True):
        order = order_from_entries(p.order_id, entries)
        if order is not None and (keep is None or keep(order)):
            edges.append(Edge(cursors.encode(snapshot, p), order))
    end = cursors.encode(snapshot, shown[-1][0]) if shown else None
    return Page(edges, len(ranked) > first, snapshot.total, end)


async def _parts(
    store: Store,
    entity_id: str,
    count: int,
    snapshot: Snapshot | None,
    position: Position | None,
    include_declined: bool,
) -> list[_Part]:
    if snapshot is None:
        listed = await store.read("SMEMBERS", entity_homes_key(entity_id))
        tags = {Home.of_entity(entity_id).tag, *listed}
        watermarks = [(tag, "") for tag in sorted(tags)]
    else:
        watermarks = [(tag, str(sequence)) for tag, sequence in snapshot.watermarks]
    after = f"{position.place} {position.order_id}" if position else ""
    declined = "1" if include_declined else ""
    raws = await asyncio.gather(
        *(
            store.run(
                "page_orders",
                listing_keys(Home(tag)),
                [entity_id, mark, after, count, declined],
            )
            for tag, mark in watermarks
        )
    )
    return [
        _part(Home(tag), raw, include_declined)
        for (tag, _), raw in zip(watermarks, raws, strict=True)
    ]


def _part(home: Home, raw: list[object], include_declined: bool) -> _Part:
    sequence, now, shown, declined, *flat = reply_of(raw).payload
    positions = [Position(str(flat[i]), str(flat[i + 1])) for i in range(0, len(flat), 2)]
    count = int(shown) + (int(declined) if include_declined else 0)
    return _Part(home, int(sequence), int(now), count, positions)


def _snapshot_of(entity_id: str, include_declined: bool, parts: list[_Part]) -> Snapshot:
    """The first page's snapshot: each home's sequence as read (a home at 0 has nothing)."""
    watermarks = tuple((part.home.tag, part.sequence) for part in parts if part.sequence)
    taken_at = min(part.now for part in parts)  # the entity's own home is always asked
    total = sum(part.count for part in parts)
    return Snapshot(entity_id, include_declined, watermarks, taken_at, total)

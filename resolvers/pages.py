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
from metrics.counters import measured
from resolvers.memory import memory
from resolvers.order_reads import read_orders
from store import Store
from store import page_cursors as cursors
from store.argv import PageArgs
from store.keys import Home, page_keys
from store.page_cursors import Position, Snapshot
from store.replies import reply_of

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
    sealer = await memory(store).cursor_keys.sealer(store)
    snapshot, position = (
        cursors.decode(sealer, after, entity_id, include_declined)
        if after is not None
        else (None, None)
    )
    parts = await _parts(store, entity_id, first + 1, snapshot, position, include_declined)
    if snapshot is None:
        snapshot = _snapshot_of(entity_id, include_declined, parts)
    elif min((part.now for part in parts), default=0) - snapshot.taken_at > CURSOR_SECONDS:
        raise invalid(["after"], "after has expired: read the listing again from its start")
    ranked = sorted((p, part.home) for part in parts for p in part.positions)[: first + 1]
    shown = ranked[:first]
    read = await read_orders(store, [(p.order_id, home) for p, home in shown])
    edges = []
    for (p, _), order in zip(shown, read, strict=True):
        if order is not None and (keep is None or keep(order)):
            edges.append(Edge(cursors.encode(sealer, snapshot, p), order))
    # Sealed on its own, as every cursor: equal to the last edge's, it would tell whether the
    # last order read was one the caller may see.
    end = cursors.encode(sealer, snapshot, shown[-1][0]) if shown else None
    return Page(edges, len(ranked) > first, snapshot.total, end)


async def _parts(
    store: Store,
    entity_id: str,
    count: int,
    snapshot: Snapshot | None,
    position: Position | None,
    include_declined: bool,
) -> list[_Part]:
    ask = _Ask(store, entity_id, count, position, include_declined)
    if snapshot is not None:
        return await asyncio.gather(
            *(ask.part(tag, str(mark)) for tag, mark in snapshot.watermarks)
        )
    # A first page: the entity's own home answers its part and the entity's other homes.
    own_tag = Home.of_entity(entity_id).tag
    own, homes = await ask.part_and_homes(own_tag)
    others = await asyncio.gather(*(ask.part(tag, "") for tag in sorted(homes - {own_tag})))
    return sorted([own, *others], key=lambda part: part.home.tag)


@dataclass(frozen=True, slots=True)
class _Ask:
    """One page's question to each home (lua/page_orders.lua)."""

    store: Store
    entity_id: str
    count: int
    position: Position | None
    include_declined: bool

    async def part(self, tag: str, watermark: str) -> _Part:
        return (await self._run(tag, watermark, with_homes=False))[0]

    async def part_and_homes(self, tag: str) -> tuple[_Part, set[str]]:
        return await self._run(tag, "", with_homes=True)

    async def _run(self, tag: str, watermark: str, *, with_homes: bool) -> tuple[_Part, set[str]]:
        home, position = Home(tag), self.position
        after = f"{position.place} {position.order_id}" if position else ""
        declined, homes_too = ("1" if flag else "" for flag in (self.include_declined, with_homes))
        args = PageArgs(self.entity_id, watermark, after, self.count, declined, homes_too)
        raw = await self.store.run("page_orders", page_keys(home, self.entity_id), args)
        sequence, now, shown, declined, homes, *flat = reply_of(raw).payload
        positions = [Position(str(flat[i]), str(flat[i + 1])) for i in range(0, len(flat), 2)]
        count = int(shown) + (int(declined) if self.include_declined else 0)
        part = _Part(home, int(sequence), int(now), count, positions)
        return part, {str(tag) for tag in homes}


def _snapshot_of(entity_id: str, include_declined: bool, parts: list[_Part]) -> Snapshot:
    """The first page's snapshot: each home's sequence as read (a home at 0 has nothing)."""
    watermarks = tuple((part.home.tag, part.sequence) for part in parts if part.sequence)
    taken_at = min(part.now for part in parts)  # the entity's own home is always asked
    total = sum(part.count for part in parts)
    return Snapshot(entity_id, include_declined, watermarks, taken_at, total)

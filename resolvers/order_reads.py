"""Reading orders by id and home: each from what this process keeps folded (resolvers/folded.py)
and the rest of its stream, in one round trip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.order import Order
from resolvers.folded import _STALE, FoldedOrders
from resolvers.memory import memory
from store.keys import Home, events_key


async def read_orders(store: Any, wanted: Sequence[tuple[str, Home]]) -> list[Order | None]:
    """The orders (None: no such order under that home), in one round trip when all are kept
    or new; a kept order found stale costs one more."""
    folded: FoldedOrders = memory(store).folded
    starts = [folded.start(oid, home) for oid, home in wanted]
    replies = await store.read_many(
        [
            ("XRANGE", events_key(home, oid), start, "+")
            for (oid, home), start in zip(wanted, starts, strict=True)
        ],
        raw=True,
    )
    orders = [
        folded.fold(oid, home, start, entries)
        for (oid, home), start, entries in zip(wanted, starts, replies, strict=True)
    ]
    stale = [i for i, order in enumerate(orders) if order is _STALE]
    if stale:
        again = await read_orders(store, [wanted[i] for i in stale])
        for i, order in zip(stale, again, strict=True):
            orders[i] = order
    return orders  # type: ignore[return-value]  # no _STALE is left

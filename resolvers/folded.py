"""Orders read from their streams, each folded once per process.

A process keeps the orders it has folded, each with the id of its last event. Reading a kept
order asks Redis for its stream from that id on (XRANGE is inclusive): the answer starts with
that very entry while the kept order is still the stream's prefix, and then only what follows
it is parsed and folded — usually nothing, so a page of known orders costs short replies
instead of whole histories. Streams only grow, and a replica's stream is a prefix of its old
master's, so an answer that does not start with the kept id (a failover lost that event, or
the key was deleted) means the kept order is wrong: it is dropped and the whole stream read.
Reads of one order run concurrently, so each folds against the start it asked from: if the
kept order moved on meanwhile (another read kept a newer one, or dropped it), the answer is
read again from the start as it is now.
"""

from __future__ import annotations

from typing import Any

from domain.fold import extended
from domain.order import Order
from store.keys import Home
from store.replies import events_from_entries, order_from_entries

DEFAULT_SIZE = 4096  # orders kept per process: a few KB each

_STALE = object()  # a kept order that is not its stream's prefix any more
WHOLE = "-"  # XRANGE from the stream's first entry


class FoldedOrders:
    """The orders a process has folded, by id, each with its home; at most `size`, the oldest
    put dropped first."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._kept: dict[str, tuple[str, Order, Home]] = {}

    def start(self, order_id: str, home: Home) -> str:
        kept = self._kept.get(order_id)
        return kept[0] if kept and kept[2] == home else WHOLE

    def home(self, order_id: str) -> Home | None:
        """The home the kept order was read from: an order lives where it was created for good
        (a claim never moves off a home that holds its order, and no stream is deleted), so a
        read of a kept order needs no lookup of its home first (resolvers/orders.py)."""
        kept = self._kept.get(order_id)
        return kept[2] if kept else None

    def fold(
        self, order_id: str, home: Home, start: str, entries: list[Any]
    ) -> Order | object | None:
        """The order from its stream under `home` read from `start` (what `start` said when
        the read was sent); _STALE: read it again from where it starts now."""
        if start == WHOLE:
            order = order_from_entries(order_id, entries)
        else:
            kept = self._kept.get(order_id)
            if kept is None or kept[0] != start or kept[2] != home:
                return _STALE  # another read moved the kept order on meanwhile
            known = kept[1]
            if not entries or entries[0][0] != start:
                del self._kept[order_id]  # the stream lost what was kept (or is gone)
                return _STALE
            if len(entries) == 1:
                return known
            order = extended(known, events_from_entries(order_id, entries[1:], known.version + 1))
        if order is not None and self.size:
            self._keep(order_id, entries[-1][0], order, home)
        return order

    def _keep(self, order_id: str, last: str, order: Order, home: Home) -> None:
        self._kept.pop(order_id, None)
        if len(self._kept) >= self.size:
            del self._kept[next(iter(self._kept))]
        self._kept[order_id] = (last, order, home)

"""What a process remembers beside its store: the orders it has folded from their streams, the
users it has seen (users are never deleted), the keys its cursors are sealed with.

Kept beside the store, keyed by it, not on it: the store is the Redis adapter, and these are the
operations' memory of what it answered. One store, one memory, for as long as the store lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from resolvers.folded import FoldedOrders
from store import Store
from store.cursor_keys import CursorKeys


@dataclass
class Memory:
    folded: FoldedOrders = field(default_factory=FoldedOrders)
    known_users: set[str] = field(default_factory=set)
    cursor_keys: CursorKeys = field(default_factory=CursorKeys)


_MEMORIES: WeakKeyDictionary[Store, Memory] = WeakKeyDictionary()


def memory(store: Store) -> Memory:
    """The store's memory, made empty on first use."""
    found = _MEMORIES.get(store)
    if found is None:
        found = _MEMORIES[store] = Memory()
    return found


def remember(store: Store, made: Memory) -> None:
    """Gives a store the memory its settings size (ordo/connect.py)."""
    _MEMORIES[store] = made

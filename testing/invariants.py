"""SPEC §2's promo invariants, read from Redis with plain commands (no resolver): for the
integration tests, and for the audit after a load (testing/audit.py)."""

from __future__ import annotations

from dataclasses import dataclass

from store import Store
from store.keys import Home, order_keys, promo_keys


@dataclass(frozen=True)
class PromoState:
    """A promo's counters as stored: the promo hash, used/open hashes, open-orders set."""

    fields: dict[str, str]
    used: dict[str, int]
    open: dict[str, int]
    open_orders: frozenset[str]

    @property
    def count(self) -> int:
        return int(self.fields["count"])

    @property
    def locked(self) -> int:
        return int(self.fields["lockedCount"])

    @property
    def per_user(self) -> int:
        return int(self.fields["perUserCount"])


async def promo_state(store: Store, promo_id: str) -> PromoState:
    promo, used, open_, open_orders = promo_keys(promo_id)
    fields, used_by, open_by, members = await store.read_many(
        [
            ("HGETALL", promo),
            ("HGETALL", used),
            ("HGETALL", open_),
            ("ZRANGE", open_orders, 0, -1),
        ]
    )
    return PromoState(
        fields=dict(fields),
        used={user: int(n) for user, n in dict(used_by).items()},
        open={user: int(n) for user, n in dict(open_by).items()},
        open_orders=frozenset(members),
    )


async def open_status(store: Store, promo_id: str, order_ids: list[str]) -> set[str]:
    """Which of the promo's orders are OPEN, read from their state hashes."""
    home = Home.of_promo(promo_id)
    statuses = await store.read_many(
        [("HGET", order_keys(home, order_id)[0], "status") for order_id in order_ids]
    )
    return {
        order_id for order_id, status in zip(order_ids, statuses, strict=True) if status == "OPEN"
    }


async def assert_invariants(store: Store, promo_id: str, order_ids: list[str]) -> PromoState:
    """SPEC §2: lockedCount = OPEN orders = open-orders set; 0 <= locked <= count; per user
    used + open <= perUserCount, and each user's open count matches their OPEN orders."""
    state = await promo_state(store, promo_id)
    opened = await open_status(store, promo_id, order_ids)
    assert 0 <= state.locked <= state.count
    assert state.locked == len(opened) == len(state.open_orders)
    assert state.open_orders == opened
    assert sum(state.open.values()) == state.locked
    for user in set(state.used) | set(state.open):
        assert state.used.get(user, 0) + state.open.get(user, 0) <= state.per_user
        assert state.open.get(user, 0) >= 0
    return state

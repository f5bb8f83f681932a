"""What `ordo verify` compares: an order's stored state against its folded events, and a
promo's counters against its OPEN orders (SPEC §2, §3.3). Pure: each check gets what was read
and answers one sentence per discrepancy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from domain.codec import canonical_json, item_fingerprint, type_kind, type_to_json
from domain.order import Order


def stored_fields(order: Order) -> dict[str, str]:
    """The state-hash fields the scripts keep, as the order's events determine them."""
    promo = order.promo
    owner = {"ownerId": order.owner_id} if order.owner_id else {}  # kept only when there is one
    return {
        "status": order.status.value,
        "promoId": promo.promo_id if promo else "",
        "userId": promo.user_id if promo else "",
        "entityId": order.entity_id or "",
        "kind": type_kind(order.type),
        "type": canonical_json(type_to_json(order.type)) if order.type else "",
        **owner,
    }


def stored_items(order: Order) -> dict[str, str]:
    """The items hash: id -> 'A|' (active) or 'C|' (cancelled) + content fingerprint."""
    entries = {item.order_item_id: "C|" + item_fingerprint(item) for item in order.cancelled_items}
    entries.update({item.order_item_id: "A|" + item_fingerprint(item) for item in order.items})
    return entries


def order_discrepancies(
    order: Order | None, state: Mapping[str, str], items: Mapping[str, str]
) -> list[str]:
    """Where the state and items hashes differ from what folding the events gives."""
    if order is None:
        return ["has a state hash but no events"]
    found = [
        f"{field} is {state.get(field, '')!r} but its events say {want!r}"
        for field, want in stored_fields(order).items()
        if state.get(field, "") != want
    ]
    wanted = stored_items(order)
    for item_id in sorted(set(items) | set(wanted)):
        have, want = items.get(item_id), wanted.get(item_id)
        if have != want:
            found.append(
                f"item {item_id} is stored as {_shown(have)}, its events say {_shown(want)}"
            )
    return found


def _shown(entry: str | None) -> str:
    return "nothing" if entry is None else repr(entry)


@dataclass(frozen=True)
class PromoSnapshot:
    """One promo as read in one atomic script, with what its orders say."""

    fields: Mapping[str, str]  # the counters hash
    used: Mapping[str, str]  # user -> redeemed activations
    open_by_user: Mapping[str, str]  # user -> OPEN orders
    open_orders: frozenset[str]  # the open-orders sorted set
    open_order_users: Mapping[str, str]  # each OPEN order (by its state hash) -> its user
    redeemed: Mapping[str, int]  # user -> COMPLETED orders seen (a lower bound of used)


def _whole(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


_COUNTERS = ("count", "perUserCount", "lockedCount")


def promo_discrepancies(promo: PromoSnapshot) -> list[str]:
    counters = {name: _whole(promo.fields.get(name)) for name in _COUNTERS}
    found = [f"{name} is {promo.fields.get(name)!r}" for name, v in counters.items() if v is None]
    if found:
        return found
    count, per_user, locked = (counters[name] or 0 for name in _COUNTERS)
    if not 0 <= locked <= count:
        found.append(f"lockedCount {locked} is outside 0..count ({count})")
    found += _open_discrepancies(promo, locked)
    found += _user_discrepancies(promo, per_user)
    return found


def _open_discrepancies(promo: PromoSnapshot, locked: int) -> list[str]:
    opened = set(promo.open_order_users)
    found = []
    if locked != len(opened):
        found.append(f"lockedCount is {locked} but {len(opened)} of its orders are OPEN")
    for order_id in sorted(promo.open_orders - opened):
        found.append(f"open-orders holds {order_id}, which is not OPEN")
    for order_id in sorted(opened - promo.open_orders):
        found.append(f"OPEN order {order_id} is missing from open-orders")
    by_user = Counter(promo.open_order_users.values())
    for user in sorted(set(by_user) | set(promo.open_by_user)):
        stored = promo.open_by_user.get(user)
        if _whole(stored) != (by_user[user] or None):
            found.append(f"open({user}) is {stored!r} but {by_user[user]} OPEN orders are theirs")
    return found


def _user_discrepancies(promo: PromoSnapshot, per_user: int) -> list[str]:
    found = []
    users = set(promo.used) | set(promo.open_by_user) | set(promo.redeemed)
    for user in sorted(users):
        used, held = _whole(promo.used.get(user, "0")), _whole(promo.open_by_user.get(user, "0"))
        if used is None or held is None:
            continue  # reported above (open) or below (used)
        if used + held > per_user:
            found.append(f"user {user}: used {used} + open {held} > perUserCount {per_user}")
        if used < promo.redeemed.get(user, 0):
            found.append(f"user {user}: used {used} < {promo.redeemed[user]} COMPLETED orders")
    found += [f"used({u}) is {v!r}" for u, v in sorted(promo.used.items()) if _whole(v) is None]
    return found

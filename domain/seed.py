"""Seed 000's MongoDB documents (users, orders, promos) read as ordo's facts.

How a promo document maps (docs/decisions.md, "Importing seed 000 data"): `count` is read as
SPEC §2's count (activations not yet redeemed, reserved included); its nested `orders` are its
OPEN orders, so there must be exactly `lockedCount` of them; `users[].count` is what a user
holds, used and open together, so `used(u) = users[].count - open(u)`. A document that breaks
SPEC §2's invariants is refused whole, with every reason found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import OrdoError
from domain.validation import check_count, check_id


class SeedRefused(ValueError):
    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@dataclass(frozen=True)
class SeedOrder:
    order_id: str
    user_id: str


@dataclass(frozen=True)
class SeedPromo:
    promo_id: str
    count: int
    per_user_count: int
    open_orders: tuple[SeedOrder, ...]
    used: tuple[tuple[str, int], ...]  # (user, redeemed activations), users with none left out
    users: frozenset[str]  # every user the document names


def read_user(doc: object) -> str:
    return _read_id_document(doc)


def read_plain_order(doc: object) -> str:
    """An order of the `orders` collection: made without a promo, nothing more is known."""
    return _read_id_document(doc)


def _read_id_document(doc: object) -> str:
    reasons: list[str] = []
    found = _id(_fields(doc, reasons).get("_id"), "_id", reasons)
    if found is None:
        raise SeedRefused(reasons)
    return found


def read_promo(doc: object) -> SeedPromo:
    reasons: list[str] = []
    fields = _fields(doc, reasons)
    promo_id = _id(fields.get("_id"), "_id", reasons)
    count, per_user, locked = (_count(fields, name, reasons) for name in _COUNTS)
    orders = _orders(fields.get("orders", []), reasons)
    held = _holdings(fields.get("users", []), reasons)
    if reasons or promo_id is None or count is None or per_user is None or locked is None:
        raise SeedRefused(reasons)
    reasons += _rule_breaks(count, per_user, locked, orders, held)
    if reasons:
        raise SeedRefused(reasons)
    open_by_user = Counter(order.user_id for order in orders)
    used = tuple(
        (user, n - open_by_user[user]) for user, n in held.items() if n > open_by_user[user]
    )
    users = frozenset(held) | frozenset(open_by_user)
    return SeedPromo(promo_id, count, per_user, tuple(orders), used, users)


_COUNTS = ("count", "perUserCount", "lockedCount")


def _rule_breaks(
    count: int, per_user: int, locked: int, orders: list[SeedOrder], held: Mapping[str, int]
) -> list[str]:
    """SPEC §2 and createPromo's rules, as this document would set them."""
    reasons = []
    if per_user < 1:
        reasons.append("perUserCount must be at least 1")
    if locked > count:
        reasons.append(f"lockedCount {locked} is more than count {count}")
    if len(orders) != locked:
        reasons.append(
            f"lockedCount is {locked} but {len(orders)} orders are listed"
            " (each listed order is read as an open one)"
        )
    open_by_user = Counter(order.user_id for order in orders)
    for user in sorted(set(open_by_user) | set(held)):
        opened, holds = open_by_user[user], held.get(user, 0)
        if opened > holds:
            reasons.append(f"user {user} has {opened} open orders but users[].count is {holds}")
        elif holds > per_user:
            reasons.append(f"user {user} holds {holds} activations, over perUserCount {per_user}")
    return reasons


def _fields(doc: object, reasons: list[str]) -> Mapping[str, Any]:
    if isinstance(doc, Mapping):
        return doc
    reasons.append("not a JSON object")
    return {}


def _id(value: object, field: str, reasons: list[str]) -> str | None:
    """A valid ordo id; Mongo's whole-number ids are taken as their decimal text."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    try:
        return check_id(text, [field])  # type: ignore[arg-type]  # any type: checked inside
    except OrdoError as error:
        reasons.append(f"{error.message} (got {value!r})")
        return None


def _count(
    fields: Mapping[str, Any], name: str, reasons: list[str], label: str | None = None
) -> int | None:
    value = fields.get(name)
    # The mongo shell stores numbers as doubles: 5.0 is the whole number 5.
    number: Any = int(value) if isinstance(value, float) and value.is_integer() else value
    try:
        return check_count(number, [label or name])
    except OrdoError as error:
        reasons.append(f"{error.message} (got {value!r})")
        return None


def _entries(value: object, name: str, reasons: list[str]) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        reasons.append(f"{name} must be an array")
        return []
    entries = []
    for index, entry in enumerate(value):
        if isinstance(entry, Mapping):
            entries.append(entry)
        else:
            reasons.append(f"{name}[{index}] is not an object")
    return entries


def _orders(value: object, reasons: list[str]) -> list[SeedOrder]:
    orders, seen = [], set()
    for index, entry in enumerate(_entries(value, "orders", reasons)):
        order_id = _id(entry.get("_id"), f"orders[{index}]._id", reasons)
        user_id = _id(entry.get("userId"), f"orders[{index}].userId", reasons)
        if order_id in seen:
            reasons.append(f"order {order_id} is listed twice")
        elif order_id and user_id:
            seen.add(order_id)
            orders.append(SeedOrder(order_id, user_id))
    return orders


def _holdings(value: object, reasons: list[str]) -> dict[str, int]:
    held: dict[str, int] = {}
    for index, entry in enumerate(_entries(value, "users", reasons)):
        user_id = _id(entry.get("_id"), f"users[{index}]._id", reasons)
        count = _count(entry, "count", reasons, f"users[{index}].count")
        if user_id in held:
            reasons.append(f"user {user_id} is listed twice in users")
        elif user_id is not None and count is not None:
            held[user_id] = count
    return held

"""The stream format as the previous versions wrote it, pinned: what every feed entry holds and
which keys each event type's data has, in their order. A reader of the feed (`ordo feed`, a
consumer in another language) parses these names; a change to them is a change of contract
(SPEC §3.3, §10), not a refactoring. tests/fixtures/streams/orders.json holds streams written
before the events had classes of their own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).parent / "fixtures" / "streams" / "orders.json"

# A feed entry's fields, in the order lua/lib/prelude.lua's append_event writes them.
FEED_FIELDS = ("orderId", "entityId", "ownerId", "version", "eventId", "type", "data")
# An order stream entry's.
STREAM_FIELDS = ("type", "data")
_PROMO = ("promoId", "userId")
# Each event type's data keys, in order: the shapes a version may write.
DATA_KEYS: dict[str, set[tuple[str, ...]]] = {
    "ORDER_CREATED": {("entityId", "type"), ("entityId", "type", "ownerId")},
    "PROMO_RESERVED": {_PROMO},
    "PROMO_REDEEMED": {_PROMO},
    "PROMO_RELEASED": {(*_PROMO, "reason")},
    "ITEM_ADDED": {("item",)},
    "ITEM_CANCELLED": {("orderItemId",)},
    "ORDER_UPDATED": {("type",)},
    "ORDER_DECLINED": {()},
    "ORDER_RESTORED": {()},
    "ORDER_COMPLETED": {()},
    "ORDER_CANCELLED": {()},
}
ITEM_KEYS = ("orderItemId", "serviceId", "price", "periodStartDate", "periodEndDate")


def pairs(fields: list[str] | dict[str, str]) -> list[tuple[str, str]]:
    """A stream entry's fields as Redis sent them (flat) or through redis-py (a dict)."""
    if isinstance(fields, dict):
        return list(fields.items())
    return list(zip(fields[::2], fields[1::2], strict=True))


def shape_problems(kind: str, data: str) -> list[str]:
    """How an entry's data departs from its type's pinned keys (none: it does not)."""
    value: dict[str, Any] = json.loads(data)
    keys = tuple(value)
    if keys not in DATA_KEYS[kind]:
        return [f"{kind} data has keys {keys}, pinned: {sorted(DATA_KEYS[kind])}"]
    if kind == "ITEM_ADDED" and tuple(value["item"]) != ITEM_KEYS:
        return [f"ITEM_ADDED item has keys {tuple(value['item'])}, pinned: {ITEM_KEYS}"]
    return []


def recorded() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return loaded

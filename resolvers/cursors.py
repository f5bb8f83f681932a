"""Page cursors of an entity's orders: opaque to clients, checked here on the way back.

A cursor is base64url (no padding) of a compact JSON object, version 1:
`{"v": 1, "e": entity, "d": includeDeclined, "w": [[home tag, sequence], ...], "t": taken at
(Unix seconds, Redis's clock), "n": total, "k": [place, order id]}`. `w`, `t` and `n` are the
snapshot the first page fixed (docs/decisions.md, "Pages of an entity's orders"); `k` is the
position after which the next page starts. Anything else (another version, another entity or
`includeDeclined`, a field out of shape) is INVALID_INPUT naming `after`.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

import orjson

from domain.validation import check_id, invalid

VERSION = 1
MAX_LENGTH = 8192  # characters: a cursor names at most a few homes
FIELD = ("after",)
_PLACE = re.compile(r"\d{4}-\d{2}-\d{2}|~")  # an ISO date, or '~': no active item
_KEYS = frozenset("vedwtnk")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the first page fixed: each home's listing sequence, when, and how many orders."""

    entity_id: str
    include_declined: bool
    watermarks: tuple[tuple[str, int], ...]  # (home tag, sequence)
    taken_at: int
    total: int


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """An order's place in the SPEC's order: earliest active period start ('~': none), id."""

    place: str
    order_id: str


def encode(snapshot: Snapshot, position: Position) -> str:
    payload = {
        "v": VERSION,
        "e": snapshot.entity_id,
        "d": snapshot.include_declined,
        "w": snapshot.watermarks,
        "t": snapshot.taken_at,
        "n": snapshot.total,
        "k": (position.place, position.order_id),
    }
    return base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()


def decode(cursor: str, entity_id: str, include_declined: bool) -> tuple[Snapshot, Position]:
    """The snapshot and position of a cursor this listing gave, else INVALID_INPUT."""
    payload = _payload(cursor)
    if payload["e"] != entity_id or payload["d"] is not include_declined:
        raise invalid(FIELD, "after is a cursor of another listing")
    watermarks = tuple(_watermark(entry, entity_id) for entry in _list(payload["w"]))
    place, order_id = _pair(payload["k"])
    if not (isinstance(place, str) and _PLACE.fullmatch(place)):
        raise _malformed()
    check_id(order_id, list(FIELD))
    taken_at, total = _whole(payload["t"]), _whole(payload["n"])
    snapshot = Snapshot(entity_id, include_declined, watermarks, taken_at, total)
    return snapshot, Position(place, order_id)


def _payload(cursor: str) -> dict[str, Any]:
    if not isinstance(cursor, str) or not 0 < len(cursor) <= MAX_LENGTH:
        raise _malformed()
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise _malformed() from None
    if not isinstance(payload, dict) or set(payload) != _KEYS or payload["v"] != VERSION:
        raise _malformed()
    return payload


def _watermark(entry: Any, entity_id: str) -> tuple[str, int]:
    tag, sequence = _pair(entry)
    if not isinstance(tag, str) or not (tag == f"e:{entity_id}" or tag.startswith("p:")):
        raise _malformed()
    check_id(tag[2:], list(FIELD))
    return tag, _whole(sequence)


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list) or len(value) > 64:
        raise _malformed()
    return value


def _pair(value: Any) -> tuple[Any, Any]:
    if not isinstance(value, list) or len(value) != 2:
        raise _malformed()
    return value[0], value[1]


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _malformed()
    return value


def _malformed() -> Exception:
    return invalid(FIELD, "after is not a cursor this API gave")

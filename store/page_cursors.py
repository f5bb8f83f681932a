"""Page cursors of an entity's orders: sealed (store/sealing.py), checked on the way back.

A cursor seals a compact JSON object, version 1: `{"v": 1, "w": [[home tag, sequence], ...],
"t": taken at (Unix seconds, Redis's clock), "n": total, "k": [place, order id]}`, bound to the
listing (entity, `includeDeclined`). `w`, `t` and `n` are the snapshot the first page fixed
(docs/decisions.md, "Pages of an entity's orders"); `k` is the position after which the next
page starts, an order the caller may not see: only the server reads it. Anything that does not
open (altered, forged, of another listing or key, too long) or is out of shape is
INVALID_CURSOR naming `after`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from domain.errors import ErrorCode, OrdoError
from domain.validation import is_id
from store.sealing import Sealer, binding, json_object, max_text

VERSION = 1
MAX_HOMES = 64
# The most a position adds: a place (a date) and an id of 128 characters. Sealed as if the
# position were always that long, so a cursor's length does not tell an order's id or date.
POSITION_ROOM = 10 + 128
MAX_PAYLOAD = 16 * 1024  # MAX_HOMES homes of the longest tags and sequences fit
MAX_LENGTH = max_text(MAX_PAYLOAD)
FIELD = ("after",)
_PLACE = re.compile(r"\d{4}-\d{2}-\d{2}|~")  # an ISO date, or '~': no active item
_FIELDS = frozenset("vwtnk")


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


def encode(sealer: Sealer, snapshot: Snapshot, position: Position) -> str:
    payload = orjson.dumps(
        {
            "v": VERSION,
            "w": snapshot.watermarks,
            "t": snapshot.taken_at,
            "n": snapshot.total,
            "k": (position.place, position.order_id),
        }
    )
    room = len(payload) - len(position.place) - len(position.order_id) + POSITION_ROOM
    return sealer.seal(_bound_to(snapshot.entity_id, snapshot.include_declined), payload, room)


def decode(
    sealer: Sealer, cursor: object, entity_id: str, include_declined: bool
) -> tuple[Snapshot, Position]:
    """The snapshot and position of a cursor this listing gave, else INVALID_CURSOR."""
    opened = sealer.open(_bound_to(entity_id, include_declined), cursor, MAX_LENGTH)
    payload = json_object(opened, _FIELDS)
    if payload is None or payload["v"] != VERSION:
        raise _malformed()
    watermarks = tuple(_watermark(entry, entity_id) for entry in _list(payload["w"]))
    place, order_id = _pair(payload["k"])
    if not (isinstance(place, str) and _PLACE.fullmatch(place) and is_id(order_id)):
        raise _malformed()
    taken_at, total = _whole(payload["t"]), _whole(payload["n"])
    snapshot = Snapshot(entity_id, include_declined, watermarks, taken_at, total)
    return snapshot, Position(place, order_id)


def _bound_to(entity_id: str, include_declined: bool) -> bytes:
    return binding("entityOrders", entity_id, "declined" if include_declined else "")


def _watermark(entry: Any, entity_id: str) -> tuple[str, int]:
    tag, sequence = _pair(entry)
    if not isinstance(tag, str) or not (tag == f"e:{entity_id}" or tag.startswith("p:")):
        raise _malformed()
    if not is_id(tag[2:]):
        raise _malformed()
    return tag, _whole(sequence)


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list) or len(value) > MAX_HOMES:
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


def _malformed() -> OrdoError:
    return OrdoError(
        ErrorCode.INVALID_CURSOR, "after is not a cursor this listing gave", field=FIELD
    )

"""Cursors of entityOrderEvents: where in the change feed a subscription stands (SPEC §10).

A cursor holds the position reached in each partition it has seen, and the time its
subscription began: a partition it has not seen is read from that time on. Its positions are
those of every entry read, other owners' included, so it is sealed (store/sealing.py: JSON
`{"v", "t", "p"}` bound to the entity) and checked when read back: a cursor that does not open
(altered, forged, of another entity or key, too long) or is out of shape is INVALID_CURSOR
naming `after`; one older than the feed's retention is CURSOR_EXPIRED.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from domain.errors import ErrorCode, OrdoError
from feed.reader import START, STREAM_ID, id_order
from store.keys import PARTITIONS
from store.sealing import Sealer, binding, json_object, max_text

VERSION = 1
FIELD = ("after",)
MAX_PAYLOAD = 32 * 1024  # about a thousand partitions: an entity's homes are a few
MAX_LENGTH = max_text(MAX_PAYLOAD)
_FIELDS = frozenset("vtp")


@dataclass
class FeedCursor:
    entity_id: str
    since: int  # ms: partitions not in `positions` are read from here
    positions: dict[int, str] = field(default_factory=dict)

    def start(self, partition: int) -> str:
        return self.positions.get(partition, f"{max(self.since - 1, 0)}-18446744073709551615")

    def oldest_millis(self) -> int:
        """How far back the cursor reaches. START stands for a partition that was empty when
        seen: what it holds now came after `since`, so it reaches back no further."""
        kept = (id_order(p)[0] for p in self.positions.values() if p != START)
        return min([self.since, *kept])


def encode(sealer: Sealer, cursor: FeedCursor) -> str:
    payload = {"v": VERSION, "t": cursor.since, "p": cursor.positions}
    raw = orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS)
    return sealer.seal(_bound_to(cursor.entity_id), raw)


def decode(
    sealer: Sealer, text: object, entity_id: str, now_millis: int, retention_seconds: float
) -> FeedCursor:
    cursor = _parsed(entity_id, sealer.open(_bound_to(entity_id), text, MAX_LENGTH))
    if cursor.oldest_millis() < now_millis - retention_seconds * 1000:
        raise OrdoError(
            ErrorCode.CURSOR_EXPIRED,
            "after is older than the change feed keeps: read the orders again, then subscribe",
            field=list(FIELD),
        )
    return cursor


def _bound_to(entity_id: str) -> bytes:
    return binding("entityOrderEvents", entity_id)


def _parsed(entity_id: str, opened: bytes | None) -> FeedCursor:
    payload = json_object(opened, _FIELDS)
    if payload is None or payload["v"] != VERSION:
        raise _malformed()
    since, positions = payload["t"], payload["p"]
    if not (_whole(since) and isinstance(positions, dict)):
        raise _malformed()
    parsed: dict[int, str] = {}
    for key, value in positions.items():
        if not (key.isdigit() and int(key) < PARTITIONS and isinstance(value, str)):
            raise _malformed()
        if not STREAM_ID.fullmatch(value):
            raise _malformed()
        parsed[int(key)] = value
    return FeedCursor(entity_id, since, parsed)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _malformed() -> OrdoError:
    return OrdoError(
        ErrorCode.INVALID_CURSOR, "after is not a cursor this subscription gave", field=FIELD
    )

"""Cursors of entityOrderEvents: where in the change feed a subscription stands (SPEC §10).

A cursor holds the position reached in each partition it has seen, and the time its
subscription began: a partition it has not seen is read from that time on. Opaque to clients
(base64url of JSON), checked when read back: a cursor that is not one of these is
INVALID_INPUT naming `after`; one older than the feed's retention is CURSOR_EXPIRED.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

import orjson

from domain.errors import ErrorCode, OrdoError
from domain.validation import invalid
from resolvers.feed import START, STREAM_ID, id_order
from resolvers.keys import PARTITIONS

VERSION = 1
FIELD = ("after",)
MAX_LENGTH = 64 * 1024


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


def encode(cursor: FeedCursor) -> str:
    payload = {"v": VERSION, "e": cursor.entity_id, "t": cursor.since, "p": cursor.positions}
    raw = orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode(text: object, entity_id: str, now_millis: int, retention_seconds: float) -> FeedCursor:
    cursor = _parsed(text)
    if cursor.entity_id != entity_id:
        raise invalid(FIELD, "after is a cursor of another entity")
    if cursor.oldest_millis() < now_millis - retention_seconds * 1000:
        raise OrdoError(
            ErrorCode.CURSOR_EXPIRED,
            "after is older than the change feed keeps: read the orders again, then subscribe",
            field=list(FIELD),
        )
    return cursor


def _parsed(text: object) -> FeedCursor:
    if not isinstance(text, str) or not 0 < len(text) <= MAX_LENGTH:
        raise _malformed()
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if not isinstance(payload, dict) or payload.get("v") != VERSION:
            raise _malformed()
        entity, since, positions = payload["e"], payload["t"], payload["p"]
    except (binascii.Error, ValueError, KeyError, orjson.JSONDecodeError):
        raise _malformed() from None
    if not (isinstance(entity, str) and _whole(since) and isinstance(positions, dict)):
        raise _malformed()
    parsed: dict[int, str] = {}
    for key, value in positions.items():
        if not (key.isdigit() and int(key) < PARTITIONS and isinstance(value, str)):
            raise _malformed()
        if not STREAM_ID.fullmatch(value):
            raise _malformed()
        parsed[int(key)] = value
    return FeedCursor(entity, since, parsed)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _malformed() -> OrdoError:
    return invalid(FIELD, "after is not a cursor this subscription gave")

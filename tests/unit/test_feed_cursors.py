"""entityOrderEvents cursors (SPEC §10): what comes back is what was given; a cursor of
another entity or not made here is INVALID_CURSOR naming `after`; one that reaches back past
the retention is CURSOR_EXPIRED, and a partition seen empty (START) does not make it reach back
further."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode, OrdoError
from feed.cursors import FeedCursor, encode
from feed.cursors import decode as decode_with
from feed.reader import START
from store.sealing import Sealer

DAY = 86_400.0
NOW = 1_800_000_000_000  # ms
SEALER = Sealer(["a test secret of at least 32 bytes!"])


def _cursor(since: int, **positions: str) -> str:
    positions_of = {int(p[1:]): i for p, i in positions.items()}
    return encode(SEALER, FeedCursor("e1", since, positions_of))


def decode(text: str, entity_id: str, now: int, retention: float) -> FeedCursor:
    return decode_with(SEALER, text, entity_id, now, retention)


def test_a_cursor_comes_back_as_it_was_given() -> None:
    given = FeedCursor("e1", NOW - 5, {7: f"{NOW - 3}-2", 9: START})
    assert decode(encode(SEALER, given), "e1", NOW, DAY) == given


def test_a_partition_seen_empty_does_not_expire_a_recent_cursor() -> None:
    assert decode(_cursor(NOW - 1000, p3=START), "e1", NOW, DAY).positions == {3: START}


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor(NOW - int(DAY * 1000) - 1),  # began before the retention
        _cursor(NOW - 1000, p3=f"{NOW - int(DAY * 1000) - 1}-0"),  # a position before it
    ],
)
def test_a_cursor_past_the_retention_is_expired(cursor: str) -> None:
    with pytest.raises(OrdoError) as raised:
        decode(cursor, "e1", NOW, DAY)
    assert raised.value.code is ErrorCode.CURSOR_EXPIRED


@pytest.mark.parametrize("cursor", ["", "not base64 json", _cursor(NOW, p99999="1-0")])
def test_what_is_not_a_cursor_names_after(cursor: str) -> None:
    with pytest.raises(OrdoError) as raised:
        decode(cursor, "e1", NOW, DAY)
    assert (raised.value.code, raised.value.field) == (ErrorCode.INVALID_CURSOR, ("after",))


def test_a_cursor_of_another_entity_is_an_invalid_cursor() -> None:
    with pytest.raises(OrdoError) as raised:
        decode(_cursor(NOW), "e2", NOW, DAY)
    assert (raised.value.code, raised.value.field) == (ErrorCode.INVALID_CURSOR, ("after",))

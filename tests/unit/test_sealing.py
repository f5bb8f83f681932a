"""Sealed cursors (store/sealing.py, cursors.py, cursor_keys.py; SPEC §5.2): a cursor opens
only unchanged, with a configured key, for what it was bound to; it shows nothing of its content,
not even by its length; and its size is checked before any work."""

from __future__ import annotations

import base64
from typing import cast

import pytest

from domain.errors import ErrorCode, OrdoError
from feed import cursors as feed_cursors
from feed.cursors import FeedCursor
from ordo.settings import load_settings
from store import Store, sealing
from store import page_cursors as cursors
from store.cursor_keys import CursorKeys
from store.page_cursors import Position, Snapshot
from store.sealing import Sealer, binding

NEW, OLD, OTHER = "n" * 32 + "-new", "o" * 32 + "-old", "x" * 32 + "-other"
BOUND = binding("entityOrders", "e1", "")
PAYLOAD = b'{"v":1,"k":["2031-07-13","order-of-someone-else"]}'
SNAPSHOT = Snapshot("e1", False, (("e:e1", 7), ("p:spring", 3)), 1_800_000_000, 12)


def _raw(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_sealed_payload_opens_as_it_was_for_what_it_was_bound_to_only() -> None:
    sealed = Sealer([NEW]).seal(BOUND, PAYLOAD)
    assert Sealer([NEW]).open(BOUND, sealed, 10_000) == PAYLOAD.ljust(256)
    assert Sealer([NEW]).open(binding("entityOrders", "e2", ""), sealed, 10_000) is None
    assert Sealer([NEW]).open(binding("entityOrders", "e1", "declined"), sealed, 10_000) is None
    assert Sealer([NEW]).open(binding("entityOrderEvents", "e1"), sealed, 10_000) is None


def test_a_sealed_cursor_shows_nothing_of_its_payload_and_is_new_each_time() -> None:
    sealer = Sealer([NEW])
    made = [sealer.seal(BOUND, PAYLOAD) for _ in range(50)]
    assert len(set(made)) == 50
    for text in made:
        assert b"order-of-someone-else" not in _raw(text) and b"2031" not in _raw(text)
        assert "order-of-someone-else" not in text


def test_every_flipped_bit_is_refused() -> None:
    sealer = Sealer([NEW])
    raw = _raw(sealer.seal(BOUND, PAYLOAD))
    for bit in range(len(raw) * 8):
        flipped = bytearray(raw)
        flipped[bit // 8] ^= 1 << (bit % 8)
        assert sealer.open(BOUND, _text(bytes(flipped)), 10_000) is None, bit


def test_every_truncation_and_every_changed_character_is_refused() -> None:
    sealer = Sealer([NEW])
    text = sealer.seal(BOUND, PAYLOAD)
    for end in range(len(text)):
        assert sealer.open(BOUND, text[:end], 10_000) is None
    for at in range(len(text)):
        for other in "A_-+/=.":
            if other != text[at]:
                changed = text[:at] + other + text[at + 1 :]
                assert sealer.open(BOUND, changed, 10_000) is None, (at, other)
    assert sealer.open(BOUND, text + "A", 10_000) is None


def test_another_key_is_refused_and_a_rotated_key_still_opens() -> None:
    old_cursor = Sealer([OLD]).seal(BOUND, PAYLOAD)
    rotated = Sealer([NEW, OLD])
    assert rotated.open(BOUND, old_cursor, 10_000) == PAYLOAD.ljust(256)
    assert Sealer([NEW]).open(BOUND, old_cursor, 10_000) is None
    assert Sealer([OTHER, NEW]).open(BOUND, old_cursor, 10_000) is None
    # The first key seals: a cursor of the rotated sealer opens with the new key alone.
    assert Sealer([NEW]).open(BOUND, rotated.seal(BOUND, PAYLOAD), 10_000) is not None


def test_a_stored_secret_that_changed_leads_and_the_last_ones_still_open() -> None:
    first = Sealer([OLD])
    cursor = first.seal(BOUND, PAYLOAD)
    led = first.led_by(NEW, kept=4)
    assert led.secrets == (NEW, OLD) and led.open(BOUND, cursor, 10_000) is not None
    assert led.led_by(NEW, kept=4) is led
    assert first.led_by(NEW, kept=1).open(BOUND, cursor, 10_000) is None


def test_text_over_the_bound_is_refused_before_it_is_decoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sealer = Sealer([NEW])
    text = sealer.seal(BOUND, PAYLOAD)

    def decoded(text: str) -> bytes:
        raise AssertionError("decoded a text over the bound")

    monkeypatch.setattr(sealing, "_bytes", decoded)
    assert sealer.open(BOUND, text, len(text) - 1) is None
    assert sealer.open(BOUND, "A" * 1_000_000, cursors.MAX_LENGTH) is None
    assert sealer.open(BOUND, "", cursors.MAX_LENGTH) is None
    assert sealer.open(BOUND, 12, cursors.MAX_LENGTH) is None


def test_a_page_cursor_is_as_long_whatever_order_it_points_at() -> None:
    sealer = Sealer([NEW])
    positions = [
        Position("2026-01-01", "someone-elses-order"),
        Position("~", "b" * 128),
        Position("2031-07-13", "x"),
    ]
    made = [cursors.encode(sealer, SNAPSHOT, position) for position in positions]
    assert len({len(text) for text in made}) == 1
    for text, position in zip(made, positions, strict=True):
        assert cursors.decode(sealer, text, "e1", False) == (SNAPSHOT, position)
        assert b"someone-elses" not in _raw(text) and b"2031-07-13" not in _raw(text)
        assert b"spring" not in _raw(text)


def test_the_longest_page_cursor_fits_the_bound() -> None:
    homes = tuple((f"p:{n:0>128}", 2**63) for n in range(cursors.MAX_HOMES - 1))
    widest = Snapshot("e" * 128, True, (("e:" + "e" * 128, 2**63), *homes), 2**40, 2**40)
    text = cursors.encode(Sealer([NEW]), widest, Position("2026-01-01", "o" * 128))
    assert len(text) <= cursors.MAX_LENGTH
    assert cursors.decode(Sealer([NEW]), text, "e" * 128, True)[0] == widest


@pytest.mark.parametrize(
    ("entity_id", "include_declined"), [("e2", False), ("e1", True)], ids=["entity", "filter"]
)
def test_a_page_cursor_of_another_listing_is_an_invalid_cursor(
    entity_id: str, include_declined: bool
) -> None:
    text = cursors.encode(Sealer([NEW]), SNAPSHOT, Position("2026-01-01", "a"))
    with pytest.raises(OrdoError) as refused:
        cursors.decode(Sealer([NEW]), text, entity_id, include_declined)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_CURSOR, ("after",))


def test_a_feed_cursor_is_no_page_cursor_and_a_page_cursor_no_feed_cursor() -> None:
    sealer = Sealer([NEW])
    feed = feed_cursors.encode(sealer, FeedCursor("e1", 1_800_000_000_000, {3: "1-0"}))
    page = cursors.encode(sealer, SNAPSHOT, Position("2026-01-01", "a"))
    with pytest.raises(OrdoError) as refused:
        cursors.decode(sealer, feed, "e1", False)
    assert refused.value.code is ErrorCode.INVALID_CURSOR
    with pytest.raises(OrdoError) as refused:
        feed_cursors.decode(sealer, page, "e1", 1_800_000_000_000, 86_400)
    assert refused.value.code is ErrorCode.INVALID_CURSOR


def test_cursor_keys_come_from_a_comma_separated_setting_of_long_secrets() -> None:
    assert load_settings({"ORDO_CURSOR_KEY": f"{NEW}, {OLD}"}).cursor_keys == (NEW, OLD)
    assert load_settings({}).cursor_keys == ()
    with pytest.raises(ValueError, match="ORDO_CURSOR_KEY"):
        load_settings({"ORDO_CURSOR_KEY": f"{NEW},short"})


async def test_configured_keys_never_ask_the_store() -> None:
    no_store = cast(Store, object())  # any call on it would fail
    assert (await CursorKeys([NEW, OLD]).sealer(no_store)).secrets == (NEW, OLD)

"""Orders written before the events had classes of their own still read: their streams fold
to the orders that version folded, each event shows the data it was written with, and their
feed entries read as the same events (tests/fixtures/streams/orders.json, recorded from the
scripts and resolvers of aeea625 on the embedded store). No Redis."""

from __future__ import annotations

import json
from typing import Any

import pytest

from domain.events import CLASSES, EventType
from domain.fold import fold
from feed.reader import entry_of
from ordo.commands.present import order_json
from store.replies import events_from_entries
from tests.stream_format import FEED_FIELDS, STREAM_FIELDS, pairs, recorded, shape_problems

RECORDED = recorded()
ORDERS: list[dict[str, Any]] = RECORDED["orders"]
FEED: list[list[Any]] = RECORDED["feed"]


def _types(entries: list[list[Any]]) -> set[str]:
    return {dict(pairs(fields))["type"] for _, fields in entries}


def test_the_old_streams_hold_every_event_type() -> None:
    every = {kind.value for kind in EventType}
    assert set().union(*(_types(order["entries"]) for order in ORDERS)) == every
    assert _types(FEED) == every


@pytest.mark.parametrize("old", ORDERS, ids=[order["orderId"] for order in ORDERS])
def test_an_old_stream_folds_to_the_order_its_version_folded(old: dict[str, Any]) -> None:
    order = fold(old["orderId"], events_from_entries(old["orderId"], old["entries"]))
    assert order is not None
    assert order_json(order) == old["order"]


def test_each_old_event_shows_the_data_it_was_written_with_in_its_key_order() -> None:
    for old in ORDERS:
        events = events_from_entries(old["orderId"], old["entries"])
        for event, (entry_id, fields) in zip(events, old["entries"], strict=True):
            written = json.loads(dict(pairs(fields))["data"])
            assert event.id == entry_id
            assert json.dumps(event.data) == json.dumps(written), (event.type, written)


def test_each_old_event_made_again_from_its_fields_writes_the_same_data() -> None:
    """Each class's own data (what `payload` gives the scripts to append) is what the previous
    version wrote, key order included."""
    for old in ORDERS:
        for event in events_from_entries(old["orderId"], old["entries"]):
            assert json.dumps(event.to_data()) == json.dumps(event.data), event.type


def test_every_event_type_has_its_class() -> None:
    assert set(CLASSES) == set(EventType)
    assert all(cls.type is kind for kind, cls in CLASSES.items())


def test_old_entries_have_the_pinned_fields_and_data_keys() -> None:
    for old in ORDERS:
        for _, fields in old["entries"]:
            assert tuple(name for name, _ in pairs(fields)) == STREAM_FIELDS
            kind, data = dict(pairs(fields))["type"], dict(pairs(fields))["data"]
            assert shape_problems(kind, data) == []
    for _, fields in FEED:
        assert tuple(name for name, _ in pairs(fields)) == FEED_FIELDS
        values = dict(pairs(fields))
        assert shape_problems(values["type"], values["data"]) == []


def test_an_old_feed_entry_reads_as_the_event_of_its_order_stream() -> None:
    streams = {
        old["orderId"]: events_from_entries(old["orderId"], old["entries"]) for old in ORDERS
    }
    for feed_id, fields in FEED:
        entry = entry_of(0, feed_id, fields)
        assert streams[entry.order_id][entry.version - 1] == entry.event

"""The one place that reads a script's reply: the envelope, its outcomes, and the domain
objects or OrdoError it carries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import orjson

from domain.errors import ErrorCode, OrdoError
from domain.events import Event, EventType
from domain.fold import fold
from domain.order import Order
from domain.promo import Promo
from metrics.counters import observe_new_events


class Outcome(StrEnum):
    """What a script answers first, in the one envelope `{outcome, payload...}` that every
    script builds with lua/lib/prelude.lua's `reply` (the payload depends on the script)."""

    OK = "ok"  # done; an order script's payload: the order's entries, how many it appended
    REFUSED = "refused"  # an error code and the field it names ('' for none)
    ABSENT = "absent"  # decline_order, list_order: no such order (here, of that entity);
    # read_document: no such document
    SKIPPED = "skipped"  # expire_order: not OPEN, or not stale any more
    FENCED = "fenced"  # fence_order_home: fenced now; create_order_with_items: fenced since
    PRESENT = "present"  # fence_order_home: the order lives there, the claim must stay
    CLAIMED = "claimed"  # claim_idempotency_key: bound now (payload: the order id)
    EXISTING = "existing"  # claim_idempotency_key: bound earlier, same input (the order id)
    STALE = "stale"  # index_order: a newer claim's entry is there, kept
    KEPT = "kept"  # unindex_order: written again since, kept; list_order: listed already
    DROPPED = "dropped"  # unindex_order: dropped


_OUTCOMES = {outcome.value: outcome for outcome in Outcome}
Raw = list[Any]  # a script's reply as Redis sent it: [outcome, *payload]


@dataclass(frozen=True, slots=True)
class Reply:
    outcome: Outcome
    payload: list[Any]


def reply_of(raw: Raw, path: Sequence[str] = ()) -> Reply:
    """A script's reply as Redis sent it, read in the envelope; a refusal is raised as an
    OrdoError naming its field under `path`."""
    outcome = _outcome(raw)
    if outcome is Outcome.REFUSED:
        raise _refusal(raw, path)
    return Reply(outcome, raw[1:])


def is_refusal(raw: Any) -> bool:
    """For a caller that only counts failures (bench/replay.py)."""
    return isinstance(raw, list) and bool(raw) and raw[0] == Outcome.REFUSED


def _outcome(raw: Any) -> Outcome:
    outcome = _OUTCOMES.get(raw[0]) if isinstance(raw, list) and raw else None
    if outcome is None:
        raise RuntimeError(f"a script answered outside the envelope: {raw!r}")
    return outcome


def _refusal(raw: Raw, path: Sequence[str]) -> OrdoError:
    # A script names a nested field with dots: "addItems.2" is ["addItems", "2"].
    _, code, field = raw
    return OrdoError(ErrorCode[code], field=[*path, *field.split(".")] if field else None)


def events_from_entries(order_id: str, entries: list[Any], first: int = 1) -> list[Event]:
    """The order's events from its stream's entries, the first being its `first` event."""
    return [
        _event(order_id, version, entry_id, fields)
        for version, (entry_id, fields) in enumerate(entries, first)
    ]


_EVENT_TYPES = {kind.value: kind for kind in EventType}
_WRITTEN = ["type", "data"]  # the field names of a stream entry, in the order XADD gets them


Fields = list[str] | dict[str, str]  # a stream entry's, raw or through redis-py's callback


def _event(order_id: str, version: int, entry_id: str, fields: Fields) -> Event:
    """One stream entry. Every reply of every script goes through here, so it is kept lean:
    orjson for the data our scripts wrote with cjson, the event type by a dict lookup."""
    kind, data = _type_and_data(fields)
    return event_of(order_id, version, entry_id, kind, data)


def event_of(order_id: str, version: int, entry_id: str, kind: str, data: str) -> Event:
    """The order's `version`th event from its stream id, type and data as the scripts wrote
    them (the order's stream, or a change feed entry carrying the same)."""
    millis = int(entry_id.partition("-")[0])
    at = datetime.fromtimestamp(millis / 1000, UTC)
    # Positional: keywords make a frozen dataclass slower to build, and this runs for every
    # event read (docs/performance.md).
    return Event(entry_id, order_id, version, _event_type(kind), at, orjson.loads(data))


def _type_and_data(fields: Fields) -> tuple[str, str]:
    if isinstance(fields, list) and fields[0:3:2] == _WRITTEN:  # as every script writes them
        return fields[1], fields[3]
    pairs = fields if isinstance(fields, dict) else zip(fields[::2], fields[1::2], strict=True)
    values = dict(pairs)
    return values["type"], values["data"]


def _event_type(kind: str) -> EventType:
    return _EVENT_TYPES.get(kind) or EventType(kind)


def order_from_entries(order_id: str, entries: list[Any]) -> Order | None:
    return fold(order_id, events_from_entries(order_id, entries))


def order_from_reply(order_id: str, raw: Raw, path: Sequence[str] = ()) -> Order:
    """The order an order script answered ('ok', entries, appended); its new events are
    counted. Read from the raw reply, without a Reply: this is every request's path."""
    order = order_from_entries(order_id, _new_events_counted(order_id, raw, path))
    assert order is not None  # _new_events_counted refuses an answer without events
    return order


def order_id_from_reply(order_id: str, raw: Raw, path: Sequence[str] = ()) -> str:
    """The same check and count as order_from_reply, for a caller that wants only the id
    (REST's create): the events are not parsed nor folded, work that request does not need."""
    _new_events_counted(order_id, raw, path)
    return order_id


def order_unless(
    outcome: Outcome, order_id: str, raw: Raw, path: Sequence[str] = ()
) -> Order | None:
    """None when the script answered `outcome` (decline_order's ABSENT, expire_order's
    SKIPPED, create_order_with_items' FENCED), else the order as order_from_reply reads it."""
    if raw[0] == outcome:
        return None
    return order_from_reply(order_id, raw, path)


def _new_events_counted(order_id: str, raw: Raw, path: Sequence[str]) -> list[Any]:
    if raw[0] != Outcome.OK:
        raise _refusal(raw, path) if _outcome(raw) is Outcome.REFUSED else _unexpected(raw)
    entries: list[Any] = raw[1]
    if not entries:  # a script answers "ok" only for an order that exists
        raise RuntimeError(f"script answered ok for order {order_id} without events")
    new = entries[len(entries) - int(raw[2]) :]
    observe_new_events(_type_and_data(fields)[0] for _, fields in new)
    return entries


def _unexpected(raw: Raw) -> RuntimeError:
    return RuntimeError(f"an order script answered {raw[0]!r}, not an order")


def promo_from_reply(promo_id: str, raw: Raw, path: Sequence[str] = ()) -> Promo:
    """The promo a promo script answered ('ok', its counters hash)."""
    (fields,) = reply_of(raw, path).payload
    return promo_from_fields(promo_id, fields)


def micros_to_datetime(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(int(value) / 1_000_000, UTC) if value else None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def datetime_to_micros(value: datetime) -> int:
    return (value - _EPOCH) // timedelta(microseconds=1)


def promo_from_fields(promo_id: str, fields: list[str] | dict[str, str]) -> Promo:
    values = (
        fields if isinstance(fields, dict) else dict(zip(fields[::2], fields[1::2], strict=True))
    )
    return Promo(
        promo_id=promo_id,
        count=int(values["count"]),
        per_user_count=int(values["perUserCount"]),
        locked_count=int(values["lockedCount"]),
        starts_at=micros_to_datetime(values.get("startsAt")),
        ends_at=micros_to_datetime(values.get("endsAt")),
    )

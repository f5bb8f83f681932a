"""The one place that turns a script's reply into domain objects or an OrdoError."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from domain.errors import ErrorCode, OrdoError
from domain.events import Event, EventType
from domain.fold import fold
from domain.order import Order
from domain.promo import Promo
from resolvers.metrics import observe_new_events

Reply = list[Any]


def checked(reply: Reply, path: Sequence[str] = ()) -> Reply:
    """The reply of a script that succeeded; a refusal becomes an OrdoError naming its field."""
    if reply[0] == "err":
        # A script names a nested field with dots: "addItems.2" is ["addItems", "2"].
        field = [*path, *reply[2].split(".")] if len(reply) > 2 and reply[2] else None
        raise OrdoError(ErrorCode[reply[1]], field=field)
    return reply


def events_from_entries(entries: list[Any]) -> list[Event]:
    return [_event(entry_id, fields) for entry_id, fields in entries]


_EVENT_TYPES = {kind.value: kind for kind in EventType}
_WRITTEN = ["type", "data"]  # the field names of a stream entry, in the order XADD gets them


Fields = list[str] | dict[str, str]  # a stream entry's, raw or through redis-py's callback


def _event(entry_id: str, fields: Fields) -> Event:
    """One stream entry. Every reply of every script goes through here, so it is kept lean:
    orjson for the data our scripts wrote with cjson, the event type by a dict lookup."""
    kind, data = _type_and_data(fields)
    millis = int(entry_id.partition("-")[0])
    return Event(
        id=entry_id,
        type=_event_type(kind),
        at=datetime.fromtimestamp(millis / 1000, UTC),
        data=orjson.loads(data),
    )


def _type_and_data(fields: Fields) -> tuple[str, str]:
    if isinstance(fields, list) and fields[0:3:2] == _WRITTEN:  # as every script writes them
        return fields[1], fields[3]
    pairs = fields if isinstance(fields, dict) else zip(fields[::2], fields[1::2], strict=True)
    values = dict(pairs)
    return values["type"], values["data"]


def _event_type(kind: str) -> EventType:
    return _EVENT_TYPES.get(kind) or EventType(kind)


def order_from_entries(order_id: str, entries: list[Any]) -> Order | None:
    return fold(order_id, events_from_entries(entries))


def order_from_reply(order_id: str, reply: Reply, path: Sequence[str] = ()) -> Order:
    """The order a script answered ({'ok', events, appended}); its new events are counted."""
    order = order_from_entries(order_id, _new_events_counted(order_id, reply, path))
    assert order is not None  # _new_events_counted refuses an answer without events
    return order


def order_id_from_reply(order_id: str, reply: Reply, path: Sequence[str] = ()) -> str:
    """The same check and count as order_from_reply, for a caller that wants only the id
    (REST's create): the events are not parsed nor folded (a tenth of that request's CPU)."""
    _new_events_counted(order_id, reply, path)
    return order_id


def _new_events_counted(order_id: str, reply: Reply, path: Sequence[str]) -> list[Any]:
    entries: list[Any] = checked(reply, path)[1]
    if not entries:  # a script answers "ok" only for an order that exists
        raise RuntimeError(f"script answered ok for order {order_id} without events")
    appended = int(reply[2])
    new = entries[len(entries) - appended :]
    observe_new_events(_event_type(_type_and_data(fields)[0]) for _, fields in new)
    return entries


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

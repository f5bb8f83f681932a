"""ordo/rpc/messages.py's answers, against what protobuf's own helpers would make."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from google.protobuf import timestamp_pb2

from domain.events import EventType, read_event
from domain.fold import fold
from domain.order import Order
from ordo.rpc import messages
from ordo.rpc.messages import _instant
from ordo.v1 import order_pb2 as pb


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 12, 7, 23, 1, 2, 345678, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # before the epoch
        datetime(2026, 1, 1, 5, 0, 0, 1, tzinfo=timezone(timedelta(hours=5))),
        datetime(2026, 3, 4, 5, 6, 7, 8),  # naive: UTC, as FromDatetime reads it
    ],
)
def test_an_instant_is_the_timestamp_from_datetime_makes(value: datetime) -> None:
    expected = timestamp_pb2.Timestamp()
    expected.FromDatetime(value)
    assert _instant(value) == expected


def _reference(order: Order, events: bool) -> pb.Order:
    """The answer as the message constructors build it, field by field (what order_message
    made before it set nested fields in place)."""

    def stamp(value: datetime) -> timestamp_pb2.Timestamp:
        made = timestamp_pb2.Timestamp()
        made.FromDatetime(value)
        return made

    message = pb.Order(
        order_id=order.order_id,
        status=pb.OrderStatus.Value(f"ORDER_STATUS_{order.status.value}"),
        items=[messages._item(item) for item in order.items],
        cancelled_items=[messages._item(item) for item in order.cancelled_items],
        total=str(order.total),
        created_at=stamp(order.created_at),
        updated_at=stamp(order.updated_at),
        version=order.version,
    )
    if order.entity_id is not None:
        message.entity_id = order.entity_id
    if order.type is not None:
        message.type.CopyFrom(messages._type(order.type))
    if order.promo is not None:
        message.promo.promo_id = order.promo.promo_id
        message.promo.user_id = order.promo.user_id
    if order.owner_id is not None:
        message.owner_id = order.owner_id
    if events:
        message.events.extend(messages.event_message(event) for event in order.events)
    return message


def _item(n: str, end: str | None) -> dict[str, Any]:
    return {"orderItemId": n, "serviceId": f"s-{n}", "price": "100.50",
            "periodStartDate": "2026-02-01", "periodEndDate": end}  # fmt: skip


CREATED = {"entityId": None, "type": None}
RENT = {"rentPayment": {"paymentDate": "2026-03-01", "term": "FULL"}}
FULL = [
    (EventType.ORDER_CREATED, {"entityId": "e1", "ownerId": "c1", "type": RENT}),
    (EventType.ITEM_ADDED, {"item": _item("a", "2026-02-28")}),
    (EventType.ITEM_ADDED, {"item": _item("b", None)}),
    (EventType.PROMO_RESERVED, {"promoId": "p1", "userId": "u1"}),
    (EventType.ITEM_CANCELLED, {"orderItemId": "a"}),
]


@pytest.mark.parametrize(
    "history",
    [[(EventType.ORDER_CREATED, CREATED)],
     [(EventType.ORDER_CREATED, CREATED), (EventType.PROMO_RESERVED,
                                           {"promoId": "p1", "userId": "u1"})],
     FULL],
    ids=["plain", "promo", "entity-items-type-owner-cancelled"],
)  # fmt: skip
@pytest.mark.parametrize("events", [False, True])
def test_an_order_message_is_the_one_built_field_by_field(
    history: list[tuple[EventType, dict[str, Any]]], events: bool
) -> None:
    at = datetime(2026, 12, 7, 23, 0, 0, 123456, tzinfo=UTC)
    order = fold("o1", [
        read_event(kind.value, f"{n + 1}-0", "o1", n + 1, at + timedelta(seconds=n), data)
        for n, (kind, data) in enumerate(history)
    ])  # fmt: skip
    assert order is not None
    assert messages.order_message(order, events) == _reference(order, events)

"""ordo.v1's messages and the domain's objects, each way: what a request asks for as the raw
inputs the operations check (domain/commands.py), and an order as the proto sends it.

Nothing is checked here: a request's values go to the operations as given, so every rule is
the operations' own (an unset date is None, a date such as 2026-02-30 its ISO form, which the
operations refuse with its field's name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from google.protobuf import struct_pb2, timestamp_pb2
from google.type import date_pb2

from domain.events import Event, EventType
from domain.order import Order, OrderItem, OrderStatus, OrderType, RentPayment, RentTerm
from ordo.v1 import order_pb2 as pb
from ordo.v1 import order_service_pb2 as api

# The proto's enums are the domain's, prefixed (buf's ENUM_VALUE_PREFIX rule).
_STATUS = {s: pb.OrderStatus.Value(f"ORDER_STATUS_{s.value}") for s in OrderStatus}
_EVENT = {t: pb.OrderEventType.Value(f"ORDER_EVENT_TYPE_{t.value}") for t in EventType}
_TERM = {t: pb.RentTerm.Value(f"RENT_TERM_{t.value}") for t in RentTerm}
_TERM_NAME = {number: term.value for term, number in _TERM.items()}


# Requests, as the operations read them (domain/commands.py's protocols).


@dataclass(frozen=True, slots=True)
class Item:
    order_item_id: str
    service_id: str
    price: str
    period_start_date: str | None
    period_end_date: str | None


@dataclass(frozen=True, slots=True)
class Rent:
    payment_date: str | None
    term: str


@dataclass(frozen=True, slots=True)
class Deposit:
    refund_date: str | None


@dataclass(frozen=True, slots=True)
class Type:
    rent_payment: Rent | None
    security_deposit: Deposit | None


@dataclass(frozen=True, slots=True)
class Promo:
    promo_id: str
    user_id: str | None


def day(message: Any, name: str) -> str | None:
    """A google.type.Date field as ISO 8601 ("2026-12-01"); None when unset."""
    if not message.HasField(name):
        return None
    value = getattr(message, name)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def item_of(message: api.OrderItemInput) -> Item:
    return Item(
        message.order_item_id,
        message.service_id,
        message.price,
        day(message, "period_start_date"),
        day(message, "period_end_date"),
    )


def items_of(messages: Sequence[api.OrderItemInput]) -> list[Item]:
    return [item_of(message) for message in messages]


def type_of(message: pb.OrderType) -> Type:
    """Both kinds unset, or an unknown term, reach the operations as such: they refuse it."""
    kind = message.WhichOneof("kind")
    if kind == "rent_payment":
        rent = message.rent_payment
        term = _TERM_NAME.get(rent.term, "UNSPECIFIED")  # not a RentTerm: refused
        return Type(Rent(day(rent, "payment_date"), term), None)
    if kind == "security_deposit":
        return Type(None, Deposit(day(message.security_deposit, "refund_date")))
    return Type(None, None)


def promo_of(message: api.PromoInput) -> Promo:
    return Promo(message.promo_id, message.user_id if message.HasField("user_id") else None)


def optional(message: Any, name: str) -> Any:
    """A proto3 `optional` field's value, None when unset."""
    return getattr(message, name) if message.HasField(name) else None


# Answers.


def _date(value: date) -> date_pb2.Date:
    return date_pb2.Date(year=value.year, month=value.month, day=value.day)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stamp(stamp: timestamp_pb2.Timestamp, value: datetime) -> None:
    """Set as Timestamp.FromDatetime would (a naive value is UTC), without its pure-Python
    path: every answer holds two (docs/performance.md)."""
    since = value - (_EPOCH if value.tzinfo else _EPOCH.replace(tzinfo=None))
    stamp.seconds = since.days * 86400 + since.seconds
    stamp.nanos = since.microseconds * 1000


def _instant(value: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    _stamp(stamp, value)
    return stamp


def _item(item: OrderItem) -> pb.OrderItem:
    message = pb.OrderItem(
        order_item_id=item.order_item_id,
        service_id=item.service_id,
        price=item.price,
        period_start_date=_date(item.period_start_date),
    )
    if item.period_end_date is not None:
        message.period_end_date.CopyFrom(_date(item.period_end_date))
    return message


def _type(order_type: OrderType) -> pb.OrderType:
    if isinstance(order_type, RentPayment):
        rent = pb.RentPayment(payment_date=_date(order_type.payment_date))
        rent.term = _TERM[order_type.term]
        return pb.OrderType(rent_payment=rent)
    deposit = pb.SecurityDeposit()
    if order_type.refund_date is not None:
        deposit.refund_date.CopyFrom(_date(order_type.refund_date))
    return pb.OrderType(security_deposit=deposit)


def order_message(order: Order, events: bool = False) -> pb.Order:
    """Nested fields are set in place, not built as messages and copied in: this is every
    unary call's path (docs/performance.md)."""
    message = pb.Order(
        order_id=order.order_id,
        status=_STATUS[order.status],
        total=_money(order),
        version=order.version,
    )
    if order.items:
        message.items.extend(_item(item) for item in order.items)
    if order.cancelled_items:
        message.cancelled_items.extend(_item(item) for item in order.cancelled_items)
    _stamp(message.created_at, order.created_at)
    _stamp(message.updated_at, order.updated_at)
    if order.entity_id is not None:
        message.entity_id = order.entity_id
    if order.type is not None:
        message.type.CopyFrom(_type(order.type))
    if order.promo is not None:
        message.promo.promo_id = order.promo.promo_id
        message.promo.user_id = order.promo.user_id
    if order.owner_id is not None:
        message.owner_id = order.owner_id
    if events:
        message.events.extend(event_message(event) for event in order.events)
    return message


def _money(order: Order) -> str:
    """The total as GraphQL's Decimal sends it: the exact sum, as a string."""
    return str(order.total)


def event_message(event: Event) -> pb.OrderEvent:
    data = struct_pb2.Struct()
    data.update(event.data)
    return pb.OrderEvent(
        id=event.id,
        order_id=event.order_id,
        version=event.version,
        type=_EVENT[event.type],
        at=_instant(event.at),
        data=data,
    )

"""Order events: past-tense facts appended to an order's stream (SPEC §3.3), one class each,
with its own fields (cosmicpython's domain/events.py; eventsourcing's aggregate events).

A stream entry holds a type and a JSON `data`. Each class reads its fields from that data
(`read`; `read_event` picks the class) and names the data its fields make (`to_data`; its
`payload` where Python builds what a script appends, in the resolvers). The fields are what the
domain reads (the fold); `data`, kept as read, is what is shown (GraphQL's OrderEvent.data,
`ordo feed`). Streams are never rewritten: a class may learn a field, never lose or rename one
written (tests/unit/test_old_streams.py folds streams written before these classes;
tests/stream_format.py pins each type's keys).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from domain.codec import item_from_json, item_to_json, type_from_json, type_to_json
from domain.order import OrderItem, OrderType

Data = dict[str, Any]  # an entry's data, as JSON


class EventType(enum.Enum):
    ORDER_CREATED = "ORDER_CREATED"
    PROMO_RESERVED = "PROMO_RESERVED"
    ITEM_ADDED = "ITEM_ADDED"
    ORDER_UPDATED = "ORDER_UPDATED"
    ITEM_CANCELLED = "ITEM_CANCELLED"
    ORDER_DECLINED = "ORDER_DECLINED"
    ORDER_RESTORED = "ORDER_RESTORED"
    PROMO_RELEASED = "PROMO_RELEASED"
    PROMO_REDEEMED = "PROMO_REDEEMED"
    ORDER_COMPLETED = "ORDER_COMPLETED"
    ORDER_CANCELLED = "ORDER_CANCELLED"


class ReleaseReason(enum.Enum):
    CANCELLED = "cancelled"
    DECLINED = "declined"
    EXPIRED = "expired"


@dataclass(slots=True)
class Event:
    """What happened to an order, and where in its history: its order and its 1-based place
    there (eventsourcing's originator id and version), known wherever an event is read. The
    fields of what happened are each subclass's own.

    Never changed once made, yet not frozen (as cosmicpython's are not): a frozen dataclass's
    __init__ costs 2.5 times a plain one's, and every order read from its stream makes one per
    event. Arguments go by position for the same reason."""

    id: str
    order_id: str
    version: int
    at: datetime
    type: ClassVar[EventType]
    # The data as its stream entry holds it, which GraphQL's OrderEvent.data and `ordo feed`
    # show as it was written. A plain attribute: a read of an order with its events' data shows
    # each one (a property, or building it anew, cost every such read). `to_data` is the data
    # the fields make; for every type the two agree (tests/unit/test_old_streams.py).
    data: Data = field(kw_only=True, repr=False, compare=False)

    def to_data(self) -> Data:
        """The data this event's fields make, as a script appends it."""
        return {}

    @classmethod
    def read(cls, event_id: str, order_id: str, version: int, at: datetime, data: Data) -> Event:
        """The event of a stream entry with this data (one of this class's)."""
        return cls(event_id, order_id, version, at, data=data)


@dataclass(slots=True)
class OrderCreated(Event):
    entity_id: str | None
    order_type: OrderType | None
    owner_id: str | None  # the customer whose token made it (SPEC §9); None: a service did
    type = EventType.ORDER_CREATED

    @staticmethod
    def payload(entity_id: str | None, order_type: OrderType | None, owner_id: str | None) -> Data:
        data: Data = {"entityId": entity_id, "type": type_to_json(order_type)}
        return {**data, "ownerId": owner_id} if owner_id else data  # only a customer's order

    def to_data(self) -> Data:
        return self.payload(self.entity_id, self.order_type, self.owner_id)

    @classmethod
    def read(cls, event_id: str, order_id: str, version: int, at: datetime, data: Data) -> Event:
        entity_id, order_type = data.get("entityId"), type_from_json(data.get("type"))
        owner_id = data.get("ownerId")  # absent but on a customer's order
        return cls(event_id, order_id, version, at, entity_id, order_type, owner_id, data=data)


@dataclass(slots=True)
class _PromoStep(Event):
    """A step of an order's promo activation: whose, of which promo."""

    promo_id: str
    user_id: str

    def to_data(self) -> Data:
        return {"promoId": self.promo_id, "userId": self.user_id}

    @classmethod
    def read(cls, event_id: str, order_id: str, version: int, at: datetime, data: Data) -> Event:
        promo_id, user_id = data["promoId"], data["userId"]
        return cls(event_id, order_id, version, at, promo_id, user_id, data=data)


@dataclass(slots=True)
class PromoReserved(_PromoStep):
    type = EventType.PROMO_RESERVED


@dataclass(slots=True)
class PromoRedeemed(_PromoStep):
    type = EventType.PROMO_REDEEMED


@dataclass(slots=True)
class PromoReleased(Event):
    promo_id: str
    user_id: str
    reason: ReleaseReason
    type = EventType.PROMO_RELEASED

    def to_data(self) -> Data:
        return {"promoId": self.promo_id, "userId": self.user_id, "reason": self.reason.value}

    @classmethod
    def read(cls, event_id: str, order_id: str, version: int, at: datetime, data: Data) -> Event:
        promo_id, user_id, reason = data["promoId"], data["userId"], ReleaseReason(data["reason"])
        return cls(event_id, order_id, version, at, promo_id, user_id, reason, data=data)


@dataclass(slots=True)
class ItemAdded(Event):
    item: OrderItem
    type = EventType.ITEM_ADDED

    @staticmethod
    def payload(item: OrderItem) -> Data:
        return {"item": item_to_json(item)}

    def to_data(self) -> Data:
        return self.payload(self.item)

    @classmethod
    def read(cls, event_id: str, order_id: str, version: int, at: datetime, data: Data) -> Event:
        return cls(event_id, order_id, version, at, item_from_json(data["item"]), data=data)


@dataclass(slots=True)
class ItemCancelled(Event):
    order_item_id: str
    type = EventType.ITEM_CANCELLED

    def to_data(self) -> Data:
        return {"orderItemId": self.order_item_id}

    @classmethod
    def read(cls, event_id: str, order_id: str, version: int, at: datetime, data: Data) -> Event:
        return cls(event_id, order_id, version, at, data["orderItemId"], data=data)


@dataclass(slots=True)
class OrderUpdated(Event):
    order_type: OrderType | None
    type = EventType.ORDER_UPDATED

    @staticmethod
    def payload(order_type: OrderType | None) -> Data:
        return {"type": type_to_json(order_type)}

    def to_data(self) -> Data:
        return self.payload(self.order_type)

    @classmethod
    def read(cls, event_id: str, order_id: str, version: int, at: datetime, data: Data) -> Event:
        order_type = type_from_json(data.get("type"))
        return cls(event_id, order_id, version, at, order_type, data=data)


@dataclass(slots=True)
class OrderDeclined(Event):
    type = EventType.ORDER_DECLINED


@dataclass(slots=True)
class OrderRestored(Event):
    type = EventType.ORDER_RESTORED


@dataclass(slots=True)
class OrderCompleted(Event):
    type = EventType.ORDER_COMPLETED


@dataclass(slots=True)
class OrderCancelled(Event):
    type = EventType.ORDER_CANCELLED


CLASSES: dict[EventType, type[Event]] = {
    cls.type: cls
    for cls in (
        OrderCreated,
        PromoReserved,
        ItemAdded,
        OrderUpdated,
        ItemCancelled,
        OrderDeclined,
        OrderRestored,
        PromoReleased,
        PromoRedeemed,
        OrderCompleted,
        OrderCancelled,
    )
}
_BY_NAME = {kind.value: cls for kind, cls in CLASSES.items()}  # a str hashes in C, an Enum not


def read_event(
    kind: str, event_id: str, order_id: str, version: int, at: datetime, data: Data
) -> Event:
    """The event a stream entry of type `kind` with this data records; EventType's ValueError
    for a type no script writes (`ordo verify` reports it as it is)."""
    cls = _BY_NAME.get(kind) or CLASSES[EventType(kind)]
    return cls.read(event_id, order_id, version, at, data)

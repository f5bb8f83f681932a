"""Folding an order's events, in stream order, gives the order (SPEC §3.3)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from domain.codec import item_from_json, type_from_json
from domain.events import Event, EventType
from domain.order import Order, OrderStatus, PromoActivation

_STATUS_AFTER = {
    EventType.ORDER_DECLINED: OrderStatus.DECLINED,
    EventType.ORDER_RESTORED: OrderStatus.OPEN,
    EventType.ORDER_COMPLETED: OrderStatus.COMPLETED,
    EventType.ORDER_CANCELLED: OrderStatus.CANCELLED,
}


def fold(order_id: str, events: Iterable[Event]) -> Order | None:
    """The order its events describe, or None when there are none."""
    order: Order | None = None
    for event in events:
        if order is None:
            order = _created(order_id, event)
        else:
            _apply(order, event)
        _recorded(order, event)
    return order


def extended(order: Order, events: Iterable[Event]) -> Order:
    """The order after its next events. `order` itself is left as it was: others may hold it."""
    later = replace(
        order,
        items=list(order.items),
        cancelled_items=list(order.cancelled_items),
        events=list(order.events),
    )
    for event in events:
        _apply(later, event)
        _recorded(later, event)
    return later


def _recorded(order: Order, event: Event) -> None:
    order.events.append(event)
    order.version += 1
    order.updated_at = event.at


def _created(order_id: str, event: Event) -> Order:
    if event.type is not EventType.ORDER_CREATED:
        raise ValueError(f"order {order_id} starts with {event.type.name}, not ORDER_CREATED")
    return Order(
        order_id=order_id,
        status=OrderStatus.OPEN,
        created_at=event.at,
        updated_at=event.at,
        version=0,
        entity_id=event.data.get("entityId"),
        type=type_from_json(event.data.get("type")),
        owner_id=event.data.get("ownerId"),
    )


def _reserved(order: Order, event: Event) -> None:
    order.promo = PromoActivation(event.data["promoId"], event.data["userId"])


def _item_added(order: Order, event: Event) -> None:
    order.items.append(item_from_json(event.data["item"]))


def _item_cancelled(order: Order, event: Event) -> None:
    cancelled_id = event.data["orderItemId"]
    for index, item in enumerate(order.items):
        if item.order_item_id == cancelled_id:
            order.cancelled_items.append(order.items.pop(index))
            return


def _updated(order: Order, event: Event) -> None:
    order.type = type_from_json(event.data.get("type"))


def _status(status: OrderStatus) -> Callable[[Order, Event], None]:
    def change(order: Order, event: Event) -> None:
        order.status = status

    return change


# One lookup per event (an Enum's hash is a Python call).
# PROMO_REDEEMED / PROMO_RELEASED change promo counters, not the order's own fields.
_APPLY: dict[EventType, Callable[[Order, Event], None]] = {
    **{kind: _status(status) for kind, status in _STATUS_AFTER.items()},
    EventType.PROMO_RESERVED: _reserved,
    EventType.ITEM_ADDED: _item_added,
    EventType.ITEM_CANCELLED: _item_cancelled,
    EventType.ORDER_UPDATED: _updated,
}


def _apply(order: Order, event: Event) -> None:
    apply = _APPLY.get(event.type)
    if apply is not None:
        apply(order, event)

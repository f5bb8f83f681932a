"""Folding an order's events, in stream order, gives the order (SPEC §3.3)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from domain.events import (
    Event,
    ItemAdded,
    ItemCancelled,
    OrderCancelled,
    OrderCompleted,
    OrderCreated,
    OrderDeclined,
    OrderRestored,
    OrderUpdated,
    PromoReserved,
)
from domain.order import Order, OrderStatus, PromoActivation


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
    if not isinstance(event, OrderCreated):
        raise ValueError(f"order {order_id} starts with {event.type.name}, not ORDER_CREATED")
    return Order(
        order_id=order_id,
        status=OrderStatus.OPEN,
        created_at=event.at,
        updated_at=event.at,
        version=0,
        entity_id=event.entity_id,
        type=event.order_type,
        owner_id=event.owner_id,
    )


def _reserved(order: Order, event: PromoReserved) -> None:
    order.promo = PromoActivation(event.promo_id, event.user_id)


def _item_added(order: Order, event: ItemAdded) -> None:
    order.items.append(event.item)


def _item_cancelled(order: Order, event: ItemCancelled) -> None:
    for index, item in enumerate(order.items):
        if item.order_item_id == event.order_item_id:
            order.cancelled_items.append(order.items.pop(index))
            return


def _updated(order: Order, event: OrderUpdated) -> None:
    order.type = event.order_type


def _status(status: OrderStatus) -> Callable[[Order, Event], None]:
    def change(order: Order, event: Event) -> None:
        order.status = status

    return change


# One lookup per event, by its class (a class hashes in C; an Enum's hash is a Python call).
# PromoRedeemed / PromoReleased change promo counters, not the order's own fields; a second
# OrderCreated changes nothing.
_APPLY: dict[type[Event], Callable[[Order, Any], None]] = {
    OrderDeclined: _status(OrderStatus.DECLINED),
    OrderRestored: _status(OrderStatus.OPEN),
    OrderCompleted: _status(OrderStatus.COMPLETED),
    OrderCancelled: _status(OrderStatus.CANCELLED),
    PromoReserved: _reserved,
    ItemAdded: _item_added,
    ItemCancelled: _item_cancelled,
    OrderUpdated: _updated,
}


def _apply(order: Order, event: Event) -> None:
    apply = _APPLY.get(type(event))
    if apply is not None:
        apply(order, event)

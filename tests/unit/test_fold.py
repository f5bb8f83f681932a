"""Folding an order's events gives the order (SPEC §3.3): no Redis, events built by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from domain.events import Event, EventType, read_event
from domain.fold import fold
from domain.order import OrderItem, OrderStatus, PromoActivation, RentPayment, RentTerm

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ITEM_A = {
    "orderItemId": "a",
    "serviceId": "s1",
    "price": "100.00",
    "periodStartDate": "2026-02-01",
    "periodEndDate": "2026-02-28",
}
ITEM_B = {
    "orderItemId": "b",
    "serviceId": "s2",
    "price": "5",
    "periodStartDate": "2026-01-15",
    "periodEndDate": None,
}
RENT = {"rentPayment": {"paymentDate": "2026-03-01", "term": "FULL"}}


def events(*specs: tuple[EventType, dict[str, Any]]) -> list[Event]:
    """Events one second apart, with stream-like ids."""
    return [
        read_event(
            kind.value, f"{index + 1}-0", "o1", index + 1, T0 + timedelta(seconds=index), data
        )
        for index, (kind, data) in enumerate(specs)
    ]


CREATED = (EventType.ORDER_CREATED, {"entityId": None, "type": None})
RESERVED = (EventType.PROMO_RESERVED, {"promoId": "p1", "userId": "u1"})


def test_empty_stream_folds_to_none() -> None:
    assert fold("o1", []) is None


PROMO = {"promoId": "p1", "userId": "u1"}
NOT_CREATED = {
    EventType.PROMO_RESERVED: PROMO,
    EventType.ITEM_ADDED: {"item": ITEM_A},
    EventType.ORDER_UPDATED: {"type": RENT},
    EventType.ITEM_CANCELLED: {"orderItemId": "a"},
    EventType.ORDER_DECLINED: {},
    EventType.ORDER_RESTORED: {},
    EventType.PROMO_RELEASED: {**PROMO, "reason": "declined"},
    EventType.PROMO_REDEEMED: PROMO,
    EventType.ORDER_COMPLETED: {},
    EventType.ORDER_CANCELLED: {},
}


def test_every_type_but_created_is_tried_first() -> None:
    assert set(NOT_CREATED) == set(EventType) - {EventType.ORDER_CREATED}


@pytest.mark.parametrize("first", NOT_CREATED)
def test_stream_not_starting_with_order_created_is_refused(first: EventType) -> None:
    with pytest.raises(ValueError, match="ORDER_CREATED"):
        fold("o1", events((first, NOT_CREATED[first]), CREATED))


def test_created_order_is_open_at_version_one() -> None:
    order = fold("o1", events(CREATED))
    assert order is not None
    assert (order.order_id, order.status, order.version) == ("o1", OrderStatus.OPEN, 1)
    assert order.created_at == order.updated_at == T0
    assert (order.entity_id, order.type, order.promo) == (None, None, None)
    assert order.items == order.cancelled_items == []


def test_created_event_carries_entity_and_type() -> None:
    order = fold("o1", events((EventType.ORDER_CREATED, {"entityId": "e1", "type": RENT})))
    assert order is not None
    assert order.entity_id == "e1"
    assert order.type == RentPayment(date(2026, 3, 1), RentTerm.FULL)


def test_version_and_updated_at_follow_the_last_event() -> None:
    stream = events(CREATED, RESERVED, (EventType.ORDER_COMPLETED, {}))
    order = fold("o1", stream)
    assert order is not None
    assert order.version == 3
    assert order.created_at == T0
    assert order.updated_at == T0 + timedelta(seconds=2)
    assert order.events == stream


def test_promo_reserved_sets_the_activation() -> None:
    order = fold("o1", events(CREATED, RESERVED))
    assert order is not None
    assert order.promo == PromoActivation("p1", "u1")


@pytest.mark.parametrize("kind", [EventType.PROMO_RELEASED, EventType.PROMO_REDEEMED])
def test_promo_release_or_redeem_keeps_the_activation_on_the_order(kind: EventType) -> None:
    order = fold("o1", events(CREATED, RESERVED, (kind, NOT_CREATED[kind])))
    assert order is not None
    assert order.promo == PromoActivation("p1", "u1")
    assert order.status is OrderStatus.OPEN


@pytest.mark.parametrize(
    ("closing", "status"),
    [
        (EventType.ORDER_COMPLETED, OrderStatus.COMPLETED),
        (EventType.ORDER_CANCELLED, OrderStatus.CANCELLED),
        (EventType.ORDER_DECLINED, OrderStatus.DECLINED),
    ],
)
def test_status_event_sets_the_status(closing: EventType, status: OrderStatus) -> None:
    order = fold("o1", events(CREATED, (closing, {})))
    assert order is not None
    assert order.status is status


def test_restored_order_is_open_again() -> None:
    stream = events(CREATED, (EventType.ORDER_DECLINED, {}), (EventType.ORDER_RESTORED, {}))
    order = fold("o1", stream)
    assert order is not None
    assert order.status is OrderStatus.OPEN


def test_items_are_added_in_order_and_cancelled_items_move_aside() -> None:
    order = fold(
        "o1",
        events(
            CREATED,
            (EventType.ITEM_ADDED, {"item": ITEM_A}),
            (EventType.ITEM_ADDED, {"item": ITEM_B}),
            (EventType.ITEM_CANCELLED, {"orderItemId": "a"}),
        ),
    )
    assert order is not None
    assert [item.order_item_id for item in order.items] == ["b"]
    assert [item.order_item_id for item in order.cancelled_items] == ["a"]
    assert order.cancelled_items[0] == OrderItem(
        "a", "s1", "100.00", date(2026, 2, 1), date(2026, 2, 28)
    )
    assert str(order.total) == "5"


def test_cancelling_an_item_the_order_lacks_changes_no_items() -> None:
    order = fold(
        "o1",
        events(
            CREATED,
            (EventType.ITEM_ADDED, {"item": ITEM_A}),
            (EventType.ITEM_CANCELLED, {"orderItemId": "zzz"}),
        ),
    )
    assert order is not None
    assert [item.order_item_id for item in order.items] == ["a"]
    assert order.cancelled_items == []
    assert order.version == 3


def test_total_sums_active_prices_by_value() -> None:
    order = fold(
        "o1",
        events(
            CREATED,
            (EventType.ITEM_ADDED, {"item": ITEM_A}),
            (EventType.ITEM_ADDED, {"item": ITEM_B}),
        ),
    )
    assert order is not None
    assert order.total == 105
    assert order.items[0].price == "100.00"  # returned as first given
    assert order.earliest_start == date(2026, 1, 15)


def test_order_updated_replaces_the_type() -> None:
    short = {"rentPayment": {"paymentDate": "2026-04-01", "term": "SHORT"}}
    order = fold(
        "o1",
        events(
            (EventType.ORDER_CREATED, {"entityId": "e1", "type": RENT}),
            (EventType.ORDER_UPDATED, {"type": short}),
        ),
    )
    assert order is not None
    assert order.type == RentPayment(date(2026, 4, 1), RentTerm.SHORT)
    assert order.status is OrderStatus.OPEN

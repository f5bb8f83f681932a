"""Folding item events (SPEC §3.3, §4): active items in the order added, cancelled ones in the
order cancelled, totals and listing dates from active items only. No Redis."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from domain.codec import item_fingerprint, item_to_json
from domain.events import Event, EventType, read_event
from domain.fold import fold
from domain.order import Order, OrderItem, OrderStatus

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _events(*specs: tuple[EventType, dict[str, Any]]) -> list[Event]:
    created = (EventType.ORDER_CREATED, {"entityId": "e", "type": None})
    return [
        read_event(kind.value, f"{n + 1}-0", "o", n + 1, T0 + timedelta(seconds=n), data)
        for n, (kind, data) in enumerate([created, *specs])
    ]


def _item(item_id: str, price: str = "10", start: str = "2026-01-01") -> OrderItem:
    return OrderItem(item_id, "svc", price, date.fromisoformat(start), None)


def _added(item: OrderItem) -> tuple[EventType, dict[str, Any]]:
    return EventType.ITEM_ADDED, {"item": item_to_json(item)}


def _cancelled(item_id: str) -> tuple[EventType, dict[str, Any]]:
    return EventType.ITEM_CANCELLED, {"orderItemId": item_id}


def _fold(*specs: tuple[EventType, dict[str, Any]]) -> Order:
    order = fold("o", _events(*specs))
    assert order is not None
    return order


def test_earliest_start_ignores_cancelled_items() -> None:
    order = _fold(
        _added(_item("a", start="2026-01-01")),
        _added(_item("b", start="2026-05-01")),
        _cancelled("a"),
    )
    assert order.earliest_start == date(2026, 5, 1)


def test_an_order_whose_items_are_all_cancelled_has_no_earliest_start() -> None:
    order = _fold(_added(_item("a")), _cancelled("a"))
    assert order.earliest_start is None and order.total == 0 and order.items == []


def test_a_cancel_then_add_under_a_new_id_replaces_the_item() -> None:
    order = _fold(_added(_item("a", "100")), _cancelled("a"), _added(_item("a2", "120")))
    assert [item.order_item_id for item in order.items] == ["a2"]
    assert [item.order_item_id for item in order.cancelled_items] == ["a"]
    assert order.total == Decimal("120")


def test_decline_and_restore_keep_the_items() -> None:
    order = _fold(_added(_item("a")), (EventType.ORDER_DECLINED, {}))
    assert order.status is OrderStatus.DECLINED and len(order.items) == 1
    order = _fold(
        _added(_item("a")), (EventType.ORDER_DECLINED, {}), (EventType.ORDER_RESTORED, {})
    )
    assert order.status is OrderStatus.OPEN and order.version == 4


def test_fingerprints_compare_prices_by_value_but_not_ids() -> None:
    assert item_fingerprint(_item("a", "100")) == item_fingerprint(_item("b", "100.00"))
    assert item_fingerprint(_item("a", "100")) != item_fingerprint(_item("a", "100.01"))
    assert item_fingerprint(_item("a")) != item_fingerprint(_item("a", start="2026-01-02"))


histories = st.lists(
    st.tuples(
        st.sampled_from(["add", "cancel"]), st.integers(0, 5), st.sampled_from(["1", "2.50"])
    ),
    max_size=20,
)


@given(histories)
def test_folding_item_events_matches_a_simple_model(history: list[tuple[str, int, str]]) -> None:
    """What updateOrder writes (an add only for a new id, a cancel only for an active one)
    folds to active items in order added, cancelled in order cancelled, and their total."""
    specs: list[tuple[EventType, dict[str, Any]]] = []
    active: list[str] = []
    cancelled: list[str] = []
    prices: dict[str, str] = {}
    for action, number, price in history:
        item_id = f"i{number}"
        if action == "add" and item_id not in prices:
            prices[item_id] = price
            active.append(item_id)
            specs.append(_added(_item(item_id, price, f"2026-01-{number + 1:02d}")))
        elif action == "cancel" and item_id in active:
            active.remove(item_id)
            cancelled.append(item_id)
            specs.append(_cancelled(item_id))
    order = _fold(*specs)
    assert [item.order_item_id for item in order.items] == active
    assert [item.order_item_id for item in order.cancelled_items] == cancelled
    assert order.total == sum((Decimal(prices[i]) for i in active), Decimal(0))
    starts = [date(2026, 1, int(i[1:]) + 1) for i in active]
    assert order.earliest_start == min(starts, default=None)
    assert order.version == len(specs) + 1

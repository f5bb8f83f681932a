"""What `ordo verify` compares (domain/audit.py): an order's stored state against the fold of
its events, a promo's counters against its OPEN orders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from domain.audit import PromoSnapshot, order_discrepancies, promo_discrepancies, stored_fields
from domain.order import (
    Order,
    OrderItem,
    OrderStatus,
    PromoActivation,
    RentPayment,
    RentTerm,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)
ITEM = OrderItem("a", "rent", "100.00", date(2026, 1, 1), None)
ORDER = Order(
    "o1",
    OrderStatus.OPEN,
    AT,
    AT,
    3,
    entity_id="e1",
    type=RentPayment(date(2026, 2, 1), RentTerm.FULL),
    promo=PromoActivation("p1", "u1"),
    items=[ITEM],
    cancelled_items=[replace(ITEM, order_item_id="b")],
)
STATE = {
    "status": "OPEN",
    "promoId": "p1",
    "userId": "u1",
    "entityId": "e1",
    "kind": "rentPayment",
    "type": '{"rentPayment":{"paymentDate":"2026-02-01","term":"FULL"}}',
}
ITEMS = {"a": "A|rent|100|2026-01-01|", "b": "C|rent|100|2026-01-01|"}


def test_state_the_scripts_keep_matches_the_fold() -> None:
    assert stored_fields(ORDER) == STATE
    assert order_discrepancies(ORDER, STATE, ITEMS) == []


def test_a_plain_order_keeps_empty_fields_and_no_type() -> None:
    plain = Order("o2", OrderStatus.COMPLETED, AT, AT, 2)
    state = {"status": "COMPLETED", "promoId": "", "userId": "", "entityId": "", "kind": ""}
    assert order_discrepancies(plain, state, {}) == []


def test_each_differing_field_and_item_is_named() -> None:
    state = STATE | {"status": "CANCELLED", "userId": "u2"}
    items = {"a": ITEMS["a"], "c": "A|x"}
    assert order_discrepancies(ORDER, state, items) == [
        "status is 'CANCELLED' but its events say 'OPEN'",
        "userId is 'u2' but its events say 'u1'",
        "item b is stored as nothing, its events say 'C|rent|100|2026-01-01|'",
        "item c is stored as 'A|x', its events say nothing",
    ]


def test_a_state_without_events_is_a_discrepancy() -> None:
    assert order_discrepancies(None, STATE, {}) == ["has a state hash but no events"]


def snapshot(**changes: object) -> PromoSnapshot:
    healthy = PromoSnapshot(
        fields={"count": "5", "perUserCount": "2", "lockedCount": "2"},
        used={"u1": "1"},
        open_by_user={"u1": "1", "u2": "1"},
        open_orders=frozenset({"o1", "o2"}),
        open_order_users={"o1": "u1", "o2": "u2"},
        redeemed={"u1": 1},
    )
    return replace(healthy, **changes)  # type: ignore[arg-type]


def test_counters_that_match_the_open_orders_pass() -> None:
    assert promo_discrepancies(snapshot()) == []


def test_locked_count_above_count_and_above_the_open_orders_is_named() -> None:
    found = promo_discrepancies(
        snapshot(fields={"count": "1", "perUserCount": "2", "lockedCount": "3"})
    )
    assert found == [
        "lockedCount 3 is outside 0..count (1)",
        "lockedCount is 3 but 2 of its orders are OPEN",
    ]


def test_open_orders_set_and_per_user_counts_must_match_the_open_orders() -> None:
    found = promo_discrepancies(
        snapshot(open_orders=frozenset({"o1", "o9"}), open_by_user={"u1": "1", "u2": "0"})
    )
    assert found == [
        "open-orders holds o9, which is not OPEN",
        "OPEN order o2 is missing from open-orders",
        "open(u2) is '0' but 1 OPEN orders are theirs",
    ]


def test_a_user_over_the_limit_or_below_their_completed_orders_is_named() -> None:
    found = promo_discrepancies(snapshot(used={"u1": "2"}, redeemed={"u1": 1, "u2": 1}))
    assert found == [
        "user u1: used 2 + open 1 > perUserCount 2",
        "user u2: used 0 < 1 COMPLETED orders",
    ]


def test_counters_that_are_not_numbers_are_named_first() -> None:
    assert promo_discrepancies(snapshot(fields={"count": "x", "perUserCount": "2"})) == [
        "count is 'x'",
        "lockedCount is None",
    ]

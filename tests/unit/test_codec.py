"""Event-data JSON of types and items, and comparing prices and items by value."""

from __future__ import annotations

from datetime import date

import pytest

from domain.codec import (
    canonical_json,
    canonical_price,
    item_fingerprint,
    item_from_json,
    item_to_json,
    type_from_json,
    type_kind,
    type_to_json,
)
from domain.order import OrderItem, OrderType, RentPayment, RentTerm, SecurityDeposit

TYPES: list[OrderType] = [
    RentPayment(date(2026, 12, 1), RentTerm.FULL),
    RentPayment(date(2026, 12, 1), RentTerm.SHORT),
    SecurityDeposit(date(2027, 1, 31)),
    SecurityDeposit(None),
]


def item(
    item_id: str = "i1", price: str = "100.00", end: date | None = None, service: str = "s1"
) -> OrderItem:
    return OrderItem(item_id, service, price, date(2026, 12, 1), end)


@pytest.mark.parametrize("order_type", TYPES)
def test_type_survives_a_json_round_trip(order_type: OrderType) -> None:
    assert type_from_json(type_to_json(order_type)) == order_type


def test_missing_type_is_none_both_ways() -> None:
    assert type_to_json(None) is None
    assert type_from_json(None) is None
    assert type_from_json({}) is None


def test_type_json_has_the_graphql_field_names() -> None:
    assert type_to_json(TYPES[0]) == {"rentPayment": {"paymentDate": "2026-12-01", "term": "FULL"}}
    assert type_to_json(TYPES[3]) == {"securityDeposit": {"refundDate": None}}


def test_type_kind_names_the_oneof_branch() -> None:
    assert [type_kind(t) for t in TYPES] == ["rentPayment"] * 2 + ["securityDeposit"] * 2
    assert type_kind(None) == ""


@pytest.mark.parametrize("end", [None, date(2026, 12, 31)])
def test_item_survives_a_json_round_trip(end: date | None) -> None:
    original = item(end=end)
    assert item_from_json(item_to_json(original)) == original


def test_item_json_keeps_the_price_string_as_given() -> None:
    data = item_to_json(item(price="100.50"))
    assert data == {
        "orderItemId": "i1",
        "serviceId": "s1",
        "price": "100.50",
        "periodStartDate": "2026-12-01",
        "periodEndDate": None,
    }


@pytest.mark.parametrize("text", ["100", "100.00", "100.0", "1E2", "1e+2", "0100.000"])
def test_canonical_price_compares_by_value(text: str) -> None:
    assert canonical_price(text) == "100"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0", "0"),
        ("0.00", "0"),
        ("-0", "0"),
        ("0.50", "0.5"),
        ("12.340000", "12.34"),
        ("1000000", "1000000"),
        ("0.000001", "0.000001"),
    ],
)
def test_canonical_price_writes_plain_digits(text: str, canonical: str) -> None:
    assert canonical_price(text) == canonical


def test_items_with_equal_content_have_equal_fingerprints() -> None:
    assert item_fingerprint(item("a", "100")) == item_fingerprint(item("b", "100.00"))


@pytest.mark.parametrize(
    "other",
    [
        item(price="100.01"),
        item(service="s2"),
        item(end=date(2026, 12, 31)),
        OrderItem("i1", "s1", "100.00", date(2026, 12, 2), None),
    ],
)
def test_items_with_other_content_have_other_fingerprints(other: OrderItem) -> None:
    assert item_fingerprint(item()) != item_fingerprint(other)


def test_canonical_json_is_one_text_per_value() -> None:
    assert canonical_json({"b": 1, "a": {"d": 2, "c": None}}) == canonical_json(
        {"a": {"c": None, "d": 2}, "b": 1}
    )
    assert canonical_json({"a": 1}) == '{"a":1}'

"""Input rules for orders with items (SPEC §4, §7): each refusal names the offending field's
path, the way createOrderWithItems and updateOrder report it. No Redis."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import ErrorCode, OrdoError
from domain.order import RentPayment, RentTerm, SecurityDeposit
from domain.validation import MAX_LIST, check_ids, parse_items, parse_type
from tests.e2e.helpers import RawDepositIn, RawItemIn, RawRentIn, RawTypeIn

ITEMS = ["input", "items"]


def _refusal(call: object, *args: object) -> OrdoError:
    with pytest.raises(OrdoError) as refused:
        call(*args)  # type: ignore[operator]
    return refused.value


def test_items_parse_in_request_order_with_prices_as_given() -> None:
    parsed = parse_items(
        [RawItemIn("b", price="100"), RawItemIn("a", price="0.50", period_end_date="2026-01-01")],
        ITEMS,
    )
    assert [item.order_item_id for item in parsed] == ["b", "a"]
    assert [item.price for item in parsed] == ["100", "0.50"]
    assert parsed[1].period_end_date == date(2026, 1, 1) and parsed[0].period_end_date is None


@pytest.mark.parametrize(
    ("bad", "leaf"),
    [
        (RawItemIn("has space"), "orderItemId"),
        (RawItemIn("x", service_id=""), "serviceId"),
        (RawItemIn("x", price="-1"), "price"),
        (RawItemIn("x", price="1e2"), "price"),
        (RawItemIn("x", price="1.0000001"), "price"),
        (RawItemIn("x", period_start_date="2026-13-01"), "periodStartDate"),
        (RawItemIn("x", period_end_date="01.02.2026"), "periodEndDate"),
        (
            RawItemIn("x", period_start_date="2026-02-02", period_end_date="2026-02-01"),
            "periodEndDate",
        ),
    ],
)
def test_a_bad_item_field_is_invalid_input_naming_its_index_and_field(
    bad: RawItemIn, leaf: str
) -> None:
    refused = _refusal(parse_items, [RawItemIn("ok"), bad], ITEMS)
    assert refused.code is ErrorCode.INVALID_INPUT and refused.status == 400
    assert refused.field == ("input", "items", "1", leaf)


def test_a_period_of_one_day_is_accepted() -> None:
    [item] = parse_items(
        [RawItemIn("a", period_start_date="2026-02-02", period_end_date="2026-02-02")], ITEMS
    )
    assert item.period_end_date == item.period_start_date


def test_zero_price_is_accepted() -> None:
    assert parse_items([RawItemIn("a", price="0.00")], ITEMS)[0].price == "0.00"


def test_a_repeated_item_id_is_a_duplicate_naming_the_second_occurrence() -> None:
    refused = _refusal(
        parse_items, [RawItemIn("a"), RawItemIn("b"), RawItemIn("a", price="1")], ITEMS
    )
    assert refused.code is ErrorCode.DUPLICATE_ITEM_ID and refused.status == 400
    assert refused.field == ("input", "items", "2", "orderItemId")


def test_a_bad_field_is_reported_before_a_duplicate_later_in_the_list() -> None:
    refused = _refusal(
        parse_items, [RawItemIn("a"), RawItemIn("a"), RawItemIn("c", price="-1")], ITEMS
    )
    assert refused.code is ErrorCode.INVALID_INPUT


def test_at_most_a_thousand_items_in_one_list() -> None:
    assert len(parse_items([RawItemIn(f"i{n}") for n in range(MAX_LIST)], ITEMS)) == MAX_LIST
    refused = _refusal(parse_items, [RawItemIn(f"i{n}") for n in range(MAX_LIST + 1)], ITEMS)
    assert refused.code is ErrorCode.INVALID_INPUT and refused.field == ("input", "items")


def test_cancel_ids_are_checked_and_duplicates_named_by_position() -> None:
    path = ["input", "cancelItemIds"]
    assert check_ids(["b", "a"], path) == ["b", "a"]
    duplicate = _refusal(check_ids, ["a", "b", "a"], path)
    assert duplicate.code is ErrorCode.DUPLICATE_ITEM_ID
    assert duplicate.field == ("input", "cancelItemIds", "2")
    malformed = _refusal(check_ids, ["a", "no/slash"], path)
    assert malformed.code is ErrorCode.INVALID_INPUT
    assert malformed.field == ("input", "cancelItemIds", "1")


def test_rent_payment_type_parses_to_its_date_and_term() -> None:
    parsed = parse_type(RawTypeIn(rent_payment=RawRentIn("2026-02-10", "SHORT")), ["input", "type"])
    assert parsed == RentPayment(date(2026, 2, 10), RentTerm.SHORT)


def test_security_deposit_type_may_have_no_refund_date() -> None:
    parsed = parse_type(RawTypeIn(security_deposit=RawDepositIn()), ["input", "type"])
    assert parsed == SecurityDeposit(None)


@pytest.mark.parametrize(
    "both_or_neither",
    [RawTypeIn(), RawTypeIn(rent_payment=RawRentIn(), security_deposit=RawDepositIn())],
)
def test_a_type_must_be_exactly_one_kind(both_or_neither: RawTypeIn) -> None:
    refused = _refusal(parse_type, both_or_neither, ["input", "type"])
    assert refused.code is ErrorCode.INVALID_INPUT and refused.field == ("input", "type")


@pytest.mark.parametrize(
    ("bad", "leaf"),
    [
        (RawTypeIn(rent_payment=RawRentIn(term="MONTHLY")), ("rentPayment", "term")),
        (
            RawTypeIn(rent_payment=RawRentIn(payment_date="2026-2-1")),
            ("rentPayment", "paymentDate"),
        ),
        (RawTypeIn(security_deposit=RawDepositIn("tomorrow")), ("securityDeposit", "refundDate")),
    ],
)
def test_a_bad_type_field_is_named_by_its_path(bad: RawTypeIn, leaf: tuple[str, str]) -> None:
    refused = _refusal(parse_type, bad, ["input", "type"])
    assert refused.code is ErrorCode.INVALID_INPUT and refused.field == ("input", "type", *leaf)

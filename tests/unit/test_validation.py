"""Input rules of SPEC §4 and §7: each refusal is a 400 naming the offending field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from domain.errors import ErrorCode, OrdoError
from domain.validation import (
    MAX_COUNT,
    check_count,
    check_id,
    check_price,
    check_window,
    parse_date,
    parse_datetime,
)

PATH = ["input", "items", "1", "price"]


def refused(call: object, *args: object) -> OrdoError:
    with pytest.raises(OrdoError) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert caught.value.status == 400
    return caught.value


@pytest.mark.parametrize(
    "value", ["a", "A-z_0.9:@", "user@example.com", "p:1", "x" * 128, "0", "-", "@"]
)
def test_id_of_allowed_characters_is_accepted(value: str) -> None:
    assert check_id(value, ["input", "userId"]) == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "x" * 129,
        "a{b",
        "a}b",
        "{tag}",
        "a\nb",
        "a\x00b",
        "a b",
        " a",
        "a\t",
        "é",
        "a/b",
        "a*b",
        "a,b",
        "ab\n",
        "\u0661\u0662\u0663",
    ],
)
def test_id_outside_the_charset_or_length_is_refused(value: str) -> None:
    error = refused(check_id, value, ["input", "promo", "userId"])
    assert error.field == ("input", "promo", "userId")
    assert "userId" in error.message


@pytest.mark.parametrize("value", [None, 12, b"abc"])
def test_id_that_is_not_a_string_is_refused(value: object) -> None:
    assert refused(check_id, value, ["orderId"]).field == ("orderId",)


@pytest.mark.parametrize("value", [0, 1, 2**31 - 1])
def test_count_within_bounds_is_accepted(value: int) -> None:
    assert check_count(value, ["input", "count"]) == value
    assert MAX_COUNT == 2**31 - 1


@pytest.mark.parametrize("value", [-1, 2**31, True, False, 1.0, "1", None])
def test_count_out_of_bounds_or_not_an_int_is_refused(value: object) -> None:
    assert refused(check_count, value, ["input", "count"]).field == ("input", "count")


@pytest.mark.parametrize(
    "value",
    [
        "100.00",
        "0",
        "0.000001",
        "999999999999999999",
        "123456789012.123456",
        "000000000000000000001",
        "1500.5",
    ],
)
def test_price_is_accepted_and_returned_as_given(value: str) -> None:
    assert check_price(value, PATH) == value


def test_negative_price_is_a_400_naming_the_price() -> None:
    error = refused(check_price, "-0.01", PATH)
    assert error.field == tuple(PATH)
    assert "negative" in error.message


@pytest.mark.parametrize("value", ["-0", "-0.00", "-000", "-1"])
def test_a_signed_price_is_refused_negative_zero_included(value: str) -> None:
    """A price is returned as given: "-0" would be shown as a negative zero."""
    error = refused(check_price, value, PATH)
    assert error.field == tuple(PATH)
    assert "signed" in error.message


@pytest.mark.parametrize(
    "value", ["1000000000000000000", "1234567890123.123456", "1.1234567", "0.0000001"]
)
def test_price_with_too_many_digits_is_refused(value: str) -> None:
    assert refused(check_price, value, PATH).field == tuple(PATH)


@pytest.mark.parametrize(
    "value",
    [
        "1e2",
        "1E2",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "",
        " 1",
        "1 ",
        "1.",
        ".5",
        "+1",
        "1,5",
        "0x10",
        "1_000",
        "\u0661\u0660\u0660",
    ],
)
def test_price_not_in_plain_decimal_notation_is_refused(value: str) -> None:
    refused(check_price, value, PATH)


@pytest.mark.parametrize("value", [100, 1.5, Decimal("1"), None])
def test_price_that_is_not_a_string_is_refused(value: object) -> None:
    refused(check_price, value, PATH)


def test_date_in_calendar_form_is_parsed() -> None:
    assert parse_date("2026-12-01", ["d"]) == date(2026, 12, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2026-13-01",
        "2026-02-30",
        "2026-12-1",
        "20261201",
        "2026-12-01T00:00",
        "2026-W01-1",
        "",
        "tomorrow",
        None,
        20261201,
        date(2026, 12, 1),
    ],
)
def test_date_not_in_calendar_form_is_refused(value: object) -> None:
    path = ["input", "items", "0", "periodStartDate"]
    error = refused(parse_date, value, path)
    assert error.field == tuple(path)
    assert "periodStartDate" in error.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01T09:30:00Z", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)),
        ("2026-12-01T12:30:00+03:00", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)),
        ("2026-12-01T09:30:00.123456+00:00", datetime(2026, 12, 1, 9, 30, 0, 123456, tzinfo=UTC)),
    ],
)
def test_datetime_with_an_offset_is_parsed(value: str, expected: datetime) -> None:
    parsed = parse_datetime(value, ["input", "startsAt"])
    assert parsed == expected
    assert parsed.utcoffset() is not None


def test_datetime_keeps_its_offset() -> None:
    parsed = parse_datetime("2026-12-01T12:30:00+03:00", ["x"])
    assert parsed.tzinfo == timezone(timedelta(hours=3))


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-01T09:30:00",
        "2026-12-01",
        "soon",
        "",
        None,
        1700000000,
        datetime(2026, 12, 1, tzinfo=UTC),
    ],
)
def test_datetime_without_an_offset_or_not_iso_is_refused(value: object) -> None:
    error = refused(parse_datetime, value, ["input", "endsAt"])
    assert error.field == ("input", "endsAt")


START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [(START, START + timedelta(microseconds=1)), (None, START), (START, None), (None, None)],
)
def test_window_that_starts_before_it_ends_is_accepted(
    starts_at: datetime | None, ends_at: datetime | None
) -> None:
    check_window(starts_at, ends_at, ["input"])


@pytest.mark.parametrize("ends_at", [START, START - timedelta(days=1)])
def test_window_ending_at_or_before_its_start_is_refused(ends_at: datetime) -> None:
    assert refused(check_window, START, ends_at, ["input"]).field == ("input", "endsAt")

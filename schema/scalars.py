"""Scalars that accept any string on input: a bad date or price is then reported as a payload
error naming its field (SPEC §5), not as a GraphQL validation failure of the whole request.

On output a Date or a DateTime is the domain's `date` or `datetime` (an order's items and
events are answered as they are), or a text already formatted; a Decimal is its text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

Date = NewType("Date", str)
DateTime = NewType("DateTime", str)
Decimal = NewType("Decimal", str)


def _passthrough(value: Any) -> Any:
    return value


def date_value(value: date) -> Date:
    return Date(value.isoformat())


def datetime_text(value: datetime | str) -> str:
    """A DateTime's text, in UTC: the scalar's serialize (every event's time, on every read)."""
    if isinstance(value, str):
        return value
    if value.tzinfo is not UTC:  # the store's times are UTC already: no conversion to make
        value = value.astimezone(UTC)
    return value.isoformat().replace("+00:00", "Z")


def datetime_value(value: datetime) -> DateTime:
    return DateTime(datetime_text(value))


SCALARS: dict[object, ScalarDefinition] = {
    Date: strawberry.scalar(
        name="Date",
        description='A calendar date, ISO 8601: "2026-12-01".',
        serialize=str,  # a date's str is its ISO 8601 text
        parse_value=_passthrough,
    ),
    DateTime: strawberry.scalar(
        name="DateTime",
        description='An instant, ISO 8601 with an offset: "2026-12-01T09:30:00Z". Returned in UTC.',
        serialize=datetime_text,
        parse_value=_passthrough,
    ),
    Decimal: strawberry.scalar(
        name="Decimal",
        description='A decimal number as a string: "1500.00"; compared by value.',
        serialize=str,
        parse_value=_passthrough,
    ),
}

# The texts the engine keeps by value (engine/leaves.py): each serialize whose text depends on
# the value alone, and the one class it keeps texts for: an order read again brings the same
# dates and times (docs/performance.md, step 4: reads of an order).
KEPT_TEXTS: dict[Any, type] = {str: date, datetime_text: datetime}

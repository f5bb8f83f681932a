"""Scalars that accept any string on input: a bad date or price is then reported as a payload
error naming its field (SPEC §5), not as a GraphQL validation failure of the whole request."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NewType

import strawberry


def _passthrough(value: Any) -> Any:
    return value


def _date(value: date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


DateScalar = strawberry.scalar(
    NewType("DateScalar", str),
    name="Date",
    description='A calendar date, ISO 8601: "2026-12-01".',
    serialize=_date,
    parse_value=_passthrough,
)
DateTimeScalar = strawberry.scalar(
    NewType("DateTimeScalar", str),
    name="DateTime",
    description='An instant, ISO 8601 with an offset: "2026-12-01T09:30:00Z". Returned in UTC.',
    serialize=_datetime,
    parse_value=_passthrough,
)
DecimalScalar = strawberry.scalar(
    NewType("DecimalScalar", str),
    name="Decimal",
    description='A decimal number as a string: "1500.00". Compared by value, returned as given.',
    serialize=lambda value: value if isinstance(value, str) else str(Decimal(value)),
    parse_value=_passthrough,
)
JSONScalar = strawberry.scalar(
    NewType("JSONScalar", object),
    name="JSON",
    description="Any JSON value.",
    serialize=_passthrough,
    parse_value=lambda value: json.loads(value) if isinstance(value, str) else value,
)

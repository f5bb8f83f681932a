"""A leaf's output (engine/leaves.py), by its closure and in place, answers what graphql-core's
coerce_output_value answers: texts kept by value only for exactly `date` and `datetime`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

import pytest
from graphql import GraphQLLeafType

from domain.events import EventType
from engine import leaves
from schema.build import build_schema
from schema.scalars import KEPT_TEXTS

TYPES = build_schema()._schema.type_map
LEAVES = leaves.Leaves(KEPT_TEXTS)  # as schema/build.py gives the engine
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))


def _in_place(leaf: GraphQLLeafType) -> Any:
    """The leaf's answer as an object's closure gives it: the expression, compiled."""
    output = LEAVES.output(leaf)
    namespace: dict[str, Any] = {"c": output.coerce}
    code = f"def answer(v):\n    return {output.expression('v', 'c', '0', namespace)}\n"
    exec(code, namespace)
    return namespace["answer"]


CASES = [
    (
        "DateTime",
        [T0, T0.astimezone(PARIS), T0 + timedelta(microseconds=5), "2026-01-01T00:00:00Z"],
    ),
    ("Date", [date(2026, 1, 2), datetime(2026, 1, 2, 3, 4), "2026-01-02", 17]),
    ("Decimal", ["1.50", 3]),
    ("JSON", [{"a": [1, None]}, [1], "s", 2]),
    ("ID", ["o1", 7]),
    ("OrderEventType", [EventType.ITEM_ADDED, EventType.ORDER_CREATED, "ITEM_ADDED"]),
    ("Int", [1, 2**31 - 1]),
]


@pytest.mark.parametrize(("name", "values"), CASES)
def test_each_value_is_answered_as_coerce_output_value_answers_it(
    name: str, values: list[Any]
) -> None:
    leaf = TYPES[name]
    assert isinstance(leaf, GraphQLLeafType)
    closure, in_place = LEAVES.output(leaf).coerce, _in_place(leaf)
    for _ in range(2):  # the second time from what was kept
        for value in values:
            expected = leaf.coerce_output_value(value)
            assert closure(value) == expected and in_place(value) == expected, value


def test_a_time_is_kept_by_value_and_equal_instants_share_a_text() -> None:
    leaf = TYPES["DateTime"]
    answer = LEAVES.output(leaf).coerce  # type: ignore[arg-type]
    assert answer(T0) == "2026-01-01T12:00:00Z"
    assert answer(T0.astimezone(PARIS)) == "2026-01-01T12:00:00Z"  # the same instant, in UTC


def test_a_datetime_is_not_answered_with_an_equal_dates_text() -> None:
    leaf = TYPES["Date"]
    answer = _in_place(leaf)  # type: ignore[arg-type]
    assert answer(date(2026, 1, 2)) == "2026-01-02"
    assert answer(datetime(2026, 1, 2)) == "2026-01-02 00:00:00"  # str's, as graphql-core's


def test_the_kept_texts_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(leaves, "KEPT", 10)
    answer = LEAVES.output(TYPES["DateTime"]).coerce  # type: ignore[arg-type]
    for n in range(25):
        assert answer(T0 + timedelta(days=n)) == (T0 + timedelta(days=n)).isoformat()[:19] + "Z"
    (texts,) = [texts for texts in LEAVES.texts.values() if T0 + timedelta(days=24) in texts]
    assert len(texts) <= 10


class _Other(Enum):
    ITEM_ADDED = "ITEM_ADDED"


def test_an_enum_name_is_looked_up_only_for_the_types_own_members() -> None:
    leaf = TYPES["OrderEventType"]
    answer = _in_place(leaf)  # type: ignore[arg-type]
    assert answer(EventType.ITEM_ADDED) == "ITEM_ADDED"
    with pytest.raises(Exception):  # noqa: B017  # as graphql-core: not a value of the enum
        leaf.coerce_output_value(_Other.ITEM_ADDED)  # type: ignore[union-attr]
    with pytest.raises(Exception):  # noqa: B017
        answer(_Other.ITEM_ADDED)

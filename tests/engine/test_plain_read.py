"""Plain completion of a read (engine/plain.py): an order with its type (a union), items,
promo and events, its resolvers called as readers, answered as the Run's own completion
answers it, or given back to it: on orders regular and broken in every way a read could be."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from inspect import isawaitable
from typing import Any

import pytest
from graphql.pyutils import Path

from domain import order as model
from domain.events import (
    Event,
    EventType,
    ItemAdded,
    OrderCreated,
    PromoReleased,
    ReleaseReason,
)
from engine.giveup import GiveUp
from engine.leaves import Leaves
from engine.plain import plain
from engine.run import Run
from schema.build import build_schema
from schema.scalars import KEPT_TEXTS
from schema.types import Order, SecurityDeposit

SCHEMA = build_schema()
DOCUMENT = (
    "query($orderId: ID!) { order(orderId: $orderId) { __typename orderId status total version "
    "entityId createdAt type { __typename ... on RentPayment { paymentDate term } "
    "... on SecurityDeposit { refundDate } } items { orderItemId serviceId price "
    "periodStartDate periodEndDate } promo { promoId userId } events { id orderId version "
    "type at data } } }"
)
ENGINE = SCHEMA.engine
assert ENGINE is not None
PLAN = ENGINE.compile(DOCUMENT, None)
(STEP,) = PLAN.root.fields
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _item(n: int, **changes: Any) -> model.OrderItem:
    end = date(2026, n, 28)
    values = dict(order_item_id=f"i{n}", service_id=f"s{n}", price=f"{n}00.50",
                  period_start_date=date(2026, n, 1), period_end_date=end)  # fmt: skip
    return model.OrderItem(**{**values, **changes})


@dataclass(frozen=True)
class _Shown:
    """An event as OrderEvent reads it (any of the domain's classes): here its attributes may
    hold anything, as an irregular read would give them."""

    id: str
    order_id: str
    version: int
    type: Any
    at: Any
    data: Any


def _event(n: int, kind: EventType = EventType.ITEM_ADDED, **changes: Any) -> Any:
    at = T0 + timedelta(seconds=n)
    values = dict(id=f"{n}-0", order_id="o1", version=n, type=kind, at=at,
                  data={"orderItemId": f"i{n}", "nested": [1, {"a": None}]})  # fmt: skip
    return _Shown(**{**values, **changes})


def _typed() -> list[Event]:
    reason, item = ReleaseReason.EXPIRED, _item(2)
    return [
        OrderCreated(
            "1-0", "o1", 1, T0, "e1", None, None, data=OrderCreated.payload("e1", None, None)
        ),
        ItemAdded("2-0", "o1", 2, T0, item, data=ItemAdded.payload(item)),
        PromoReleased("3-0", "o1", 3, T0, "p1", "u1", reason, data={"promoId": "p1"}),
    ]


def _order(**changes: Any) -> Order:
    rent = model.RentPayment(date(2026, 3, 1), model.RentTerm.FULL)
    items = [_item(n) for n in range(1, 4)]
    events = [_event(1, EventType.ORDER_CREATED), *(_event(n) for n in range(2, 5))]
    values = dict(order_id="o1", status=model.OrderStatus.OPEN, created_at=T0, updated_at=T0,
                  version=4, entity_id="e1", type=rent,
                  promo=model.PromoActivation("p1", "u1"), items=items, events=events)  # fmt: skip
    return Order.from_domain(model.Order(**{**values, **changes}))


# Made anew for each use: a value is read by the closures, then by the Run.
REGULAR: list[Callable[[], Any]] = [
    lambda: _order(),
    lambda: _order(
        type=model.SecurityDeposit(date(2026, 6, 1)), status=model.OrderStatus.COMPLETED
    ),
    lambda: _order(
        type=model.SecurityDeposit(None), promo=None, entity_id=None, items=[], events=[]
    ),
    lambda: _order(type=None, items=[_item(1, period_end_date=None)]),
    lambda: _order(type="not an order type"),  # no GraphQL type for it: null
    lambda: _order(items=[_item(1, period_start_date=17)]),  # a Date's serialize is str
    lambda: _order(events=_typed()),  # the domain's own classes of events
]
IRREGULAR: list[Callable[[], Any]] = [
    lambda: _order(items=[_item(1, price=None)]),  # Decimal! is non-null
    lambda: _order(events=[_event(1, kind="NOT_AN_EVENT_TYPE")]),  # type: ignore[arg-type]
    lambda: _order(events=[_event(1, at=1767268800)]),  # a time that does not format
    lambda: _order(events=[_event(1, data=ValueError("an error as a value"))]),
    lambda: _order(events=iter([_event(1)])),  # an iterable not a list
    lambda: _order(promo=model.PromoActivation(None, "u1")),  # type: ignore[arg-type]
    lambda: replace(_order(), domain=None),  # every reader raises
    lambda: None,  # order is nullable: answered as null by both
]


async def _outcome(value: Any, *, plain: bool) -> tuple[Any, ...]:
    """What a Run makes of the value, with the plain closures or without: its answer and the
    errors it located, or the error it raised."""
    run = Run(SCHEMA._schema, PLAN, None, None, None)
    at = Path(None, "order", None)
    try:
        if plain:
            assert STEP.plain is not None
            try:
                return ("answer", STEP.plain(value), [])
            except Exception:  # given back, as Run.object does
                pass
        answer = run.complete(STEP.shape, STEP, at, value)
        answer = await answer if isawaitable(answer) else answer
    except Exception as error:
        return ("raised", type(error), str(error))
    return ("answer", answer, [(e.message, e.path) for e in run.errors])


def test_a_read_of_an_order_is_completed_by_closures() -> None:
    assert STEP.plain is not None
    readers = [step.key for step in STEP.shape.fields if step.reader is not None]
    assert readers == ["total", "version", "createdAt", "type", "items", "promo", "events"]


@pytest.mark.parametrize("value", REGULAR)
async def test_regular_orders_are_answered_by_the_closures_as_the_run_answers_them(
    value: Callable[[], Any],
) -> None:
    assert STEP.plain is not None
    assert ("answer", STEP.plain(value()), []) == await _outcome(value(), plain=False)


@pytest.mark.parametrize("value", IRREGULAR)
async def test_irregular_orders_are_given_back_and_answered_as_before(
    value: Callable[[], Any],
) -> None:
    assert STEP.plain is not None
    if value() is not None:
        with pytest.raises(Exception):  # noqa: B017  # GiveUp, or the value's own error
            STEP.plain(value())
    assert await _outcome(value(), plain=True) == await _outcome(value(), plain=False)


async def test_the_answer_is_the_one_graphql_core_gives() -> None:
    """The Run's completion is itself checked against graphql-core (tests/engine/test_prepared.py);
    here the closures' answer of one order, by value."""
    assert STEP.plain is not None
    answer = STEP.plain(_order())
    assert answer["type"] == {"__typename": "RentPayment", "paymentDate": "2026-03-01",
                              "term": "FULL"}  # fmt: skip
    assert answer["events"][0] == {
        "id": "1-0", "orderId": "o1", "version": 1, "type": "ORDER_CREATED",
        "at": "2026-01-01T12:00:01Z", "data": {"orderItemId": "i1", "nested": [1, {"a": None}]},
    }  # fmt: skip
    assert answer["items"][0]["periodStartDate"] == "2026-01-01"
    assert (answer["total"], answer["status"], answer["__typename"]) == ("601.50", "OPEN", "Order")


class _Later(SecurityDeposit):
    """A subclass: no member's class exactly, so the Run's own union resolution answers it."""


async def test_a_union_value_of_no_members_class_is_given_back() -> None:
    (step,) = [step for step in STEP.shape.fields if step.key == "type"]
    union = plain(step.shape, Leaves(KEPT_TEXTS))
    assert union is not None
    with pytest.raises(GiveUp):
        union(_Later(refund_date=None))
    run = Run(SCHEMA._schema, PLAN, None, None, None)
    answer = await run.complete(
        step.shape, step, Path(None, "type", None), _Later(refund_date=None)
    )
    assert answer == {"__typename": "SecurityDeposit", "refundDate": None}

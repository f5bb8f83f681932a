"""Plain completion (engine/plain.py) answers what the Run's own completion answers, or gives
the value back to it: on a createOrder payload, regular and broken in every way a resolver
could break it."""

from __future__ import annotations

from typing import Any

import pytest
from graphql.pyutils import Path

from domain.errors import ErrorCode
from domain.order import OrderStatus
from engine.run import Run
from schema.build import build_schema
from schema.types import Order, OrderPayload, UserError

SCHEMA = build_schema()
DOCUMENT = (
    "mutation($input: CreateOrderInput) { createOrder(input: $input) { __typename "
    "order { orderId status entityId } errors { code field } } }"
)
ENGINE = SCHEMA.engine
assert ENGINE is not None
PLAN = ENGINE.compile(DOCUMENT, None)
(STEP,) = PLAN.root.fields


def _order(**changes: Any) -> Order:
    values: dict[str, Any] = {
        "order_id": "o1", "status": OrderStatus.OPEN, "entity_id": None,
        "domain": None,
    }  # fmt: skip
    return Order(**{**values, **changes})


def _error(**changes: Any) -> UserError:
    values: dict[str, Any] = {"code": ErrorCode.PROMO_EXHAUSTED, "message": "m", "status": 409}
    return UserError(**{**values, "field": ["input", "promoId"], **changes})


class _Items:
    def __init__(self, items: list[Any]) -> None:
        self.items = items

    def __iter__(self) -> Any:
        return iter(self.items)


async def _broken() -> None:
    pass


REGULAR = [
    OrderPayload(order=_order(), errors=[]),
    OrderPayload(order=_order(entity_id="e1", status=OrderStatus.COMPLETED), errors=[]),
    OrderPayload(order=None, errors=[_error(), _error(field=None)]),
    OrderPayload(order=None, errors=(_error(),)),
    OrderPayload(order=_order(order_id=7, status=OrderStatus.CANCELLED), errors=[]),  # an int ID
    OrderPayload(
        order=_order(status=OrderStatus.OPEN), errors=[_error(code=ErrorCode.ORDER_NOT_FOUND)]
    ),
]
IRREGULAR = [
    None,  # the payload is non-null
    OrderPayload(order=_order(status="NOT_A_STATUS"), errors=[]),
    OrderPayload(order=_order(order_id=None), errors=[]),
    OrderPayload(order=_order(), errors=None),
    OrderPayload(order=_order(), errors=_Items([_error()])),  # an iterable not a list
    OrderPayload(order=_order(), errors="not a list"),
    OrderPayload(order=None, errors=[_error(code="PROMO_EXHAUSTED")]),  # not the enum
    OrderPayload(order=ValueError("an error as a value"), errors=[]),
    OrderPayload(order=_order(order_id=RuntimeError("x")), errors=[]),
    {"order": None, "errors": []},  # no attributes
]


def _outcome(value: Any, *, plain: bool) -> tuple[Any, ...]:
    """What a Run makes of the value, with the plain closures or without: its answer and the
    errors it located, or the error it raised."""
    run = _run()
    at = Path(None, "createOrder", None)
    try:
        if plain:
            answer = run.completed(STEP, at, value)
        else:
            answer = run.complete_sync(STEP.shape, STEP, at, value)
    except Exception as error:
        return ("raised", type(error), str(error))
    return ("answer", answer, [(e.message, e.path) for e in run.errors])


def _run() -> Run:
    return Run(SCHEMA._schema, PLAN, None, None, None)


def test_the_payload_of_a_create_is_completed_by_closures() -> None:
    assert STEP.plain is not None


@pytest.mark.parametrize("value", REGULAR)
def test_regular_values_are_answered_by_the_closures_as_the_run_answers_them(value: Any) -> None:
    assert STEP.plain is not None
    assert ("answer", STEP.plain(value), []) == _outcome(value, plain=False)


@pytest.mark.parametrize("value", IRREGULAR)
def test_irregular_values_are_given_back_and_answered_as_before(value: Any) -> None:
    assert STEP.plain is not None
    with pytest.raises(Exception):  # noqa: B017  # GiveUp, or the value's own error
        STEP.plain(value)
    assert _outcome(value, plain=True) == _outcome(value, plain=False)


async def test_an_awaitable_value_is_given_back() -> None:
    awaitable = _broken()
    assert STEP.plain is not None
    with pytest.raises(Exception):  # noqa: B017
        STEP.plain(OrderPayload(order=_order(status=awaitable), errors=[]))
    awaitable.close()

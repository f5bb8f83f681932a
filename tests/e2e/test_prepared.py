"""Prepared documents (schema/prepared.py) answer exactly what graphql-core's generic path does.

Two in-process apps on the same backend get the same requests: one serves the PreparedSchema
(create_app's), the other the plain strawberry.Schema. Every document is sent more than once,
so the prepared app compiles it after its first run and answers the later runs from its plan.
Ids are unique per app (the real Redis is shared by both), so answers are compared with each
app's ids turned back into the `<name>` symbols the requests were written with.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from strawberry.types import ExecutionResult

import ordo.graphql
from domain.errors import Unavailable
from ordo.app import create_app
from ordo.settings import Settings, load_settings
from resolvers import orders
from resolvers.store import Store
from schema import prepared as plans
from schema.build import build_schema
from schema.types import OrderEvent
from tests.e2e import helpers as promo_docs
from tests.e2e import items_helpers as items
from tests.e2e.items_helpers import DEPOSIT, RENT, item, rent
from tests.support import ADMIN_TOKEN, RedisServer, unique

# --- requests written with symbols, and answers read back into them --------------------------


@dataclass(frozen=True)
class Ask:
    """A request sent `times` times in a row; `<name>` in its variables is an id of the app's."""

    document: str
    variables: dict[str, Any] | None = None
    times: int = 3
    token: str | None = None
    get: bool = False
    operation: str | None = None


def admin(document: str, variables: dict[str, Any]) -> Ask:
    return Ask(document, variables, token=ADMIN_TOKEN)


# Server-made values differ between the apps; only their shape has to match.
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)|\d+-\d+")
MOMENT_KEYS = {"createdAt", "updatedAt", "at", "id"}  # an event id is a stream id: a time


@dataclass
class Replay:
    """One app's side of a comparison: what it answered, in order."""

    http: httpx.AsyncClient
    suffix: str = field(default_factory=lambda: unique("app"))
    answers: list[tuple[int, Any]] = field(default_factory=list)

    async def send(self, *asks: Ask) -> None:
        for ask in asks:
            for _ in range(ask.times):
                response = await self._request(ask)
                json_body = response.headers.get("content-type", "").startswith("application/json")
                body = response.json() if json_body else response.text
                self.answers.append((response.status_code, body))

    async def _request(self, ask: Ask) -> httpx.Response:
        # The same suffix on every id keeps the apps' ids in the same order (listings tie on it).
        text = re.sub(r"<(\w+)>", rf"\1-{self.suffix}", json.dumps(ask.variables or {}))
        payload = {"query": ask.document, "variables": json.loads(text)}
        if ask.operation is not None:
            payload["operationName"] = ask.operation
        headers = {"Authorization": f"Bearer {ask.token}"} if ask.token else {}
        if ask.get:
            params = {key: v if isinstance(v, str) else json.dumps(v) for key, v in payload.items()}
            return await self.http.get("/graphql", params=params, headers=headers)
        return await self.http.post("/graphql", json=payload, headers=headers)

    def named(self) -> Any:
        text = re.sub(rf"(\w+)-{self.suffix}", r"<\1>", json.dumps(self.answers))
        made: dict[str, str] = {}
        return [[status, _unstamped(body, made)] for status, body in json.loads(text)]


def _unstamped(value: Any, made: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_unstamped(entry, made) for entry in value]
    if not isinstance(value, dict):
        return value
    return {key: _stamp(key, entry, made) for key, entry in value.items()}


def _stamp(key: str, value: Any, made: dict[str, str]) -> Any:
    if key in MOMENT_KEYS and isinstance(value, str) and MOMENT.fullmatch(value):
        return "<moment>"
    if key == "orderId" and isinstance(value, str) and not value.startswith("<"):
        return made.setdefault(value, f"<made{len(made)}>")  # createOrder's own ids
    return _unstamped(value, made)


async def both(prepared: Replay, generic: Replay, *asks: Ask) -> None:
    for side in (prepared, generic):
        await side.send(*asks)


# --- the two apps ---------------------------------------------------------------------------


@pytest.fixture
def settings(backend: str, redis_server: RedisServer) -> Settings:
    url = {"ORDO_REDIS_URL": redis_server.url} if backend == "redis" else {}
    return load_settings({"ORDO_ADMIN_TOKEN": ADMIN_TOKEN, **url})


async def _replay(app: Starlette) -> AsyncIterator[Replay]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ordo") as http:
        yield Replay(http)
    await app.state.store.close()  # the transport runs no lifespan to close it


@pytest.fixture
async def prepared(settings: Settings) -> AsyncIterator[Replay]:
    async for replay in _replay(create_app(settings)):
        yield replay


@pytest.fixture
async def generic(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Replay]:
    with monkeypatch.context() as patch:  # create_app always serves the prepared schema
        patch.setattr(ordo.graphql, "build_schema", partial(build_schema, prepared=False))
        app = create_app(settings)
    async for replay in _replay(app):
        yield replay


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per run_plan call: whether the plan answered (or left it to the generic path)."""
    calls: list[bool] = []
    real = plans.run_plan

    async def spy(*args: Any) -> ExecutionResult | None:
        result = await real(*args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(plans, "run_plan", spy)
    return calls


# --- the corpus -----------------------------------------------------------------------------

ACTIVATION = {"promoId": "<promo>", "userId": "<user>"}
SETUP = [
    admin(promo_docs.CREATE_USER, {"userId": "<user>"}),
    # Three times: one promo, then PROMO_EXISTS.
    admin(
        promo_docs.CREATE_PROMO, {"input": {"promoId": "<promo>", "count": 3, "perUserCount": 5}}
    ),
]
COUNTERS = admin(promo_docs.PROMO, ACTIVATION)
LATER = {"startsAt": "2999-01-01T00:00:00Z"}  # PROMO_NOT_ACTIVE


def with_items(
    order: str, *entries: dict[str, Any], type_: Any = RENT, promo: Any = None
) -> dict[str, Any]:
    given = {"orderId": f"<{order}>", "entityId": "<entity>", "type": type_}
    given["items"] = list(entries) or [item("a")]
    return {"input": {**given, "promo": promo} if promo else given}


def created(*orders: str, **options: Any) -> list[Ask]:
    return [Ask(items.CREATE, with_items(order, **options), times=1) for order in orders]


SHAPES = """
query Shapes($a: ID!, $b: ID!) {
  __typename
  first: order(orderId: $a) {
    ...Head
    ... on Order { total }
    ... { version }
    kind: type { __typename ... on SecurityDeposit { refundDate } }
  }
  second: order(orderId: $b) {
    id: orderId state: status
    items { __typename orderItemId cost: price }
    events { __typename kind: type }
    promo { __typename promoId }
    type { ... on RentPayment { term } }
  }
}
fragment Head on Order { __typename orderId status entityId }
"""
TWO_OPERATIONS = """
query Status($a: ID!) { order(orderId: $a) { status } }
query Listing($entity: ID!) { orders(entityId: $entity) { orderId items { orderItemId } } }
"""
TWO_CLOSES = """
mutation Close($a: ID!, $b: ID!) {
  __typename
  done: completeOrder(orderId: $a) {
    __typename order { orderId status events { type } } errors { code field }
  }
  gone: cancelOrder(orderId: $b) { order { ...Head } problems: errors { __typename code status } }
}
fragment Head on Order { __typename orderId status entityId }
"""
BOTH_ORDERS = """
query($a: ID!, $b: ID!) { a: order(orderId: $a) { status } b: order(orderId: $b) { status } }
"""
USED = """
mutation($input: CreatePromoInput!, $u: ID!, $v: ID!) {
  createPromo(input: $input) {
    promo { promoId a: used(userId: $u) b: used(userId: $v) } errors { code }
  }
}"""
DEFAULTS = """
query($e: ID!, $inc: Boolean = true) { orders(entityId: $e, includeDeclined: $inc) { orderId } }
"""
MIXED = """
mutation Make { createOrder { errors { code } } }
query Read($o: ID!) { order(orderId: $o) { status } }
"""


def promo_used(promo: str, user: str, other: str) -> Ask:
    fresh = {"promoId": f"<{promo}>", "count": 2, "perUserCount": 1}
    return Ask(USED, {"input": fresh, "u": user, "v": other}, times=1, token=ADMIN_TOKEN)


CASES: dict[str, list[Ask]] = {
    "createOrder without a promo": [
        Ask(promo_docs.CREATE_ORDER, {"input": {}}),
        Ask(promo_docs.CREATE_ORDER, {"input": None}),
        Ask(promo_docs.CREATE_ORDER_WITHOUT_INPUT),
    ],
    "createOrder with a promo, until its rules refuse": [
        *SETUP,
        Ask(promo_docs.CREATE_ORDER, {"input": ACTIVATION}, times=5),  # then PROMO_EXHAUSTED
        COUNTERS,
        admin(
            promo_docs.CREATE_PROMO,
            {"input": {"promoId": "<single>", "count": 5, "perUserCount": 1}},
        ),
        Ask(promo_docs.CREATE_ORDER, {"input": {"promoId": "<single>", "userId": "<user>"}}),
        admin(
            promo_docs.CREATE_PROMO,
            {"input": {"promoId": "<later>", "count": 5, "perUserCount": 1, **LATER}},
        ),
        Ask(promo_docs.CREATE_ORDER, {"input": {"promoId": "<later>", "userId": "<user>"}}),
    ],
    "createOrder refusals": [
        *SETUP,
        Ask(promo_docs.CREATE_ORDER, {"input": {"userId": "<stranger>", "promoId": "<promo>"}}),
        Ask(promo_docs.CREATE_ORDER, {"input": {"userId": "<user>", "promoId": "<nowhere>"}}),
        Ask(promo_docs.CREATE_ORDER, {"input": {"userId": "bad id!", "promoId": "<promo>"}}),
        Ask(promo_docs.CREATE_ORDER, {"input": {"userId": "<user>"}}),
        Ask(promo_docs.CREATE_ORDER, {"input": {"promoId": "p" * 129, "userId": "<user>"}}),
        Ask(promo_docs.CREATE_ORDER, {"input": {"idempotencyKey": "has space"}}),
    ],
    "createOrder with an idempotency key": [
        *SETUP,
        Ask(promo_docs.CREATE_ORDER, {"input": {"idempotencyKey": "<key>"}}),
        Ask(promo_docs.CREATE_ORDER, {"input": {"idempotencyKey": "<key>", **ACTIVATION}}),
        Ask(promo_docs.CREATE_ORDER, {"input": {"idempotencyKey": "<other>", **ACTIVATION}}),
        COUNTERS,
    ],
    "closing, declining and restoring": [
        *SETUP,
        *created("o1", "o2", "o3"),
        *created("p1", "p2", promo=ACTIVATION),
        # One of each close runs generic, the next from its plan: both change state.
        Ask(promo_docs.CANCEL_ORDER, {"orderId": "<o1>"}, times=1),
        Ask(promo_docs.CANCEL_ORDER, {"orderId": "<p1>"}, times=1),
        Ask(promo_docs.COMPLETE_ORDER, {"orderId": "<o2>"}, times=1),
        Ask(promo_docs.COMPLETE_ORDER, {"orderId": "<p2>"}),  # then repeats: no new events
        Ask(promo_docs.CANCEL_ORDER, {"orderId": "<p2>"}),  # ORDER_CLOSED
        Ask(promo_docs.CANCEL_ORDER, {"orderId": "<nowhere>"}),
        Ask(promo_docs.COMPLETE_ORDER, {"orderId": "bad id!"}),
        Ask(items.DECLINE, {"orderId": "<o3>"}),
        Ask(items.COMPLETE, {"orderId": "<o3>"}),  # ORDER_DECLINED
        Ask(items.RESTORE, {"orderId": "<o3>"}),
        Ask(items.RESTORE, {"orderId": "<nowhere>"}),
        Ask(items.DECLINE, {"orderId": "<nowhere>"}),
        COUNTERS,
    ],
    "orders with items": [
        Ask(items.CREATE, with_items("r", item("a", end="2026-01-31"), item("b", "0.5"))),
        Ask(items.CREATE, with_items("d", item("c", start="2025-12-01"), type_=DEPOSIT)),
        Ask(items.CREATE, with_items("n", item("e"), type_={"securityDeposit": {}})),
        Ask(items.CREATE, with_items("r", item("z"))),  # ORDER_CONFLICT
        Ask(items.CREATE, with_items("x", item("a"), item("a"))),
        Ask(items.CREATE, with_items("x", item("a"), item("b", "-1"))),
        Ask(
            items.UPDATE,
            {
                "input": {
                    "orderId": "<r>",
                    "type": rent("2026-03-01", "SHORT"),
                    "cancelItemIds": ["a"],
                    "addItems": [item("f", start="2026-02-01")],
                }
            },
        ),
        Ask(items.UPDATE, {"input": {"orderId": "<r>", "type": DEPOSIT}}),
        Ask(items.UPDATE, {"input": {"orderId": "<r>", "cancelItemIds": ["never"]}}),
        Ask(items.UPDATE, {"input": {"orderId": "<r>", "expectedVersion": 1}}),
        Ask(items.DECLINE, {"orderId": "<n>"}, times=1),
        Ask(items.ORDER, {"orderId": "<r>"}),
        Ask(items.ORDER, {"orderId": "<d>"}),
        Ask(items.ORDERS, {"entityId": "<entity>"}),
        Ask(items.ORDERS, {"entityId": "<entity>", "includeDeclined": True}),
    ],
    "aliases, fragments and __typename": [
        *SETUP,
        *created("d", type_=DEPOSIT),
        *created("r", promo=ACTIVATION),
        Ask(SHAPES, {"a": "<d>", "b": "<r>"}),
        Ask(SHAPES, {"a": "<r>", "b": "<d>"}),
        Ask(TWO_OPERATIONS, {"a": "<r>", "entity": "<entity>"}, operation="Status"),
        Ask(TWO_OPERATIONS, {"a": "<r>", "entity": "<entity>"}, operation="Listing"),
        *created("m1", "m2", "m3"),
        Ask(TWO_CLOSES, {"a": "<m1>", "b": "<m2>"}, times=1),
        Ask(TWO_CLOSES, {"a": "<m3>", "b": "<m3>"}),  # the cancel is refused: ORDER_CLOSED
    ],
    "queries that fail": [
        *SETUP,
        *created("r"),
        # Each document runs well first, so the failing runs meet a plan.
        Ask(items.ORDER, {"orderId": "<r>"}, times=1),
        Ask(items.ORDER, {"orderId": "<nowhere>"}),
        Ask(items.ORDER, {"orderId": "bad id!"}),
        Ask(BOTH_ORDERS, {"a": "<r>", "b": "<r>"}, times=1),
        Ask(BOTH_ORDERS, {"a": "<r>", "b": "<nowhere>"}),
        Ask(items.ORDERS, {"entityId": "<entity>"}, times=1),
        Ask(items.ORDERS, {"entityId": "bad id!"}),  # [Order!]!: data null
        COUNTERS,
        Ask(promo_docs.PROMO, ACTIVATION),
        Ask(promo_docs.PROMO, ACTIVATION, token="wrong"),
        admin(promo_docs.PROMO, {"promoId": "<nowhere>", "userId": "<user>"}),
        admin(promo_docs.PROMO, {"promoId": "<promo>", "userId": "bad id!"}),  # used: Int!
    ],
    "variables that do not coerce": [
        *created("r"),
        Ask(items.ORDER, {"orderId": "<r>"}, times=1),
        Ask(items.ORDER, {}),
        Ask(items.ORDER, {"orderId": None}),
        Ask(items.ORDER, {"orderId": ["r"]}),
        Ask(items.ORDERS, {"entityId": "<entity>"}, times=1),
        Ask(items.ORDERS, {"entityId": "<entity>", "includeDeclined": "yes"}),
        Ask(items.CREATE, {"input": {"orderId": "<r>"}}),
        Ask(items.CREATE, with_items("r", type_={**RENT, **DEPOSIT})),
        Ask(items.CREATE, with_items("r", type_=rent(term="WEEKLY"))),
        Ask(items.CREATE, with_items("r", {**item("a"), "price": 12})),
        Ask(items.CREATE, with_items("r", item("a", start="2026-13-01"))),
        Ask(promo_docs.CREATE_ORDER, {"input": {}}, times=1),
        Ask(promo_docs.CREATE_ORDER, {"input": "not an object"}),
        Ask(promo_docs.CREATE_ORDER, {"input": {"promoID": "<promo>"}}),
    ],
    "promo administration": [
        *SETUP,
        # An async field with arguments inside a mutation: its failure nulls the promo.
        promo_used("p1", "<user>", "<stranger>"),
        promo_used("p2", "<user>", "<stranger>"),
        promo_used("p3", "bad id!", "<user>"),
        promo_used("p4", "bad id!", "bad:id?"),
        Ask(promo_docs.CREATE_ORDER, {"input": ACTIVATION}, times=1),
        admin(promo_docs.UPDATE_PROMO, {"input": {"promoId": "<promo>", "count": 9}}),
        admin(promo_docs.UPDATE_PROMO, {"input": {"promoId": "<promo>", "count": 0}}),
        admin(promo_docs.UPDATE_PROMO, {"input": {"promoId": "<nowhere>", "endsAt": None}}),
        Ask(promo_docs.UPDATE_PROMO, {"input": {"promoId": "<promo>"}}),
        Ask(promo_docs.UPDATE_PROMO, {"input": {"promoId": "<promo>"}}, token="wrong"),
        admin(promo_docs.CREATE_USER, {"userId": "bad id!"}),
        COUNTERS,
    ],
    "operation names and variable defaults": [
        *created("r", "n"),
        Ask(items.DECLINE, {"orderId": "<n>"}, times=1),
        Ask(DEFAULTS, {"e": "<entity>"}),
        Ask(DEFAULTS, {"e": "<entity>", "inc": None}),
        Ask(DEFAULTS, {"e": "<entity>", "inc": False}),
        Ask(DEFAULTS, {"e": "<entity>"}, operation=""),
        Ask(MIXED, {"o": "<r>"}, operation="Read"),
        Ask(MIXED, {"o": "<r>"}, operation="Make"),
        Ask(MIXED, {"o": "<r>"}, operation="Read", get=True),
        Ask(MIXED, {"o": "<r>"}, operation="Make", get=True),
        Ask(MIXED, {"o": "<r>"}, operation="Nope"),
        Ask(MIXED, {"o": "<r>"}),
    ],
    "GET": [
        *created("r", "o1", "o2"),
        Ask(items.ORDER, {"orderId": "<r>"}, get=True),
        Ask(items.ORDER, {"orderId": "<nowhere>"}, get=True),
        Ask(items.ORDER, {}, get=True),
        Ask(items.COMPLETE, {"orderId": "<o1>"}, times=2),
        # The mutation has a plan now; over GET it is still refused, and changes nothing.
        Ask(items.COMPLETE, {"orderId": "<o2>"}, get=True),
        Ask(promo_docs.CREATE_ORDER, {"input": {}}, get=True),
        Ask(items.ORDER, {"orderId": "<o2>"}),
    ],
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_planned_runs_answer_as_the_generic_path(
    case: list[Ask], prepared: Replay, generic: Replay, planned: list[bool]
) -> None:
    await both(prepared, generic, *case)
    assert any(planned), "no request of the case was answered from a plan"
    assert prepared.named() == generic.named()


async def test_a_document_is_answered_from_its_plan_from_its_second_run_on(
    prepared: Replay, generic: Replay, planned: list[bool]
) -> None:
    await both(prepared, generic, Ask(promo_docs.CREATE_ORDER, {"input": {}}))
    # The generic app runs no plan: were it prepared too, the comparisons above would be empty.
    assert planned == [True, True]


GENERIC_ONLY = {
    "directive": """query($o: ID!, $v: Boolean!) {
      order(orderId: $o) { status version @include(if: $v) }
    }""",
    "fragment on a union": """query($o: ID!) {
      order(orderId: $o) { type { ... on OrderType { __typename } } }
    }""",
    "repeated response key": """query($o: ID!) {
      order(orderId: $o) { status } order(orderId: $o) { version }
    }""",
    "__schema": "{ __schema { queryType { name } mutationType { name } } }",
    "__type": '{ __type(name: "OrderType") { possibleTypes { name } } }',
}


@pytest.mark.parametrize("document", GENERIC_ONLY.values(), ids=GENERIC_ONLY.keys())
async def test_documents_plans_leave_to_the_generic_path_run_no_plan_and_answer_the_same(
    document: str, prepared: Replay, generic: Replay, planned: list[bool]
) -> None:
    await both(prepared, generic, *created("r"), Ask(document, {"o": "<r>", "v": True}))
    assert planned == []
    assert prepared.named() == generic.named()


# --- failures inside a plan -----------------------------------------------------------------


async def _broken(*args: object, **kwargs: object) -> None:
    raise RuntimeError("internal detail that must not leak")


def _no_events(*args: object) -> None:
    raise RuntimeError("internal detail that must not leak")


async def test_an_unexpected_failure_of_a_mutation_in_its_plan_is_masked_as_generic(
    prepared: Replay, generic: Replay, planned: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    create = Ask(promo_docs.CREATE_ORDER, {"input": {}}, times=2)
    await both(prepared, generic, create)
    monkeypatch.setattr(orders, "create_order", _broken)
    await both(prepared, generic, create)
    assert planned == [True, True, True]  # the failing runs too: a mutation is not run twice
    assert prepared.named() == generic.named()
    assert generic.answers[-1][1]["errors"][0]["message"] == "Unexpected error."


async def test_a_failing_non_null_field_nulls_up_to_the_nearest_nullable_as_generic(
    prepared: Replay, generic: Replay, planned: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """events is [OrderEvent!]!: its failure nulls the order, not the payload or the root."""
    warm = [
        *created("m1", "m2", "m3", "m4"),
        Ask(TWO_CLOSES, {"a": "<m1>", "b": "<m2>"}, times=1),
        Ask(items.ORDER, {"orderId": "<m1>"}, times=2),
        Ask(items.ORDERS, {"entityId": "<entity>"}, times=2),
    ]
    await both(prepared, generic, *warm)
    monkeypatch.setattr(OrderEvent, "from_domain", _no_events)
    patched, runs = len(generic.answers), len(planned)
    after = [
        Ask(TWO_CLOSES, {"a": "<m3>", "b": "<m4>"}),
        Ask(items.ORDER, {"orderId": "<m1>"}),
        Ask(items.ORDERS, {"entityId": "<entity>"}),
    ]
    await both(prepared, generic, *after)
    assert prepared.named() == generic.named()
    assert generic.answers[patched][1]["data"]["done"]["order"] is None
    # The mutation's plan answers its own errors; the queries' go back to the generic path.
    assert planned[runs:] == [True] * 3 + [False] * 6


async def test_an_unavailable_store_answers_in_a_plan_as_in_the_generic_path(
    prepared: Replay, generic: Replay, planned: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    asks = [
        Ask(promo_docs.CREATE_ORDER, {"input": {}}, times=2),
        *created("u1"),
        Ask(items.COMPLETE, {"orderId": "<u1>"}, times=2),
        Ask(items.ORDER, {"orderId": "<u1>"}, times=2),
    ]
    await both(prepared, generic, *asks)

    async def down(*args: object) -> None:
        raise Unavailable("connection refused")

    for door in ("run", "run_in_order", "read", "read_many"):
        monkeypatch.setattr(Store, door, down)
    runs = len(planned)
    await both(prepared, generic, *asks)
    assert prepared.named() == generic.named()
    assert generic.answers[-1][1]["errors"][0]["extensions"] == {
        "code": "UNAVAILABLE",
        "status": 503,
    }
    assert planned[runs:] == [True] * 5 + [False] * 2  # the order query is run again

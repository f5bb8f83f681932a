"""Prepared documents (engine/) answer exactly what graphql-core's generic path does.

Two in-process apps on the same backend get the same requests: one serves the schema with its
engine (create_app's), the other the schema without one. Every document is sent more than once,
so the prepared app compiles it after its first run and answers the later runs from its plan.
Ids are unique per app (the real Redis is shared by both), so answers are compared with each
app's ids turned back into the `<name>` symbols the requests were written with.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from strawberry.types import ExecutionResult

from domain.errors import Unavailable
from engine import Engine
from ordo.app import create_app
from ordo.settings import Settings, load_settings
from resolvers import orders
from schema.types import OrderEvent
from store import SingleStore
from tests import tokens
from tests.e2e import helpers
from tests.engine.prepared_corpus import CASES, CUSTOMER_CASES, SHAPES, TWO_CLOSES, created
from tests.engine.replay import CURSOR_KEY, Ask, Replay, both
from tests.support import ADMIN_TOKEN, RedisServer, unique

# --- the two apps ---------------------------------------------------------------------------


@pytest.fixture
def settings(backend: str, redis_server: RedisServer) -> Settings:
    url = {"ORDO_REDIS_URL": redis_server.url} if backend == "redis" else {}
    return load_settings({"ORDO_ADMIN_TOKEN": ADMIN_TOKEN, "ORDO_CURSOR_KEY": CURSOR_KEY, **url})


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
async def generic(settings: Settings) -> AsyncIterator[Replay]:
    async for replay in _replay(create_app(replace(settings, graphql_prepared=False))):
        yield replay


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per run of a plan: whether the plan answered (or left it to the generic path)."""
    calls: list[bool] = []
    real = Engine.run

    async def spy(*args: Any) -> ExecutionResult | None:
        result = await real(*args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(Engine, "run", spy)
    return calls


@pytest.mark.parametrize("case", CUSTOMER_CASES.values(), ids=CUSTOMER_CASES.keys())
async def test_planned_runs_with_end_user_tokens_answer_as_the_generic_path(
    case: list[Ask], settings: Settings, planned: list[bool]
) -> None:
    verifying = replace(
        settings, jwt_secret=tokens.SECRET, jwt_audience=tokens.AUDIENCE, jwt_issuer=tokens.ISSUER
    )
    async for prepared in _replay(create_app(verifying)):
        async for generic in _replay(create_app(replace(verifying, graphql_prepared=False))):
            await both(prepared, generic, *case)
            assert any(planned), "no request of the case was answered from a plan"
            assert prepared.named() == generic.named()


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
    await both(prepared, generic, Ask(helpers.CREATE_ORDER, {"input": {}}))
    # The generic app runs no plan: were it prepared too, the comparisons above would be empty.
    assert planned == [True, True]


READS = {
    "order": Ask(helpers.ORDER, {"orderId": "<l>"}),
    "orders": Ask(helpers.ORDERS, {"entityId": "<entity>"}),
    "shapes": Ask(SHAPES, {"a": "<l>", "b": "<l>"}),
}


@pytest.mark.parametrize("ask", READS.values(), ids=READS.keys())
async def test_a_documents_first_request_and_its_planned_ones_answer_alike(
    ask: Ask, prepared: Replay, planned: list[bool]
) -> None:
    """The engine learns a document from its first request, which the generic path answers
    (engine/door.py); the later ones run its plan. One app, the same read three times."""
    await prepared.send(*created("l"))
    runs = len(planned)
    await prepared.send(replace(ask, times=3))
    assert planned[runs:] == [True, True]  # the first: generic; then the plan's
    first, second, third = prepared.named()[-3:]
    assert first[0] == 200 and "errors" not in first[2], first
    assert first == second == third


@pytest.mark.parametrize("get", [False, True], ids=["post", "get"])
async def test_a_persisted_hash_runs_its_plan_and_answers_as_the_generic_path(
    prepared: Replay, generic: Replay, planned: list[bool], get: bool
) -> None:
    """SPEC §5.1: unknown, registered with its text, then sent as the hash alone."""
    document = (
        f"query {unique('P').replace('-', '_')}($o: ID!) {{ order(orderId: $o) {{ status }} }}"
    )
    asks = [
        *created("p"),
        Ask(document, {"o": "<p>"}, times=1, persisted="hash", get=get),
        Ask(document, {"o": "<p>"}, times=1, persisted="text"),
        Ask(document, {"o": "<p>"}, times=3, persisted="hash", get=get),
    ]
    await both(prepared, generic, *asks)
    assert planned[-3:] == [True, True, True]  # every hash alone after the registration
    assert prepared.answers[1][1]["errors"][0]["message"] == "PersistedQueryNotFound"
    # On the real Redis the apps share the registry: the generic one found the document kept.
    assert prepared.named()[2:] == generic.named()[2:]
    status, answer, *_ = prepared.answers[-1]
    assert (status, answer["data"]) == (200, {"order": {"status": "OPEN"}})
    assert answer["extensions"]["cost"]["requestedQueryCost"] == 2  # SPEC §5's weights


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
    create = Ask(helpers.CREATE_ORDER, {"input": {}}, times=2)
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
        Ask(helpers.ORDER, {"orderId": "<m1>"}, times=2),
        Ask(helpers.ORDERS, {"entityId": "<entity>"}, times=2),
    ]
    await both(prepared, generic, *warm)
    monkeypatch.setattr(OrderEvent, "of_order", _no_events)
    patched, runs = len(generic.answers), len(planned)
    after = [
        Ask(TWO_CLOSES, {"a": "<m3>", "b": "<m4>"}),
        Ask(helpers.ORDER, {"orderId": "<m1>"}),
        Ask(helpers.ORDERS, {"entityId": "<entity>"}),
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
        Ask(helpers.CREATE_ORDER, {"input": {}}, times=2),
        *created("u1"),
        Ask(helpers.COMPLETE, {"orderId": "<u1>"}, times=2),
        Ask(helpers.ORDER, {"orderId": "<u1>"}, times=2),
    ]
    await both(prepared, generic, *asks)

    async def down(*args: object, **options: object) -> None:
        raise Unavailable("connection refused")

    for door in ("run", "run_in_order", "read", "read_many"):
        monkeypatch.setattr(SingleStore, door, down)  # the embedded store's doors too
    runs = len(planned)
    await both(prepared, generic, *asks)
    assert prepared.named() == generic.named()
    assert generic.answers[-1][1]["errors"][0]["extensions"] == {
        "code": "UNAVAILABLE",
        "status": 503,
    }
    assert planned[runs:] == [True] * 5 + [False] * 2  # the order query is run again


@pytest.mark.parametrize(("value", "planned_runs"), [("true", True), ("false", False)])
async def test_ordo_graphql_prepared_switches_the_plans(
    value: str, planned_runs: bool, backend: str, redis_server: RedisServer, planned: list[bool]
) -> None:
    env = {"ORDO_ADMIN_TOKEN": ADMIN_TOKEN, "ORDO_GRAPHQL_PREPARED": value}
    if backend == "redis":
        env["ORDO_REDIS_URL"] = redis_server.url
    async for app in _replay(create_app(load_settings(env))):
        await app.send(Ask(helpers.CREATE_ORDER, {"input": {}}))
    assert bool(planned) == planned_runs

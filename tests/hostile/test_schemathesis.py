"""schemathesis against the REST routes (/openapi.json) and the GraphQL schema (introspected),
on a server of each GraphQL path (prepared plans and generic):
generated requests, valid and invalid, never get a 5xx, and every answer has the documented
shape (REST: the OpenAPI responses, errors {"error": {code, message}}; GraphQL: SPEC §5).
Bounded: a few dozen examples per operation, and every operation of SPEC §5 and §6 gets them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
import schemathesis
from graphql import (
    FieldNode,
    NameNode,
    SelectionSetNode,
    Visitor,
    build_schema,
    parse,
    print_ast,
    visit,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes

from domain.errors import ErrorCode
from tests.e2e.helpers import CONTRACT
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer

BOUNDED = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # report a failure as found; shrinking is slow
)
CODES = {code.name: code.status for code in ErrorCode}
# Of BOUNDED's 30 per operation: fewer means the operation was barely exercised.
MIN_CASES = 20
REST_OPERATIONS = {"POST /orders", "GET /orders/{order_id}", "POST /orders/{order_id}"}


def scalar(name: str, valid: st.SearchStrategy[str]) -> None:
    """ordo's string scalars: well-formed values half the time, any text the other half."""
    schemathesis.graphql.scalar(name, st.one_of(valid, st.text(max_size=40)).map(nodes.String))


scalar("Date", st.dates().map(date.isoformat))
scalar("DateTime", st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat))
scalar("Decimal", st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str))


@pytest.fixture(scope="module", params=["prepared", "generic"])
def hostile_server(
    request: pytest.FixtureRequest, redis_server: RedisServer
) -> Iterator[OrdoServer]:
    """Both GraphQL paths: the prepared plans (the default) and graphql-core's generic one."""
    prepared = "true" if request.param == "prepared" else "false"
    server = OrdoServer(redis_server.url, env={"ORDO_GRAPHQL_PREPARED": prepared})
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def openapi_schema(hostile_server: OrdoServer) -> Any:
    return schemathesis.openapi.from_url(f"{hostile_server.url}/openapi.json")


@pytest.fixture(scope="module")
def graphql_schema(hostile_server: OrdoServer) -> Any:
    return schemathesis.graphql.from_url(f"{hostile_server.url}/graphql")


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def explore(operation: Any, mode: GenerationMode, check: Callable[[Any], None]) -> int:
    """Run `check` on bounded generated cases of one operation (schemathesis's strategy driven
    by hypothesis directly: its pytest plugin does not run on this pytest); how many ran."""
    ran = 0

    @BOUNDED
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        nonlocal ran
        ran += 1
        check(case)

    run()
    return ran


def explore_all(schema: Any, mode: GenerationMode, check: Callable[[Any], None]) -> Counter[str]:
    """Cases run per operation label, for every operation the schema has."""
    return Counter({op.label: explore(op, mode, check) for op in operations(schema)})


def rest_case(case: Any) -> None:
    case.call_and_validate()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_rest_answers_no_5xx_and_only_documented_responses(
    openapi_schema: Any, mode: GenerationMode
) -> None:
    ran = explore_all(openapi_schema, mode, rest_case)
    assert set(ran) == REST_OPERATIONS, ran
    assert min(ran.values()) >= MIN_CASES, ran


class _SelectErrorCodes(Visitor):
    """Adds code, status and message to every `errors { … }` selection (only payloads have an
    `errors` field), so each payload error a generated document meets can be checked."""

    def leave_field(self, node: FieldNode, *_: Any) -> FieldNode | None:
        if node.name.value != "errors" or node.selection_set is None:
            return None
        chosen = {s.name.value for s in node.selection_set.selections if isinstance(s, FieldNode)}
        added = [FieldNode(name=NameNode(value=name)) for name in ("code", "status", "message")]
        selections = (
            *node.selection_set.selections,
            *(f for f in added if f.name.value not in chosen),
        )
        return replace(node, selection_set=SelectionSetNode(selections=selections))


def with_error_codes(document: str) -> str:
    return print_ast(visit(parse(document), _SelectErrorCodes()))


def payload_errors(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The `errors` of every mutation payload in the answer (queries answer no payload)."""
    data = body.get("data") or {}
    return [
        e for value in data.values() if isinstance(value, dict) for e in value.get("errors", [])
    ]


def assert_graphql_shape(status: int, body: dict[str, Any]) -> None:
    """SPEC §5: 400 only for a request that never ran (no data); payload errors name a known
    code with its status and a message; top-level errors carry a message, and those of a
    request that ran carry extensions {code, status}."""
    assert status in (200, 400), (status, body)
    assert set(body) <= {"data", "errors", "extensions"} and body, body
    if status == 400:
        assert body.get("data") is None and body["errors"], body
    for error in body.get("errors", []):
        assert isinstance(error["message"], str) and error["message"], body
        if status == 200:  # an executed field failed: never a masked "Unexpected error."
            extensions = error["extensions"]
            assert CODES[extensions["code"]] == extensions["status"], body
    for error in payload_errors(body):
        assert CODES[error["code"]] == error["status"] and error["message"], body


def test_graphql_answers_no_5xx_and_only_the_documented_error_shapes(graphql_schema: Any) -> None:
    seen: list[dict[str, Any]] = []

    def graphql_case(case: Any) -> None:
        case.body = with_error_codes(case.body)
        response = case.call(headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert response.status_code < 500, response.text
        assert "Traceback" not in response.text
        assert_graphql_shape(response.status_code, response.json())
        seen.extend(payload_errors(response.json()))

    ran = explore_all(graphql_schema, GenerationMode.POSITIVE, graphql_case)
    contract = build_schema(CONTRACT.read_text())
    roots = {"Query": contract.query_type, "Mutation": contract.mutation_type}
    expected = {f"{root}.{name}" for root, kind in roots.items() for name in kind.fields}
    assert expected <= set(ran), ran
    assert min(ran.values()) >= MIN_CASES, ran
    # Generated input is mostly refused: the payload-error checks above did run.
    assert len(seen) >= MIN_CASES, seen

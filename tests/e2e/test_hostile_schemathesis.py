"""schemathesis against the REST routes (/openapi.json) and the GraphQL schema (introspected):
generated requests, valid and invalid, never get a 5xx, and every answer has the documented
shape (REST: the OpenAPI responses, errors {"error": {code, message}}; GraphQL: SPEC §5).
Bounded: a few dozen examples per operation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes

from domain.errors import ErrorCode
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer

BOUNDED = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # report a failure as found; shrinking is slow
)
CODES = {code.name: code.status for code in ErrorCode}


def scalar(name: str, valid: st.SearchStrategy[str]) -> None:
    """ordo's string scalars: well-formed values half the time, any text the other half."""
    schemathesis.graphql.scalar(name, st.one_of(valid, st.text(max_size=40)).map(nodes.String))


scalar("Date", st.dates().map(date.isoformat))
scalar("DateTime", st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat))
scalar("Decimal", st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str))


@pytest.fixture(scope="module")
def hostile_server(redis_server: RedisServer) -> Iterator[OrdoServer]:
    server = OrdoServer(redis_server.url)
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


def explore(operation: Any, mode: GenerationMode, check: Callable[[Any], None]) -> None:
    """Run `check` on bounded generated cases of one operation (schemathesis's strategy driven
    by hypothesis directly: its pytest plugin does not run on this pytest)."""

    @BOUNDED
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        check(case)

    run()


def rest_case(case: Any) -> None:
    case.call_and_validate()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_rest_answers_no_5xx_and_only_documented_responses(
    openapi_schema: Any, mode: GenerationMode
) -> None:
    for operation in operations(openapi_schema):
        explore(operation, mode, rest_case)


def assert_graphql_shape(status: int, body: dict[str, Any]) -> None:
    """SPEC §5: 400 only for a request that never ran (no data); payload errors name a known
    code with its status; top-level errors carry a message, and those of a request that ran
    carry extensions {code, status}."""
    assert status in (200, 400), (status, body)
    assert set(body) <= {"data", "errors", "extensions"} and body, body
    if status == 400:
        assert body.get("data") is None and body["errors"], body
    for error in body.get("errors", []):
        assert isinstance(error["message"], str) and error["message"], body
        if status == 200:  # an executed field failed: never a masked "Unexpected error."
            extensions = error["extensions"]
            assert CODES[extensions["code"]] == extensions["status"], body
    for payload in (body.get("data") or {}).values():
        for error in (payload or {}).get("errors", []) if isinstance(payload, dict) else []:
            if "code" in error and "status" in error:
                assert CODES[error["code"]] == error["status"], body


def graphql_case(case: Any) -> None:
    response = case.call(headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text
    assert_graphql_shape(response.status_code, response.json())


def test_graphql_answers_no_5xx_and_only_the_documented_error_shapes(graphql_schema: Any) -> None:
    for operation in operations(graphql_schema):
        explore(operation, GenerationMode.POSITIVE, graphql_case)

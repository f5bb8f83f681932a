"""GraphQL document limits (schema/limits.py, schema/cost.py, through schema/gate.py): depth,
cost and tokens are refused before anything runs, the schema's own queries and introspection
pass, and the limits leave Strawberry's validation cache effective (the rule classes are the
same on every request)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import strawberry
import strawberry.schema.schema as strawberry_schema
from graphql import get_introspection_query
from strawberry.extensions import QueryDepthLimiter, ValidationCache

from schema.build import build_schema
from schema.cost import DEFAULT_MAX_QUERY_COST
from schema.limits import MAX_DEPTH, MAX_TOKENS
from tests.support import unique

SCHEMA = build_schema()


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts graphql-core validate calls (what ValidationCache saves)."""
    calls: list[int] = []
    real = strawberry_schema.validate

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counted)
    yield calls


def probe() -> str:
    """A document never seen before (a fresh operation name), needing no resolver."""
    return f"query {unique('probe').replace('-', '_')} {{ __typename }}"


def messages(result: Any) -> list[str]:
    return [error.message for error in result.errors or []]


async def test_identical_requests_are_validated_once_with_the_limits_on(
    validations: list[int],
) -> None:
    query = probe()
    for _ in range(3):
        assert (await SCHEMA.execute(query)).errors is None
    assert len(validations) == 1


@strawberry.type
class Probe:
    @strawberry.field
    def ok(self) -> bool:
        return True


async def test_a_rule_made_per_request_would_miss_the_cache(validations: list[int]) -> None:
    """Why the limits are fixed classes: Strawberry's QueryDepthLimiter validates every time."""
    per_request = strawberry.Schema(
        query=Probe,
        extensions=[lambda: QueryDepthLimiter(max_depth=10), lambda: ValidationCache(maxsize=64)],
    )
    query = probe()
    for _ in range(3):
        await per_request.execute(query)
    assert len(validations) == 3


def chain(levels: int) -> str:
    """Fields nested `levels` deep, through introspection's recursive __Type."""
    return "ofType { " * (levels - 1) + "name" + " }" * (levels - 1)


def nested(depth: int) -> str:
    return f'{{ __type(name: "Order") {{ {chain(depth - 1)} }} }}'


async def test_a_query_nested_at_the_limit_runs() -> None:
    assert (await SCHEMA.execute(nested(MAX_DEPTH))).errors is None


async def test_a_query_nested_past_the_limit_is_refused() -> None:
    found = messages(await SCHEMA.execute(nested(MAX_DEPTH + 1)))
    assert found == [
        f"the operation nests fields {MAX_DEPTH + 1} deep; at most {MAX_DEPTH} are allowed"
    ]


async def test_depth_counts_fields_inside_fragments() -> None:
    query = f"""
    query Deep {{ ...A }}
    fragment A on Query {{ __type(name: "Order") {{ ...B }} }}
    fragment B on __Type {{ {chain(MAX_DEPTH)} }}
    """
    assert messages(await SCHEMA.execute(query))[0].startswith("Deep nests fields")


async def test_a_fragment_cycle_is_refused_without_recursing_forever() -> None:
    query = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    assert any(
        "Cannot spread fragment" in message for message in messages(await SCHEMA.execute(query))
    )


def listings(count: int) -> str:
    """`count` aliases of the entity listing: each costs 1 + 50 (SPEC §5's table)."""
    fields = " ".join(f'a{n}: orders(entityId: "e") {{ orderId }}' for n in range(count))
    return f"{{ {fields} }}"


async def test_aliases_cost_nothing_beyond_their_fields() -> None:
    query = "{ " + " ".join(f"a{index}: __typename" for index in range(500)) + " }"
    result = await SCHEMA.execute(query)
    assert result.errors is None
    assert result.extensions == {
        "cost": {"requestedQueryCost": 0, "maximumAvailable": DEFAULT_MAX_QUERY_COST}
    }


async def test_thirty_entity_listings_are_refused_by_their_cost_before_running(
    validations: list[int],
) -> None:
    result = await SCHEMA.execute(listings(30))
    [error] = result.errors or []
    assert error.message == (
        f"the query costs 1530; at most {DEFAULT_MAX_QUERY_COST} is allowed (SPEC §5)"
    )
    assert error.extensions == {"code": "QUERY_TOO_COSTLY", "status": 400}
    assert result.data is None
    assert result.extensions == {
        "cost": {"requestedQueryCost": 1530, "maximumAvailable": DEFAULT_MAX_QUERY_COST}
    }
    await SCHEMA.execute(listings(30))
    assert validations == []  # refused by the gate, before graphql-core validates anything


async def test_the_cost_rule_leaves_the_validation_cache_hitting(validations: list[int]) -> None:
    query = f'query {unique("costed").replace("-", "_")} {{ order(orderId: "o") {{ status }} }}'
    for _ in range(3):
        await SCHEMA.execute(query)
    assert len(validations) == 1


async def test_a_smaller_limit_is_read_once_at_schema_build(validations: list[int]) -> None:
    small = build_schema(max_query_cost=100)
    ran = await small.execute(listings(1))  # runs (and fails for want of a store)
    assert ran.extensions == {"cost": {"requestedQueryCost": 51, "maximumAvailable": 100}}
    assert ran.errors and ran.errors[0].path == ["a0"]
    for _ in range(2):
        [error] = (await small.execute(listings(2))).errors or []
        assert error.extensions == {"code": "QUERY_TOO_COSTLY", "status": 400}
    assert len(validations) == 1  # the listing that ran; the refused one never validates


async def test_a_document_over_the_token_limit_is_refused_while_parsing() -> None:
    query = "{ " + "__typename " * MAX_TOKENS + "}"
    found = messages(await SCHEMA.execute(query))
    assert found == [
        f"Syntax Error: Document contains more than {MAX_TOKENS} tokens. Parsing aborted."
    ]


async def test_comments_count_as_tokens() -> None:
    query = "{ __typename }\n" + "#\n" * MAX_TOKENS
    assert "tokens" in messages(await SCHEMA.execute(query))[0]


async def test_the_full_introspection_query_runs_within_the_limits() -> None:
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
        one_of=True,
    )
    assert (await SCHEMA.execute(query)).errors is None

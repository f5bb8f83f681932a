"""GraphQL document limits (schema/limits.py): depth, aliases and tokens are refused before
anything runs, the schema's own queries and introspection pass, and the limits leave
Strawberry's validation cache effective (the rule classes are the same on every request)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import strawberry
import strawberry.schema.schema as strawberry_schema
from graphql import get_introspection_query
from strawberry.extensions import QueryDepthLimiter, ValidationCache

from schema.build import build_schema
from schema.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
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


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{index}: __typename" for index in range(count)) + " }"


async def test_aliases_up_to_the_limit_run() -> None:
    assert (await SCHEMA.execute(aliased(MAX_ALIASES))).errors is None


async def test_one_alias_past_the_limit_is_refused_once() -> None:
    found = messages(await SCHEMA.execute(aliased(MAX_ALIASES + 5)))
    assert found == [f"the document has more than {MAX_ALIASES} aliases"]


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

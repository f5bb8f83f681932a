"""graphql-core's tests/execution/test_directives.py (3.3), ported: @include and @skip on
fields, fragment spreads, inline fragments and anonymous inline fragments.

A plan never compiles a document with directives (engine/DIFFERENCES.md): every case is declined and
answered by graphql-core. They stay here so that the day plans take directives, they are
tested from the start.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema, GraphQLString

from tests.engine.harness import DECLINED, PLAN, agree_both, runnable

SCHEMA = runnable(
    GraphQLSchema(
        GraphQLObjectType(
            "TestType", {"a": GraphQLField(GraphQLString), "b": GraphQLField(GraphQLString)}
        )
    )
)


class RootValue:
    def a(self, *_args: Any) -> str:
        return "a"

    def b(self, *_args: Any) -> str:
        return "b"


CASES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("basic_query_works", "{ a, b }", None),
    ("if_true_includes_scalar", "{ a, b @include(if: true) }", None),
    ("if_false_omits_on_scalar", "{ a, b @include(if: false) }", None),
    ("unless_false_includes_scalar", "{ a, b @skip(if: false) }", None),
    ("unless_true_omits_scalar", "{ a, b @skip(if: true) }", None),
    (
        "if_false_omits_fragment_spread",
        "query Q {\n  a\n  ...Frag @include(if: false)\n}\nfragment Frag on TestType {\n  b\n}",
        None,
    ),
    (
        "if_true_includes_fragment_spread",
        "query Q {\n  a\n  ...Frag @include(if: true)\n}\nfragment Frag on TestType {\n  b\n}",
        None,
    ),
    (
        "unless_false_includes_fragment_spread",
        "query Q {\n  a\n  ...Frag @skip(if: false)\n}\nfragment Frag on TestType {\n  b\n}",
        None,
    ),
    (
        "unless_true_omits_fragment_spread",
        "query Q {\n  a\n  ...Frag @skip(if: true)\n}\nfragment Frag on TestType {\n  b\n}",
        None,
    ),
    (
        "if_false_omits_inline_fragment",
        "query Q {\n  a\n  ... on TestType @include(if: false) {\n    b\n  }\n}",
        None,
    ),
    (
        "if_true_includes_inline_fragment",
        "query Q {\n  a\n  ... on TestType @include(if: true) {\n    b\n  }\n}",
        None,
    ),
    (
        "unless_false_includes_inline_fragment",
        "query Q {\n  a\n  ... on TestType @skip(if: false) {\n    b\n  }\n}",
        None,
    ),
    (
        "unless_true_omits_inline_fragment",
        "query Q {\n  a\n  ... on TestType @skip(if: true) {\n    b\n  }\n}",
        None,
    ),
    (
        "if_false_omits_anonymous_inline_fragment",
        "query {\n  a\n  ... @include(if: false) {\n    b\n  }\n}",
        None,
    ),
    (
        "if_true_includes_anonymous_inline_fragment",
        "query {\n  a\n  ... @include(if: true) {\n    b\n  }\n}",
        None,
    ),
    (
        "unless_false_includes_anonymous_inline_fragment",
        "query {\n  a\n  ... @skip(if: false) {\n    b\n  }\n}",
        None,
    ),
    (
        "unless_true_omits_anonymous_inline_fragment",
        "query {\n  a\n  ... @skip(if: true) {\n    b\n  }\n}",
        None,
    ),
    ("include_and_no_skip", "{\n  a\n  b @include(if: true) @skip(if: false)\n}", None),
    ("include_and_skip", "{\n  a\n  b @include(if: true) @skip(if: true)\n}", None),
    ("no_include_or_skip", "{\n  a\n  b @include(if: false) @skip(if: false)\n}", None),
]


@pytest.mark.parametrize(
    ("document", "variables"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_directives_answer_as_graphql_core(document: str, variables: Any) -> None:
    ways = await agree_both(SCHEMA, document, RootValue)
    assert ways == ((DECLINED, DECLINED) if "@" in document else (PLAN, PLAN))

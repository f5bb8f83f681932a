"""graphql-core's tests/execution/test_executor.py (3.3), ported where it is about the answer:
nested objects and lists (its "executes arbitrary code" data), aliases, fragments and their
merging, the operation chosen by name, __typename, the root value, arguments, and errors with
their paths, from sync and async resolvers, in objects and in lists."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema

from tests.engine.harness import DECLINED, GAVE_UP, PLAN, agree, agree_both, runnable

SCHEMA = runnable(
    build_schema(
        """
        type Query {
          a: String
          b: String
          c: String
          d: String
          e: String
          f: String
          pic(size: Int): String
          deep: DeepData
          promise: Data
          sync: String
          syncError: String
          syncRawError: String
          syncReturnError: String
          syncReturnErrorList: [String]
          asyncError: String
          asyncRawError: String
          asyncReturnError: String
          asyncReturnErrorWithExtensions: String
        }

        type DeepData {
          a: String
          b: String
          c: [String]
          deeper: [Data]
        }

        type Data {
          a: String
          b: String
          deeper: [Data]
        }
        """
    )
)


class Deep:
    a = "Already Been Done"
    b = "Boring"
    c = ["Contrived", None, "Confusing"]

    def deeper(self, _info: Any) -> list[Any]:
        return [Root(), None, Root()]


class Root:
    """graphql-core's `Data` root of "executes arbitrary code", and its error fields."""

    a = "Apple"
    b = "Banana"
    c = "Cookie"
    d = "Donut"
    e = "Egg"
    f = "Fish"
    sync = "sync"

    def pic(self, _info: Any, size: int = 50) -> str:
        return f"Pic of size: {size}"

    def deep(self, _info: Any) -> Deep:
        return Deep()

    def deeper(self, _info: Any) -> list[Any]:
        return [self, None, self]

    async def promise(self, _info: Any) -> Root:
        return Root()

    def syncError(self, _info: Any) -> Any:  # graphql-core's names
        raise RuntimeError("Error getting syncError")

    def syncRawError(self, _info: Any) -> Any:
        raise RuntimeError("Error getting syncRawError")

    def syncReturnError(self, _info: Any) -> Any:
        return RuntimeError("Error getting syncReturnError")

    def syncReturnErrorList(self, _info: Any) -> Any:
        return ["sync0", RuntimeError("Error getting syncReturnErrorList1"), "sync2"]

    async def asyncError(self, _info: Any) -> Any:
        raise RuntimeError("Error getting asyncError")

    async def asyncRawError(self, _info: Any) -> Any:
        raise RuntimeError("Error getting asyncRawError")

    async def asyncReturnError(self, _info: Any) -> Any:
        return RuntimeError("Error getting asyncReturnError")


ARBITRARY = """
query ($size: Int) {
  a,
  b,
  x: c
  ...c
  f
  ...on Query {
    pic(size: $size)
    promise {
      a
    }
  }
  deep {
    a
    b
    c
    deeper {
      a
      b
    }
  }
}

fragment c on Query {
  d
  e
}
"""
# (document, the way a query takes): the answer's shapes, each without an error.
CLEAN = {
    "executes arbitrary code": ARBITRARY,
    "merges fragments of the object's own type": (
        "{ a, ...FragOne, ...FragTwo }"
        " fragment FragOne on Query { b } fragment FragTwo on Query { c }"
    ),
    "nested inline fragments": "{ a ... { b ... on Query { c ... { d } } } }",
    "aliases": "{ first: a second: b third: pic(size: 10) deep { x: a y: c } }",
    "provides info about the current execution state (typename)": (
        "query ($var: String) { __typename result: a typename: __typename }"
    ),
    "threads root value context correctly": "query Example { a }",
    "correctly threads arguments": "{ pic(size: 100) other: pic }",
    "skips fragments of another object type": (
        "{ a ... on Data { a b } ...DeepFields } fragment DeepFields on DeepData { c }"
    ),
}
# Many fields under one response key are merged by graphql-core; a plan declines them.
MERGED = {
    "merges parallel fragments": (
        "{ a, ...FragOne, ...FragTwo } fragment FragOne on Query { b deep { b deeper { b } } }"
        " fragment FragTwo on Query { c deep { c deeper { b } } }"
    ),
    "a field asked twice": "{ a a }",
    "the same alias twice": "{ x: a x: a }",
}
ERRORS = """
{
  sync
  syncError
  syncRawError
  syncReturnError
  syncReturnErrorList
  asyncError
  asyncRawError
  asyncReturnError
}
"""


@pytest.mark.parametrize("document", CLEAN.values(), ids=CLEAN.keys())
async def test_answers_as_graphql_core(document: str) -> None:
    assert await agree_both(SCHEMA, document, Root) == (PLAN, PLAN)


@pytest.mark.parametrize("document", MERGED.values(), ids=MERGED.keys())
async def test_merged_fields_are_declined(document: str) -> None:
    # As a mutation the fragments on Query apply to no field of the mutation's root type
    # (harness.as_mutation), so no key repeats there.
    query, _ = await agree_both(SCHEMA, document, Root)
    assert query == DECLINED


async def test_variables_reach_the_arguments() -> None:
    assert await agree(SCHEMA, ARBITRARY, Root, variables={"size": 100}) == PLAN


async def test_nulls_out_error_subtrees_with_their_paths() -> None:
    assert await agree_both(SCHEMA, ERRORS, Root) == (GAVE_UP, PLAN)


async def test_errors_in_nested_lists_have_their_indexes_in_the_path() -> None:
    document = "{ deep { deeper { a b deeper { syncError: a } } } syncReturnErrorList }"
    assert await agree_both(SCHEMA, document, Root) == (GAVE_UP, PLAN)


OPERATIONS = "query Q { a } query R { b } mutation M { c }"


@pytest.mark.parametrize("name", ["Q", "R"])
async def test_uses_the_named_operation(name: str) -> None:
    assert (
        await agree(SCHEMA, OPERATIONS.replace(" mutation M { c }", ""), Root, operation_name=name)
        == PLAN
    )


async def test_an_unknown_operation_name_is_declined() -> None:
    assert await agree(SCHEMA, "query Q { a }", Root, operation_name="X") == DECLINED


async def test_many_operations_without_a_name_are_declined() -> None:
    assert await agree(SCHEMA, "query Q { a } query R { b }", Root) == DECLINED

"""graphql-core's tests/execution/test_nonnull.py (3.3), ported: a null or an error at a
non-null position propagates to the nearest nullable parent, with one error at the failing
field's path. Each document runs as written (a query: where it meets an error the plan gives
the run to the generic path) and as the same fields' mutation (the plan propagates itself)."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    build_schema,
)

from tests.engine.harness import GAVE_UP, PLAN, agree, agree_both, runnable


class ThrowingData:
    def sync(self, _info: Any) -> Any:
        raise RuntimeError("sync")

    def syncNonNull(self, _info: Any) -> Any:  # graphql-core's names
        raise RuntimeError("syncNonNull")

    async def promise(self, _info: Any) -> Any:
        raise RuntimeError("promise")

    async def promiseNonNull(self, _info: Any) -> Any:
        raise RuntimeError("promiseNonNull")

    def syncNest(self, _info: Any) -> Any:
        return ThrowingData()

    def syncNonNullNest(self, _info: Any) -> Any:
        return ThrowingData()

    async def promiseNest(self, _info: Any) -> Any:
        return ThrowingData()

    async def promiseNonNullNest(self, _info: Any) -> Any:
        return ThrowingData()


class NullingData:
    def sync(self, _info: Any) -> Any:
        return None

    def syncNonNull(self, _info: Any) -> Any:
        return None

    async def promise(self, _info: Any) -> Any:
        return None

    async def promiseNonNull(self, _info: Any) -> Any:
        return None

    def syncNest(self, _info: Any) -> Any:
        return NullingData()

    def syncNonNullNest(self, _info: Any) -> Any:
        return NullingData()

    async def promiseNest(self, _info: Any) -> Any:
        return NullingData()

    async def promiseNonNullNest(self, _info: Any) -> Any:
        return NullingData()


SCHEMA = runnable(
    build_schema(
        """
        type DataType {
          sync: String
          syncNonNull: String!
          promise: String
          promiseNonNull: String!
          syncNest: DataType
          syncNonNullNest: DataType!
          promiseNest: DataType
          promiseNonNullNest: DataType!
        }

        schema {
          query: DataType
        }
        """
    )
)


def _chain(leaf: str) -> str:
    return (
        "syncNonNullNest { promiseNonNullNest { syncNonNullNest { promiseNonNullNest {"
        f" {leaf} }} }} }} }}"
    )


# graphql-core's documents, by its test names; sync fields also as promises (its `patch`).
DOCUMENTS = {
    "nulls a nullable field": "{\n  sync\n}",
    "nulls a nullable promise": "{\n  promise\n}",
    "nulls a returned object that contains a non-null field": (
        "{\n  syncNest {\n    syncNonNull,\n  }\n}"
    ),
    "nulls a returned object that contains a non-null promise": (
        "{\n  promiseNest {\n    promiseNonNull,\n  }\n}"
    ),
    "nulls a complex tree of nullable fields, each": """
        {
          syncNest {
            sync
            promise
            syncNest { sync promise }
            promiseNest { sync promise }
          }
          promiseNest {
            sync
            promise
            syncNest { sync promise }
            promiseNest { sync promise }
          }
        }
        """,
    "nulls the first nullable object after a field in a long chain of non-null fields": f"""
        {{
          syncNest {{ {_chain("syncNonNull")} }}
          promiseNest {{ {_chain("syncNonNull")} }}
          anotherNest: syncNest {{ {_chain("promiseNonNull")} }}
          anotherPromiseNest: promiseNest {{ {_chain("promiseNonNull")} }}
        }}
        """,
    "nulls the top level if non-nullable field": "{\n  syncNonNull\n}",
    "nulls the top level if non-nullable promise": "{\n  promiseNonNull\n}",
}
NULLS_NO_ERROR = {
    DOCUMENTS[name] for name in ("nulls a nullable field", "nulls a nullable promise")
}
NULLS_NO_ERROR.add(DOCUMENTS["nulls a complex tree of nullable fields, each"])
# Many errors for one response position. At the root of a mutation graphql-core resolves
# fields in turn, as a plan does everywhere.
ROOT_SIBLINGS = {
    "nullable and non-nullable root fields throw nested errors": (
        "{ promiseNonNullNest { syncNonNull } promiseNest { syncNonNull } }"
    ),
    "slower nullable after non-nullable root field": (
        "{ promiseNonNullNest { syncNonNull } promiseNest { promiseNonNull } }"
    ),
}
# Below the root graphql-core resolves siblings concurrently, so a sibling's error is kept though
# a non-null sibling nulled the parent; a plan resolves siblings in turn and stops at the first
# that nulls it (engine/DIFFERENCES.md, "Siblings").
SIBLINGS = {
    "nullable and non-nullable nested fields throw nested errors": (
        "{ syncNest { promiseNonNullNest { syncNonNull } promiseNest { syncNonNull } } }"
    ),
    "slower nullable after non-nullable nested field": (
        "{ syncNest { promiseNonNullNest { syncNonNull }"
        " promiseNest { promiseNest { promiseNest { promiseNonNull } } } } }"
    ),
}
ROOTS = {"returns null": NullingData, "throws": ThrowingData}


@pytest.mark.parametrize("root", ROOTS.values(), ids=ROOTS.keys())
@pytest.mark.parametrize("document", DOCUMENTS.values(), ids=DOCUMENTS.keys())
async def test_nulls_propagate_as_graphql_core_propagates_them(document: str, root: Any) -> None:
    query, mutation = await agree_both(SCHEMA, document, root)
    # A query that meets an error is given up; its mutation is answered by the plan, errors
    # and all.
    erring = root is ThrowingData or document not in NULLS_NO_ERROR
    assert query == (GAVE_UP if erring else PLAN)
    assert mutation == PLAN


@pytest.mark.parametrize("document", ROOT_SIBLINGS.values(), ids=ROOT_SIBLINGS.keys())
async def test_many_errors_for_one_root_position_answer_as_graphql_core(document: str) -> None:
    assert await agree_both(SCHEMA, document, ThrowingData) == (GAVE_UP, PLAN)


@pytest.mark.parametrize("document", SIBLINGS.values(), ids=SIBLINGS.keys())
async def test_many_errors_for_one_position_are_given_up_as_a_query(document: str) -> None:
    assert await agree(SCHEMA, document, ThrowingData) == GAVE_UP


@pytest.mark.xfail(strict=True, reason="engine/DIFFERENCES.md, Siblings: a plan resolves in turn")
@pytest.mark.parametrize("document", SIBLINGS.values(), ids=SIBLINGS.keys())
async def test_many_errors_for_one_position_as_a_mutation(document: str) -> None:
    await agree(SCHEMA, document, ThrowingData, mutation=True)


WITH_NON_NULL_ARG = runnable(
    GraphQLSchema(
        GraphQLObjectType(
            "Query",
            {
                "withNonNullArg": GraphQLField(
                    GraphQLString,
                    args={"cannotBeNull": GraphQLArgument(GraphQLNonNull(GraphQLString))},
                    resolve=lambda _obj, _info, cannotBeNull: "Passed: " + str(cannotBeNull),
                )
            },
        )
    )
)
# (document, variables, the way a query takes): graphql-core's "handles non-null argument".
ARGUMENTS = {
    "succeeds when passed non-null literal value": (
        'query {\n  withNonNullArg (cannotBeNull: "literal value")\n}',
        {},
        PLAN,
    ),
    "succeeds when passed non-null variable value": (
        "query ($testVar: String!) {\n  withNonNullArg (cannotBeNull: $testVar)\n}",
        {"testVar": "variable value"},
        PLAN,
    ),
    "succeeds when missing variable has default value": (
        'query ($testVar: String = "default value") {\n'
        "  withNonNullArg (cannotBeNull: $testVar)\n}",
        {},
        PLAN,
    ),
    "field error when missing non-null arg": ("query {\n  withNonNullArg\n}", {}, GAVE_UP),
    "field error when non-null arg provided null": (
        "query {\n  withNonNullArg(cannotBeNull: null)\n}",
        {},
        GAVE_UP,
    ),
    "field error when non-null arg not provided variable value": (
        "query ($testVar: String) {\n  withNonNullArg(cannotBeNull: $testVar)\n}",
        {},
        GAVE_UP,
    ),
    "field error when non-null arg provided explicit null variable": (
        'query ($testVar: String = "default value") {\n'
        "  withNonNullArg (cannotBeNull: $testVar)\n}",
        {"testVar": None},
        GAVE_UP,
    ),
}


@pytest.mark.parametrize("case", ARGUMENTS.values(), ids=ARGUMENTS.keys())
async def test_non_null_arguments_answer_as_graphql_core(case: tuple[str, Any, str]) -> None:
    document, variables, way = case
    assert await agree(WITH_NON_NULL_ARG, document, variables=variables) == way
    assert await agree(WITH_NON_NULL_ARG, document, variables=variables, mutation=True) == PLAN

"""The prepared engine beside graphql-core, as the ported execution tests see them.

This is the tests' only contact with the engine: its door, `engine.Engine` (here `Door`:
`compile` a document's text into a plan or decline it with GiveUp, here `Declined`; `run` a
plan or answer None for the generic path; graphql-jit's `compileQuery`).

A ported test gives graphql-core's own schema, document, root value and variables. graphql-core's
`execute` answers once; the engine compiles the document into a plan and runs the plan twice
(a plan is reused by every later request, and some of its caches learn on the first run), and
each of its answers must be graphql-core's: data (key order included) and errors (message,
path, locations, extensions). Where the engine declines a document (not compiled) or gives a
run up (a query that met an error, variables for graphql-core to coerce), its server answers
by the generic path, graphql-core's own answer: the comparison then holds trivially, and the
way is reported so each test states which way its case must take.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    OperationType,
    default_field_resolver,
    default_type_resolver,
    execute,
    parse,
    print_ast,
)
from graphql.pyutils import is_awaitable

from engine import Engine as Door
from engine import GiveUp as Declined
from schema.limits import MAX_TOKENS

PLAN = "plan"  # the plan answered
GAVE_UP = "gave up"  # compiled, but the run was left to graphql-core (its answer is the server's)
DECLINED = "declined"  # not compiled: every request takes the generic path

# Ways taken, by test file: the count of cases that really ran on a plan (conftest prints it).
TALLY: Counter[tuple[str, str]] = Counter()
current_file = ""

Root = Callable[[], Any]


def runnable(schema: GraphQLSchema) -> GraphQLSchema:
    """The schema with graphql-core's defaults made explicit, which changes none of its answers:
    a field without a resolver gets `default_field_resolver` and a union without `resolve_type`
    gets `default_type_resolver`, the functions graphql-core's executor uses for them. The
    engine compiles only fields that have a resolver and runs only unions that have one
    (Strawberry gives every field and union one): engine/DIFFERENCES.md."""
    for named in schema.type_map.values():
        if isinstance(named, GraphQLObjectType) and not named.name.startswith("__"):
            for field in named.fields.values():
                if field.resolve is None:
                    field.resolve = default_field_resolver
        if isinstance(named, GraphQLUnionType) and named.resolve_type is None:
            named.resolve_type = default_type_resolver
    return schema


def as_mutation(schema: GraphQLSchema, source: str) -> tuple[GraphQLSchema, str]:
    """The same fields as a mutation's: a plan answers a query's errors by giving the run up
    (the generic path runs it again), but a mutation cannot run twice, so the plan locates and
    propagates its errors itself. Asking the query's fields as a mutation tests that. (Its root
    type has a name of its own, so a fragment on the query type applies to none of its fields,
    for graphql-core and the engine alike.)"""
    query = schema.query_type
    assert query is not None
    mutation = GraphQLObjectType(f"{query.name}Mutation", fields=query.fields)
    twin = GraphQLSchema(**{**schema.to_kwargs(), "mutation": mutation})
    document = parse(source)
    definitions = tuple(
        dataclasses.replace(d, operation=OperationType.MUTATION)
        if isinstance(d, OperationDefinitionNode) and d.operation == OperationType.QUERY
        else d
        for d in document.definitions
    )
    return twin, print_ast(dataclasses.replace(document, definitions=definitions))


def compiles(schema: GraphQLSchema, source: str) -> bool:
    """The engine makes a plan of the document (else every request takes the generic path)."""
    try:
        Door(schema, max_tokens=MAX_TOKENS).compile(source, None)
    except Declined:
        return False
    return True


async def generic(
    schema: GraphQLSchema,
    document: DocumentNode,
    root: Root,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
    context: Any = None,
) -> ExecutionResult:
    result = execute(schema, document, root(), context, variables, operation_name)
    return await result if is_awaitable(result) else result  # type: ignore[no-any-return]


async def prepared(
    schema: GraphQLSchema,
    source: str,
    root: Root,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
    context: Any = None,
    runs: int = 2,
) -> list[tuple[str, ExecutionResult]]:
    """Each run's way and answer, the generic path's where the engine did not answer."""
    door = Door(schema, max_tokens=MAX_TOKENS)
    try:
        plan = door.compile(source, operation_name)
    except Declined:
        plan = None
    answers = []
    for _ in range(runs):
        result = None
        if plan is not None:
            result = await door.run(plan, context, root(), variables or {})
        way = DECLINED if plan is None else GAVE_UP if result is None else PLAN
        if result is None:
            result = await generic(schema, parse(source), root, variables, operation_name, context)
        answers.append((way, result))
    return answers


async def agree(
    schema: GraphQLSchema,
    source: str,
    root: Root = lambda: None,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
    context: Any = None,
    *,
    mutation: bool = False,
) -> str:
    """The engine's way with the document, after asserting its runs answer as graphql-core."""
    if mutation:
        schema, source = as_mutation(schema, source)
    document = parse(source)
    expected = answer(await generic(schema, document, root, variables, operation_name, context))
    ways = set()
    for way, result in await prepared(schema, source, root, variables, operation_name, context):
        assert answer(result) == expected, way
        ways.add(way)
    (way,) = ways  # a plan answers every run, or none
    TALLY[(current_file, way)] += 1
    return way


async def agree_both(
    schema: GraphQLSchema, source: str, root: Root = lambda: None
) -> tuple[str, str]:
    """The ways of the document as a query and as the same fields' mutation."""
    return (await agree(schema, source, root), await agree(schema, source, root, mutation=True))


async def request_error(
    schema: GraphQLSchema, source: str, variables: dict[str, Any] | None = None
) -> bool:
    """graphql-core refuses the request before running it (data null: variables that do not
    coerce): the engine leaves such a request to graphql-core, query or mutation."""
    return (await generic(schema, parse(source), lambda: None, variables)).data is None


def answer(result: ExecutionResult) -> tuple[Any, Any]:
    """What a client reads of a result, dict key order included. Errors are compared as a
    set: graphql-core lists them as concurrent siblings fail, a plan in document order
    (engine/DIFFERENCES.md, "Error order")."""
    return ordered(result.data), sorted((_error(e) for e in result.errors or ()), key=repr)


def _error(error: GraphQLError) -> tuple[Any, ...]:
    locations = [(at.line, at.column) for at in error.locations or ()]
    return (error.message, error.path, locations, error.extensions)


def ordered(value: Any) -> Any:
    if isinstance(value, dict):
        return [(key, ordered(inner)) for key, inner in value.items()]
    if isinstance(value, list):
        return [ordered(inner) for inner in value]
    return value

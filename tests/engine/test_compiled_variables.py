"""The compiled variable coercion (engine/variables.py) answers exactly what graphql-core's
get_variable_values answers, or nothing (graphql-core then coerces): for every argument type of
the served schema, on good values and on values graphql-core refuses, and on a schema with
what ordo's does not use (defaults, oneOf, recursion, lists of lists, custom scalars)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    parse,
    print_type,
    type_from_ast,
)
from graphql.execution.values import VariableValues, get_variable_values

from engine.variables import MAX_DEPTH, Variables
from schema.build import build_schema as build_ordo_schema

ORDO = build_ordo_schema()._schema
GOOD: dict[str, list[Any]] = {
    "ID": ["id-1", 7],
    "String": ["text"],
    "Int": [3, -2],
    "Float": [1.5, 2],
    "Boolean": [True],
    "Date": ["2026-12-01"],
    "DateTime": ["2026-12-01T10:00:00+03:00"],
    "Decimal": ["1500.50", 12],
    "JSON": [{"any": [1, "two"]}],
}
BAD = [True, 1.5, "x", {"no": 1}, [["deep"]], 2**40]


def _operation(schema: GraphQLSchema, definitions: str) -> OperationDefinitionNode:
    operation = parse(f"query Q({definitions}) {{ __typename }}").definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation


def _both(schema: GraphQLSchema, definitions: str, inputs: dict[str, Any]) -> tuple[Any, Any]:
    nodes = _operation(schema, definitions).variable_definitions or ()
    given = copy.deepcopy(inputs)
    compiled = Variables(schema, nodes).coerce(given)
    assert given == inputs, "the inputs are left as they were"
    expected = get_variable_values(schema, nodes, inputs, max_errors=50)
    return compiled, expected


def _same(compiled: VariableValues | None, expected: Any) -> bool:
    """True when compiled agrees with graphql-core; False when it left the value to it."""
    if compiled is None:
        return False
    assert isinstance(expected, VariableValues), "compiled answered what graphql-core refuses"
    assert compiled.coerced == expected.coerced
    assert _sources(compiled) == _sources(expected)
    return True


def _sources(values: VariableValues) -> dict[str, Any]:
    # Each side made its own signature (a NamedTuple over a type wrapper made anew): equal
    # when they say the same.
    return {
        name: (
            source.signature.name,
            str(source.signature.type),
            source.signature.default,
            source.value,
        )
        for name, source in values.sources.items()
    }


def _values(type_: GraphQLInputType, depth: int = 0) -> list[Any]:
    """JSON values for the type, good and bad: each field set, only required ones, nulls,
    a field too many, a required one missing, wrong scalars."""
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    values: list[Any] = [None]
    if isinstance(inner, GraphQLList):
        items = _values(inner.of_type, depth)
        return [*values, [], items[1:3], items[1], ["x", None]]
    if isinstance(inner, GraphQLScalarType):
        return [*values, *GOOD[inner.name], *BAD]
    if isinstance(inner, GraphQLEnumType):
        return [*values, *list(inner.values), "NOT_A_MEMBER", 1]
    assert isinstance(inner, GraphQLInputObjectType)
    if depth > 3:
        return values
    fields = {name: _values(field.type, depth + 1) for name, field in inner.fields.items()}
    definition = (inner.extensions or {}).get("strawberry-definition")
    if inner.is_one_of or (definition is not None and definition.is_one_of):
        ones = [{name: options[1]} for name, options in fields.items() if len(options) > 1]
        return [*values, *ones, {k: v for one in ones for k, v in one.items()}]
    full = {name: options[1] for name, options in fields.items() if len(options) > 1}
    required = {
        name: full[name]
        for name, field in inner.fields.items()
        if isinstance(field.type, GraphQLNonNull) and name in full
    }
    missing = dict(list(required.items())[1:])
    return [*values, full, required, missing, {**full, "unknown": 1}, "not an object", [full]]


ARGUMENT_TYPES = sorted(
    {
        str(argument.type)
        for root in (ORDO.query_type, ORDO.mutation_type)
        if root is not None
        for field in root.fields.values()
        for argument in field.args.values()
    }
)


@pytest.mark.parametrize("type_name", ARGUMENT_TYPES)
def test_every_argument_type_of_the_schema(type_name: str) -> None:
    (definition,) = _operation(ORDO, f"$v: {type_name}").variable_definitions or ()
    type_ = type_from_ast(ORDO, definition.type)
    assert isinstance(type_, GraphQLNonNull | GraphQLInputObjectType | GraphQLScalarType)
    answered = 0
    for value in _values(type_):
        compiled, expected = _both(ORDO, f"$v: {type_name}", {"v": value})
        answered += _same(compiled, expected)
    compiled, expected = _both(ORDO, f"$v: {type_name}", {})
    answered += _same(compiled, expected)
    # Not everything given up: the compiled path answers the good values itself.
    assert answered >= 2, type_name


def test_a_create_order_is_answered_by_the_compiled_path() -> None:
    inputs = {"input": {"userId": "u1", "promoId": "p1"}}
    compiled, expected = _both(ORDO, "$input: CreateOrderInput", inputs)
    assert _same(compiled, expected)
    assert compiled is not None
    assert compiled.coerced == {"input": {"userId": "u1", "promoId": "p1", "idempotencyKey": None}}


OTHER = build_schema(
    """
    scalar Odd
    enum Color { RED GREEN }
    input Node { value: Int!, next: Node, children: [[Node!]] }
    input Either @oneOf { a: Int, b: String }
    input Defaults { n: Int = 5, s: String! = "s", list: [Int] = [1, 2], color: Color = RED }
    type Query { f: Int }
    """
)
ODD = OTHER.type_map["Odd"]
assert isinstance(ODD, GraphQLScalarType)
ODD.coerce_input_value = lambda value: (
    value if isinstance(value, int) and value % 2 else int("not odd")
)

CASES = [
    ("$n: Node", {"n": {"value": 1, "next": {"value": 2}, "children": [[{"value": 3}]]}}),
    ("$n: Node", {"n": {"value": 1, "children": {"value": 3}}}),  # one stands for a list
    ("$n: Node", {"n": {"value": 1, "children": [[{"next": None}]]}}),  # a required missing
    ("$n: Node!", {"n": None}),
    ("$n: Node!", {}),
    ("$e: Either", {"e": {"a": 1}}),
    ("$e: Either", {"e": {"a": 1, "b": "x"}}),
    ("$d: Defaults", {"d": {}}),
    ("$d: Defaults", {"d": {"n": None, "color": "GREEN"}}),
    ("$d: Defaults", {"d": {"color": "BLUE"}}),
    ("$d: Defaults = {n: 1}", {}),
    ("$i: Int = 3", {}),
    ("$i: Int = 3", {"i": None}),
    ("$i: [Int!]!", {"i": [1, None]}),
    ("$i: [[Int]]", {"i": 1}),
    ("$i: [[Int]]", {"i": [[1], 2, None]}),
    ("$o: Odd", {"o": 3}),
    ("$o: Odd", {"o": 4}),
    ("$c: Color", {"c": "RED"}),
    ("$c: Color", {"c": "red"}),
    ("$s: String, $i: ID", {"s": 1, "i": 1.5}),
    ("$s: String, $i: ID", {"s": "a", "i": 12, "ignored": 1}),
    ("$x: NoSuchType", {"x": 1}),
]


@pytest.mark.parametrize(("definitions", "inputs"), CASES)
def test_other_shapes(definitions: str, inputs: dict[str, Any]) -> None:
    compiled, expected = _both(OTHER, definitions, inputs)
    _same(compiled, expected)


def test_default_and_one_of_are_left_to_graphql_core() -> None:
    assert _both(OTHER, "$e: Either", {"e": {"a": 1}})[0] is None
    assert _both(OTHER, "$i: Int = 3", {})[0] is None
    # Field defaults are graphql-core's own memoized values: taken, not given up.
    assert _same(*_both(OTHER, "$d: Defaults", {"d": {}}))


def test_nesting_past_the_limit_is_left_to_graphql_core() -> None:
    value: dict[str, Any] = {"value": 1}
    for _ in range(MAX_DEPTH + 5):
        value = {"value": 1, "next": value}
    assert _both(OTHER, "$n: Node", {"n": value})[0] is None
    shallow = {"value": 1, "next": {"value": 2}}
    assert _same(*_both(OTHER, "$n: Node", {"n": shallow}))


def test_types_print_as_the_schema_says() -> None:
    # The cases above test what the SDL says: a guard against a schema edit that drops it.
    assert "@oneOf" in print_type(OTHER.type_map["Either"])


ARGUMENTS_DOCUMENT = (
    "query($e: ID!, $f: Int, $a: String, $d: Boolean) { "
    "entityOrders(entityId: $e, first: $f, after: $a, includeDeclined: $d) { totalCount } }"
)


@pytest.mark.parametrize(
    "inputs",
    [
        {"e": "e1", "f": 5, "a": "c", "d": True},
        {"e": "e1", "f": None, "a": None, "d": None},  # nulls given: null, not the defaults
        {"e": "e1"},  # none given: the defaults
        {"e": "e1", "f": 3},
    ],
)
def test_arguments_given_as_variables_are_graphql_cores(inputs: dict[str, Any]) -> None:
    from graphql.execution.values import get_argument_values

    from engine.plans import compile_plan
    from engine.run import Run

    plan = compile_plan(ORDO, parse(ARGUMENTS_DOCUMENT), None)
    (step,) = plan.root.fields
    assert step.variables is not None  # every argument is a variable: the direct way applies
    variables = get_variable_values(ORDO, plan.operation.variable_definitions or (), inputs)
    assert isinstance(variables, VariableValues)
    run = Run(ORDO, plan, None, None, variables)
    assert run.arguments(step) == get_argument_values(step.definition, step.node, variables)

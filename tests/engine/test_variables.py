# ruff: noqa: E501  (graphql-core's documents, one a line, as its tests wrote them)
"""graphql-core's tests/execution/test_variables.py (3.3), ported: arguments given inline and
as variables, coerced (input objects, lists, enums, custom scalars, defaults, nulls, errors).

The schema is graphql-core's, as it wrote it; the cases are its documents and variables, each
`execute_query` of its file taken as written (names are its test names). Every resolver answers
the repr of its argument as coerced, so a coercion that differs shows in the data.
"""

from __future__ import annotations

from math import nan
from typing import Any

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLDefaultInput,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLError,
    GraphQLField,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    StringValueNode,
    Undefined,
    ValueNode,
)
from graphql.utilities.value_from_ast_untyped import value_from_ast_untyped

from tests.engine.harness import DECLINED, GAVE_UP, PLAN, agree, request_error, runnable


def make_faulty_scalar_error() -> GraphQLError:
    # Note: unlike GraphQL.js, a fresh error is raised on each call. The runtime
    # argument-coercion fallback now mutates the error message in place, so a
    # shared singleton would otherwise leak the mutated message into other tests
    # (test order is randomized).
    return GraphQLError(
        "FaultyScalarErrorMessage", extensions={"code": "FaultyScalarExtensionCode"}
    )


def faulty_coerce_input_value(_value: str) -> str:
    raise make_faulty_scalar_error()


def faulty_coerce_input_literal(_ast: ValueNode) -> str:
    raise make_faulty_scalar_error()


TestFaultyScalar = GraphQLScalarType(
    name="FaultyScalar",
    coerce_input_value=faulty_coerce_input_value,
    coerce_input_literal=faulty_coerce_input_literal,
)


def coerce_complex_input_value(value: str) -> str:
    assert value == "ExternalValue"
    return "InternalValue"


def coerce_input_literal_value(ast: ValueNode) -> str:
    assert isinstance(ast, StringValueNode)
    assert ast.value == "ExternalValue"
    return coerce_complex_input_value(ast.value)


TestComplexScalar = GraphQLScalarType(
    name="ComplexScalar",
    coerce_input_value=coerce_complex_input_value,
    coerce_input_literal=coerce_input_literal_value,
)


def coerce_json_input_value(value: Any) -> Any:
    return value


def coerce_json_input_literal(value: ValueNode) -> Any:
    return value_from_ast_untyped(value)


TestJSONScalar = GraphQLScalarType(
    name="JSONScalar",
    coerce_input_value=coerce_json_input_value,
    coerce_input_literal=coerce_json_input_literal,
)


TestInputObject = GraphQLInputObjectType(
    "TestInputObject",
    {
        "a": GraphQLInputField(GraphQLString),
        "b": GraphQLInputField(GraphQLList(GraphQLString)),
        "c": GraphQLInputField(GraphQLNonNull(GraphQLString)),
        "d": GraphQLInputField(TestComplexScalar),
        "e": GraphQLInputField(TestFaultyScalar),
    },
)

TestCustomInputObject = GraphQLInputObjectType(
    "TestCustomInputObject",
    {"x": GraphQLInputField(GraphQLFloat), "y": GraphQLInputField(GraphQLFloat)},
    out_type=lambda value: f"(x|y) = ({value['x']}|{value['y']})",
)


TestOneOfInputObject = GraphQLInputObjectType(
    "TestOneOfInputObject",
    {
        "a": GraphQLInputField(GraphQLString),
        "b": GraphQLInputField(GraphQLString),
    },
    is_one_of=True,
)


TestNestedInputObject = GraphQLInputObjectType(
    "TestNestedInputObject",
    {
        "na": GraphQLInputField(GraphQLNonNull(TestInputObject)),
        "nb": GraphQLInputField(GraphQLNonNull(GraphQLString)),
    },
)


TestEnum = GraphQLEnumType(
    "TestEnum",
    {
        "NULL": None,
        "UNDEFINED": Undefined,
        "NAN": nan,
        "FALSE": False,
        "CUSTOM": "custom value",
        "DEFAULT_VALUE": GraphQLEnumValue(),
    },
)


def field_with_input_arg(input_arg: GraphQLArgument):
    return GraphQLField(
        GraphQLString,
        args={"input": input_arg},
        resolve=lambda _obj, _info, **args: repr(args["input"]) if "input" in args else None,
    )


NestedType = GraphQLObjectType(
    "NestedType",
    {
        "echo": field_with_input_arg(GraphQLArgument(GraphQLString)),
    },
)


TestType = GraphQLObjectType(
    "TestType",
    {
        "fieldWithEnumInput": field_with_input_arg(GraphQLArgument(TestEnum)),
        "fieldWithNonNullableEnumInput": field_with_input_arg(
            GraphQLArgument(GraphQLNonNull(TestEnum))
        ),
        "fieldWithObjectInput": field_with_input_arg(GraphQLArgument(TestInputObject)),
        "fieldWithOneOfObjectInput": field_with_input_arg(GraphQLArgument(TestOneOfInputObject)),
        "fieldWithCustomObjectInput": field_with_input_arg(GraphQLArgument(TestCustomInputObject)),
        "fieldWithNullableStringInput": field_with_input_arg(GraphQLArgument(GraphQLString)),
        "fieldWithNonNullableStringInput": field_with_input_arg(
            GraphQLArgument(GraphQLNonNull(GraphQLString))
        ),
        "fieldWithDefaultArgumentValue": field_with_input_arg(
            GraphQLArgument(GraphQLString, default=GraphQLDefaultInput(value="Hello World"))
        ),
        "fieldWithNonNullableStringInputAndDefaultArgValue": field_with_input_arg(
            GraphQLArgument(
                GraphQLNonNull(GraphQLString),
                default=GraphQLDefaultInput(value="Hello World"),
            )
        ),
        "fieldWithNestedInputObject": field_with_input_arg(GraphQLArgument(TestNestedInputObject)),
        "fieldWithJSONScalarInput": field_with_input_arg(GraphQLArgument(TestJSONScalar)),
        "nested": GraphQLField(NestedType, resolve=lambda *_args: {}),
        "list": field_with_input_arg(GraphQLArgument(GraphQLList(GraphQLString))),
        "nnList": field_with_input_arg(GraphQLArgument(GraphQLNonNull(GraphQLList(GraphQLString)))),
        "listNN": field_with_input_arg(GraphQLArgument(GraphQLList(GraphQLNonNull(GraphQLString)))),
        "nnListNN": field_with_input_arg(
            GraphQLArgument(GraphQLNonNull(GraphQLList(GraphQLNonNull(GraphQLString))))
        ),
    },
)

TestTypeWithInvalidDefaultArgumentValue = GraphQLObjectType(
    "TestTypeWithInvalidDefaultArgumentValue",
    {
        "fieldWithInvalidDefaultArgumentValue": field_with_input_arg(
            GraphQLArgument(GraphQLString, default=GraphQLDefaultInput(value=123))
        ),
    },
)

TestTypeWithInvalidNestedDefaultArgumentValue = GraphQLObjectType(
    "TestTypeWithInvalidNestedDefaultArgumentValue",
    {
        "fieldWithInvalidNestedDefaultArgumentValue": field_with_input_arg(
            GraphQLArgument(
                GraphQLInputObjectType(
                    "InputWithInvalidNestedFieldDefault",
                    {
                        "foo": GraphQLInputField(
                            GraphQLString,
                            default=GraphQLDefaultInput(value=123),
                        )
                    },
                ),
                default=GraphQLDefaultInput(value={}),
            )
        ),
    },
)


SCHEMA = runnable(GraphQLSchema(TestType))

CASES: list[tuple[str, str, dict[str, Any] | None]] = [
    (
        "executes_with_complex_input",
        '{\n  fieldWithObjectInput(\n    input: {a: "foo", b: ["bar"], c: "baz"})\n}',
        None,
    ),
    (
        "executes_with_custom_input",
        "{\n  fieldWithCustomObjectInput(\n    input: {x: -3.0, y: 4.5})\n}",
        None,
    ),
    (
        "properly_parses_single_value_to_list",
        '{\n  fieldWithObjectInput(input: {a: "foo", b: "bar", c: "baz"})\n}',
        None,
    ),
    (
        "properly_parses_null_value_to_null",
        '{\n  fieldWithObjectInput(\n    input: {a: null, b: null, c: "C", d: null})\n}',
        None,
    ),
    (
        "properly_parses_null_value_in_list",
        '{\n  fieldWithObjectInput(input: {b: ["A",null,"C"], c: "C"})\n}',
        None,
    ),
    (
        "does_not_use_incorrect_value",
        '{\n  fieldWithObjectInput(input: ["foo", "bar", "baz"])\n}',
        None,
    ),
    (
        "properly_runs_coerce_input_literal_on_complex_scalar_types",
        '{\n  fieldWithObjectInput(input: {c: "foo", d: "ExternalValue"})\n}',
        None,
    ),
    (
        "errors_on_faulty_scalar_type_input",
        '{\n  fieldWithObjectInput(input: {c: "foo", e: "bar"})\n}',
        None,
    ),
    (
        "executes_with_complex_input 2",
        "query ($input: TestInputObject) {\n  fieldWithObjectInput(input: $input)\n}",
        {"input": {"a": "foo", "b": ["bar"], "c": "baz"}},
    ),
    (
        "uses_undefined_when_variable_not_provided",
        "query q($input: String) {\n  fieldWithNullableStringInput(input: $input)\n}",
        {},
    ),
    (
        "uses_null_when_variable_provided_explicit_null_value",
        "query q($input: String) {\n  fieldWithNullableStringInput(input: $input)\n}",
        {"input": None},
    ),
    (
        "preserves_explicit_null_variables_within_input_object_literals",
        'query q($input: String) {\n  fieldWithObjectInput(input: { a: $input, c: "baz" })\n}',
        {"input": None},
    ),
    (
        "uses_default_value_when_not_provided",
        'query ($input: TestInputObject = {\n  a: "foo", b: ["bar"], c: "baz"}) {\n    fieldWithObjectInput(input: $input)\n}',
        None,
    ),
    (
        "reports_invalid_default_values_with_variable_definition_locations",
        "query ($input: String = 123) { fieldWithNullableStringInput(input: $input) }",
        None,
    ),
    (
        "does_not_use_default_value_when_provided",
        'query q($input: String = "Default value") {\n  fieldWithNullableStringInput(input: $input)\n}',
        {"input": "Variable value"},
    ),
    (
        "uses_explicit_null_value_instead_of_default_value",
        'query q($input: String = "Default value") {\n  fieldWithNullableStringInput(input: $input)\n}',
        {"input": None},
    ),
    (
        "uses_null_default_value_when_not_provided",
        "query q($input: String = null) {\n  fieldWithNullableStringInput(input: $input)\n}",
        {},
    ),
    (
        "properly_parses_single_value_to_list 2",
        "query ($input: TestInputObject) {\n  fieldWithObjectInput(input: $input)\n}",
        {"input": {"a": "foo", "b": "bar", "c": "baz"}},
    ),
    (
        "executes_with_complex_scalar_input",
        "query ($input: TestInputObject) {\n  fieldWithObjectInput(input: $input)\n}",
        {"input": {"c": "foo", "d": "ExternalValue"}},
    ),
    (
        "errors_on_faulty_scalar_type_input 2",
        "query ($input: TestInputObject) {\n  fieldWithObjectInput(input: $input)\n}",
        {"input": {"c": "foo", "e": "ExternalValue"}},
    ),
    (
        "errors_on_null_for_nested_non_null",
        "query ($input: TestInputObject) {\n  fieldWithObjectInput(input: $input)\n}",
        {"input": {"a": "foo", "b": "bar", "c": None}},
    ),
    (
        "errors_on_incorrect_type",
        "query ($input: TestInputObject) {\n  fieldWithObjectInput(input: $input)\n}",
        {"input": "foo bar"},
    ),
    (
        "errors_on_omission_of_nested_non_null",
        "query ($input: TestInputObject) {\n  fieldWithObjectInput(input: $input)\n}",
        {"input": {"a": "foo", "b": "bar"}},
    ),
    (
        "errors_on_deep_nested_errors_and_with_many_errors",
        "query ($input: TestNestedInputObject) {\n  fieldWithNestedObjectInput(input: $input)\n}",
        {"input": {"na": {"a": "foo"}}},
    ),
    (
        "errors_on_addition_of_unknown_input_field",
        "query ($input: TestInputObject) {\n  fieldWithObjectInput(input: $input)\n}",
        {"input": {"a": "foo", "b": "bar", "c": "baz", "extra": "dog"}},
    ),
    (
        "allows_custom_enum_values_as_inputs",
        "{\n  null: fieldWithEnumInput(input: NULL)\n  NaN: fieldWithEnumInput(input: NAN)\n  false: fieldWithEnumInput(input: FALSE)\n  customValue: fieldWithEnumInput(input: CUSTOM)\n  defaultValue: fieldWithEnumInput(input: DEFAULT_VALUE)\n}",
        None,
    ),
    (
        "allows_non_nullable_inputs_to_have_null_as_enum_custom_value",
        "{\n   fieldWithNonNullableEnumInput(input: NULL)\n}",
        None,
    ),
    ("allows_nullable_inputs_to_be_omitted", "{\n  fieldWithNullableStringInput\n}", None),
    (
        "allows_nullable_inputs_to_be_omitted_in_a_variable",
        "query ($value: String) {\n  fieldWithNullableStringInput(input: $value)\n}",
        None,
    ),
    (
        "allows_nullable_inputs_to_be_omitted_in_an_unlisted_variable",
        "query SetsNullable {\n  fieldWithNullableStringInput(input: $value)\n}",
        None,
    ),
    (
        "allows_nullable_inputs_to_be_set_to_null_in_a_variable",
        "query SetsNullable($value: String) {\n  fieldWithNullableStringInput(input: $value)\n}",
        {"value": None},
    ),
    (
        "allows_nullable_inputs_to_be_set_to_a_value_in_a_variable",
        "query SetsNullable($value: String) {\n  fieldWithNullableStringInput(input: $value)\n}",
        {"value": "a"},
    ),
    (
        "allows_nullable_inputs_to_be_set_to_a_value_directly",
        '{\n  fieldWithNullableStringInput(input: "a")\n}',
        None,
    ),
    (
        "allows_non_nullable_variable_to_be_omitted_given_a_default",
        'query ($value: String! = "default") {\n  fieldWithNullableStringInput(input: $value)\n}',
        None,
    ),
    (
        "allows_non_nullable_inputs_to_be_omitted_given_a_default",
        'query ($value: String = "default") {\n  fieldWithNonNullableStringInput(input: $value)\n}',
        None,
    ),
    (
        "does_not_allow_non_nullable_inputs_to_be_omitted_in_a_variable",
        "query ($value: String!) {\n  fieldWithNonNullableStringInput(input: $value)\n}",
        None,
    ),
    (
        "does_not_allow_non_nullable_inputs_to_be_set_to_null_in_variable",
        "query ($value: String!) {\n  fieldWithNonNullableStringInput(input: $value)\n}",
        {"value": None},
    ),
    (
        "allows_non_nullable_inputs_to_be_set_to_a_value_in_a_variable",
        "query ($value: String!) {\n  fieldWithNonNullableStringInput(input: $value)\n}",
        {"value": "a"},
    ),
    (
        "allows_non_nullable_inputs_to_be_set_to_a_value_directly",
        '{\n  fieldWithNonNullableStringInput(input: "a")\n}',
        None,
    ),
    ("reports_error_for_missing_non_nullable_inputs", "{ fieldWithNonNullableStringInput }", None),
    (
        "reports_error_for_array_passed_into_string_input",
        "query ($value: String!) {\n  fieldWithNonNullableStringInput(input: $value)\n}",
        {"value": [1, 2, 3]},
    ),
    (
        "reports_error_for_non_provided_variables_for_non_nullable_inputs",
        "{\n  fieldWithNonNullableStringInput(input: $foo)\n}",
        None,
    ),
    (
        "allows_custom_scalars",
        '{\n  fieldWithJSONScalarInput(input: { a: "foo", b: ["bar"], c: "baz" })\n}',
        None,
    ),
    (
        "allows_custom_scalars_with_non_embedded_variables",
        "query ($input: JSONScalar) {\n  fieldWithJSONScalarInput(input: $input)\n}",
        {"input": {"a": "foo", "b": ["bar"], "c": "baz"}},
    ),
    (
        "allows_custom_scalars_with_embedded_operation_variables",
        'query ($input: String) {\n  fieldWithJSONScalarInput(input: { a: $input, b: ["bar"], c: "baz" })\n}',
        {"input": "foo"},
    ),
    (
        "allows_lists_to_be_null",
        "query ($input: [String]) {\n  list(input: $input)\n}",
        {"input": None},
    ),
    (
        "allows_lists_to_contain_values",
        "query ($input: [String]) {\n  list(input: $input)\n}",
        {"input": ["A"]},
    ),
    (
        "allows_lists_to_contain_null",
        "query ($input: [String]) {\n  list(input: $input)\n}",
        {"input": ["A", None, "B"]},
    ),
    (
        "does_not_allow_non_null_lists_to_be_null",
        "query ($input: [String]!) {\n  nnList(input: $input)\n}",
        {"input": None},
    ),
    (
        "allows_non_null_lists_to_contain_values",
        "query ($input: [String]!) {\n  nnList(input: $input)\n}",
        {"input": ["A"]},
    ),
    (
        "allows_non_null_lists_to_contain_null",
        "query ($input: [String]!) {\n  nnList(input: $input)\n}",
        {"input": ["A", None, "B"]},
    ),
    (
        "allows_lists_of_non_nulls_to_be_null",
        "query ($input: [String!]) {\n  listNN(input: $input)\n}",
        {"input": None},
    ),
    (
        "allows_lists_of_non_nulls_to_contain_values",
        "query ($input: [String!]) {\n  listNN(input: $input)\n}",
        {"input": ["A"]},
    ),
    (
        "does_not_allow_lists_of_non_nulls_to_contain_null",
        "query ($input: [String!]) {\n  listNN(input: $input)\n}",
        {"input": ["A", None, "B"]},
    ),
    (
        "does_not_allow_non_null_lists_of_non_nulls_to_be_null",
        "query ($input: [String!]!) {\n  nnListNN(input: $input)\n}",
        {"input": None},
    ),
    (
        "allows_non_null_lists_of_non_nulls_to_contain_values",
        "query ($input: [String!]!) {\n  nnListNN(input: $input)\n}",
        {"input": ["A"]},
    ),
    (
        "does_not_allow_non_null_lists_of_non_nulls_to_contain_null",
        "query ($input: [String!]!) {\n  nnListNN(input: $input)\n}",
        {"input": ["A", None, "B"]},
    ),
    (
        "does_not_allow_invalid_types_to_be_used_as_values",
        "query ($input: TestType!) {\n  fieldWithObjectInput(input: $input)\n}",
        {"input": {"list": ["A", "B"]}},
    ),
    (
        "does_not_allow_unknown_types_to_be_used_as_values",
        "query ($input: UnknownType!) {\n  fieldWithObjectInput(input: $input)\n}",
        {"input": "whoKnows"},
    ),
    ("when_no_argument_provided", "{ fieldWithDefaultArgumentValue }", None),
    (
        "when_omitted_variable_provided",
        "query ($optional: String) {\n  fieldWithDefaultArgumentValue(input: $optional)\n}",
        None,
    ),
    (
        "not_when_argument_cannot_be_coerced",
        "{\n  fieldWithDefaultArgumentValue(input: WRONG_TYPE)\n}",
        None,
    ),
    (
        "when_no_runtime_value_is_provided_to_a_non_null_argument",
        "query optionalVariable($optional: String) {\n  fieldWithNonNullableStringInputAndDefaultArgValue(input: $optional)\n}",
        None,
    ),
]


@pytest.mark.parametrize(
    ("document", "variables"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_inputs_are_coerced_as_graphql_core_coerces_them(
    document: str, variables: dict[str, Any] | None
) -> None:
    # A query that meets an error is given up; its mutation is the plan's to answer, unless
    # graphql-core refuses the request (variables that do not coerce; one document names a
    # field the schema lacks, which validation would have refused, and is not compiled).
    refused = await request_error(SCHEMA, document, variables)
    query = await agree(SCHEMA, document, variables=variables)
    mutation = await agree(SCHEMA, document, variables=variables, mutation=True)
    if refused:
        assert query == mutation and query in (GAVE_UP, DECLINED)
    else:
        assert (query, mutation) in ((PLAN, PLAN), (GAVE_UP, PLAN))

"""The compiled argument conversion (engine/arguments.py) gives what Strawberry's own
`convert_argument` gives, for every argument of every root field of the served schema, on
values shaped as graphql-core hands them over (coerced variables: full, minimal, nulls)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    coerce_input_value,
)
from strawberry.types.arguments import convert_argument
from strawberry.types.field import StrawberryField

from engine.arguments import converter, fast_call
from schema.build import build_schema

SCHEMA = build_schema()
SAMPLES = {
    "ID": "id-1",
    "String": "text",
    "Int": 3,
    "Float": 1.5,
    "Boolean": True,
    "Date": "2026-12-01",
    "DateTime": "2026-12-01T10:00:00+03:00",
    "Decimal": "1500.50",
    "JSON": {"any": [1, "two"]},
}


def _root_fields() -> Iterator[tuple[str, Any]]:
    graphql = SCHEMA._schema
    for root in (graphql.query_type, graphql.mutation_type):
        assert root is not None
        for name, field in root.fields.items():
            yield f"{root.name}.{name}", field


def _variants(type_: GraphQLInputType, depth: int = 0) -> list[Any]:
    """JSON values for the type: each field set, only required ones, nulls where allowed."""
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    values: list[Any] = [None] if nullable else []
    if isinstance(inner, GraphQLList):
        return [*values, [], _variants(inner.of_type, depth)[-2:]]
    if isinstance(inner, GraphQLScalarType):
        return [*values, SAMPLES[inner.name]]
    if isinstance(inner, GraphQLEnumType):
        return [*values, *inner.values]
    assert isinstance(inner, GraphQLInputObjectType) and depth < 4
    fields = {name: _variants(field.type, depth + 1) for name, field in inner.fields.items()}
    if inner.extensions["strawberry-definition"].is_one_of:
        return values + [
            {name: value}
            for name, options in fields.items()
            for value in options
            if value is not None
        ]
    full = {name: options[-1] for name, options in fields.items()}
    required = {
        name: options[-1]
        for name, options in fields.items()
        if isinstance(inner.fields[name].type, GraphQLNonNull)
    }
    nulls = {**required, **{name: None for name, options in fields.items() if None in options}}
    return [*values, full, required, nulls]


ARGUMENTS = [
    pytest.param(field, argument, id=f"{where}({argument.python_name})")
    for where, field in _root_fields()
    if isinstance(strawberry := field.extensions.get("strawberry-definition"), StrawberryField)
    for argument in strawberry.arguments
]


@pytest.mark.parametrize(("field", "argument"), ARGUMENTS)
def test_conversion_matches_strawberry(field: Any, argument: Any) -> None:
    graphql_argument = field.args[SCHEMA.config.name_converter.from_argument(argument)]
    convert = converter(argument.type, SCHEMA.config, SCHEMA.schema_converter.scalar_registry)
    variants = _variants(graphql_argument.type)
    assert variants, "every argument has at least one value to try"
    for raw in variants:
        value = coerce_input_value(raw, graphql_argument.type)
        expected = convert_argument(
            value, argument.type, SCHEMA.schema_converter.scalar_registry, SCHEMA.config
        )
        assert convert(value) == expected, raw
        assert type(convert(value)) is type(expected), raw


def test_every_root_field_of_the_schema_gets_a_fast_call() -> None:
    # A field falling back to Strawberry's wrapper is still correct, only slower: this says
    # which ones do, so a schema change that loses the fast path is noticed.
    registry = SCHEMA.schema_converter.scalar_registry
    slow = [name for name, field in _root_fields() if not fast_call(field, SCHEMA.config, registry)]
    assert slow == []

"""Every private name of Strawberry (strawberry-graphql 0.341.2) the engine uses.

Besides these, engine/arguments.py re-implements `strawberry.types.arguments.convert_argument`
as 0.341.2 has it (new parameters, an error class and list copying came between 0.324 and
0.341): on an upgrade, read that function again beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLNamedType, GraphQLResolveInfo, GraphQLSchema
from strawberry.scalars import JSON
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY
from strawberry.types.arguments import _is_leaf_type, _is_optional_leaf_type
from strawberry.types.field import StrawberryField

__all__ = [
    "ALLOWED_BY_DEFAULT",
    "JSON_SERIALIZE",
    "graphql_schema",
    "info_maker",
    "is_leaf_type",
    "is_optional_leaf_type",
    "origin",
    "scalar_registry",
    "strawberry_field",
]

ALLOWED_BY_DEFAULT = DEFAULT_ALLOWED_OPERATION_TYPES  # what Schema.execute allows when given None
JSON_SERIALIZE = DEFAULT_SCALAR_REGISTRY[JSON].serialize
is_leaf_type = _is_leaf_type
is_optional_leaf_type = _is_optional_leaf_type
_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF  # where a graphql-core type keeps Strawberry's


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema Strawberry built and executes."""
    return schema._schema


def scalar_registry(schema: strawberry.Schema) -> Mapping[object, Any]:
    return schema.schema_converter.scalar_registry


def strawberry_field(definition: GraphQLField) -> StrawberryField | None:
    """The Strawberry field a graphql-core field was made from."""
    field = (definition.extensions or {}).get(_BACKREF)
    return field if isinstance(field, StrawberryField) else None


def origin(named: GraphQLNamedType) -> Any:
    """The Python class a graphql-core type was made from (an object type's), or None."""
    return getattr((named.extensions or {}).get(_BACKREF), "origin", None)


def info_maker(
    info_class: Callable[..., Any], field: StrawberryField
) -> Callable[[GraphQLResolveInfo[Any]], Any]:
    """What makes the Info a resolver of the field asking for one is given, from graphql-core's
    ResolveInfo, as Strawberry's resolver wrapper makes it (made once per field: its call is
    only partial's)."""
    return partial(info_class, _field=field)

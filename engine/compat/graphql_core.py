"""Every private name of graphql-core (3.3.2) the engine uses, and the error texts it copies.

A Run locates a mutation's field errors itself (a mutation is never run twice): their messages
are graphql-core's own, word for word, so both paths answer alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeGuard

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableValues,
)
from graphql.execution.get_variable_signature import get_variable_signature
from graphql.execution.values import VariableValueSource
from graphql.pyutils import Path, inspect
from graphql.utilities.coerce_input_value import coerce_default_value

__all__ = [
    "VariableValueSource",
    "coerce_default_value",
    "get_variable_signature",
    "leaf_null",
    "not_iterable",
    "null_error",
    "resolve_info",
]


def resolve_info(
    field_name: str,
    field_nodes: list[FieldNode],
    return_type: GraphQLOutputType,
    parent_type: GraphQLObjectType,
    path: Path,
    schema: GraphQLSchema,
    fragments: dict[str, FragmentDefinitionNode],
    root_value: Any,
    operation: OperationDefinitionNode,
    variable_values: VariableValues,
    context: Any,
    is_awaitable: Callable[[Any], TypeGuard[Awaitable[Any]]],
) -> GraphQLResolveInfo[Any]:
    """A ResolveInfo as graphql-core's executor builds one, without an abort signal or async
    helpers (no resolver of a plan reads them), made positionally: the fastest way."""
    return GraphQLResolveInfo(
        field_name,
        field_nodes,
        return_type,
        parent_type,
        path,
        schema,
        fragments,
        root_value,
        operation,
        variable_values,
        context,
        is_awaitable,
        None,
        None,  # type: ignore[arg-type]
    )


def null_error(parent: GraphQLObjectType, field_name: str) -> TypeError:
    return TypeError(f"Cannot return null for non-nullable field {parent}.{field_name}.")


def not_iterable(parent: GraphQLObjectType, field_name: str) -> str:
    return f"Expected Iterable, but did not find one for field '{parent}.{field_name}'."


def leaf_null(leaf: GraphQLLeafType, value: Any, coerced: Any) -> TypeError:
    return TypeError(
        f"Expected `{inspect(leaf)}.coerce_output_value({inspect(value)})`"
        f" to return non-nullable value, returned: {inspect(coerced)}"
    )

"""What a plan is made of: the shape of each position of a result, and each selected field.

Built by engine/plans.py, completed by engine/plain.py's closures and engine/run.py's Run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLUnionType,
    OperationDefinitionNode,
    OperationType,
)

from engine.arguments import FastCall
from engine.variables import Variables

Complete = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Shape:
    """How one position of the result is completed, from its type and selection."""

    nullable: bool
    leaf: GraphQLLeafType | None = None  # a scalar or an enum
    item: Shape | None = None  # a list's items
    fields: tuple[Step, ...] = ()  # an object's selected fields
    object_type: GraphQLObjectType | None = None
    union: GraphQLUnionType | None = None  # its members' shapes by type name in `members`
    members: dict[str, Shape] = field(default_factory=dict)
    sync: bool = False  # completed without awaiting: no resolver below it is async


@dataclass(frozen=True, slots=True)
class Step:
    """One selected field of an object type."""

    key: str  # the response key: alias or name
    node: FieldNode
    definition: GraphQLField
    parent: GraphQLObjectType
    shape: Shape
    basic: bool  # a plain attribute: resolved without info or arguments
    attribute: str | None = None  # a basic field read with getattr, as Strawberry's default
    typename: bool = False  # __typename
    call: FastCall | None = None  # the resolver, arguments converted by engine/arguments.py
    reader: Callable[[Any], Any] | None = None  # a `def` taking only self: called on the source
    sync: bool = False  # resolved and completed without awaiting anything
    plain: Complete | None = None  # its value completed by closures alone (engine/plain.py)
    # (argument's out name, variable, non-null) when every argument is given as a variable
    variables: tuple[tuple[str, str, bool], ...] | None = None


@dataclass(frozen=True)
class Plan:
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    root: Shape
    variables: Variables

    @property
    def operation_type(self) -> OperationType:
        return self.operation.operation

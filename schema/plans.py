"""Plans of GraphQL documents: what schema/prepared.py runs instead of graphql-core's
generic executor.

A plan is the document's selections resolved against the schema once: for each selected field
its definition, whether it is a plain attribute, its resolver's fast call, and the shape of its
value (leaf, list, object, union). Documents using what plans leave to the generic path
(directives, fragments on abstract types, repeated response keys, introspection,
subscriptions) raise Unsupported and are never compiled.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    is_leaf_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from schema.arguments import FastCall
from schema.plain import Complete, plain
from schema.variables import Variables


class Unsupported(Exception):
    """The document uses something plans leave to the generic path."""


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
    call: FastCall | None = None  # the resolver, arguments converted by schema/arguments.py
    reader: Callable[[Any], Any] | None = None  # a `def` taking only self: called on the source
    sync: bool = False  # resolved and completed without awaiting anything
    plain: Complete | None = None  # its value completed by closures alone (schema/plain.py)
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


def compile_plan(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    calls: Callable[[GraphQLField], FastCall | None] = lambda _: None,
) -> Plan:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    chosen = [o for o in operations if operation_name is None or _name(o) == operation_name]
    if len(chosen) != 1 or chosen[0].operation == OperationType.SUBSCRIPTION:
        raise Unsupported("operation")
    operation = chosen[0]
    if operation.directives or any(v.directives for v in operation.variable_definitions or ()):
        raise Unsupported("directives")
    root_type = schema.get_root_type(operation.operation)
    if root_type is None:
        raise Unsupported("root type")
    compiler = _Compiler(schema, fragments, calls)
    root = compiler.object_shape(root_type, [operation.selection_set], nullable=True)
    variables = Variables(schema, operation.variable_definitions or ())
    return Plan(operation, fragments, root, variables)


def _name(operation: OperationDefinitionNode) -> str | None:
    return operation.name.value if operation.name else None


def _attribute(definition: GraphQLField) -> str | None:
    """The Python attribute a basic field's default resolver reads, if it is plain getattr."""
    field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if isinstance(field, StrawberryField) and field.default_resolver is getattr:
        return field.python_name
    return None


def _plain_resolver(definition: GraphQLField) -> bool:
    """A resolver that answers its value, not an awaitable: a plain `def` of a non-root type
    (root fields are `async def`; a plain `def` answering a coroutine would be a mistake
    that schema/prepared.py reports rather than awaits)."""
    field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(field, StrawberryField) or field.base_resolver is None:
        return False
    function = field.base_resolver.wrapped_func
    return not (inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function))


def _variable_arguments(
    definition: GraphQLField, node: FieldNode
) -> tuple[tuple[str, str, bool], ...] | None:
    """Each argument of the field as the variable the document gives it, if all are."""
    given = {argument.name.value: argument.value for argument in node.arguments or ()}
    found = []
    for name, argument in definition.args.items():
        value = given.get(name)
        if not isinstance(value, VariableNode):
            return None
        non_null = isinstance(argument.type, GraphQLNonNull)
        found.append((argument.out_name or name, value.name.value, non_null))
    return tuple(found)


@dataclass
class _Compiler:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    calls: Callable[[GraphQLField], FastCall | None]

    def shape(self, type_: GraphQLOutputType, node: FieldNode) -> Shape:
        nullable = not isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            item = self.shape(inner.of_type, node)
            return Shape(nullable, item=item, sync=item.sync)
        if is_leaf_type(inner):
            return Shape(nullable, leaf=inner, sync=True)
        sets = [node.selection_set] if node.selection_set else []
        if isinstance(inner, GraphQLObjectType):
            return self.object_shape(inner, sets, nullable)
        if isinstance(inner, GraphQLUnionType):
            members = {t.name: self.object_shape(t, sets, True) for t in inner.types}
            return Shape(nullable, union=inner, members=members)
        raise Unsupported(f"type {inner}")

    def object_shape(
        self, object_type: GraphQLObjectType, sets: list[SelectionSetNode], nullable: bool
    ) -> Shape:
        steps: dict[str, Step] = {}
        for node in self.collect(object_type, sets):
            key = node.alias.value if node.alias else node.name.value
            if key in steps:
                raise Unsupported("repeated response key")
            steps[key] = self.step(object_type, node, key)
        fields = tuple(steps.values())
        sync = all(step.sync for step in fields)
        return Shape(nullable, fields=fields, object_type=object_type, sync=sync)

    def step(self, parent: GraphQLObjectType, node: FieldNode, key: str) -> Step:
        name = node.name.value
        if name == "__typename":
            field = GraphQLField(parent)
            shape = Shape(False, sync=True)
            return Step(key, node, field, parent, shape, basic=True, typename=True, sync=True)
        definition = parent.fields.get(name)
        if definition is None:  # __schema and __type: introspection runs the generic path
            raise Unsupported(f"field {name}")
        if definition.resolve is None:  # Strawberry gives every field one
            raise Unsupported(f"field {name} without a resolver")
        shape = self.shape(definition.type, node)
        if getattr(definition.resolve, "_is_default", False) and not definition.args:
            attribute = _attribute(definition)
            sync = shape.sync and attribute is not None
            return Step(
                key, node, definition, parent, shape, True, attribute, sync=sync, plain=plain(shape)
            )
        call = self.calls(definition)
        answers_at_once = call is not None and _plain_resolver(definition)
        sync = shape.sync and answers_at_once
        reader = call.reader if call is not None and answers_at_once else None
        variables = _variable_arguments(definition, node)
        return Step(
            *(key, node, definition, parent, shape, False),
            call=call, reader=reader, sync=sync, plain=plain(shape), variables=variables,
        )  # fmt: skip

    def collect(
        self,
        object_type: GraphQLObjectType,
        sets: list[SelectionSetNode],
        visited: set[str] | None = None,
    ) -> Iterable[FieldNode]:
        """The fields of one object's selection, each fragment spread taken once (GraphQL's
        CollectFields keeps visitedFragments so): a fragment spreading the next one twice,
        thirty deep, would otherwise be walked 2^30 times."""
        visited = set() if visited is None else visited
        for selection_set in sets:
            for selection in selection_set.selections:
                if selection.directives:
                    raise Unsupported("directives")
                if isinstance(selection, FieldNode):
                    yield selection
                    continue
                condition: NamedTypeNode | None
                if isinstance(selection, FragmentSpreadNode):
                    if selection.name.value in visited:
                        continue
                    visited.add(selection.name.value)
                    fragment = self.fragments[selection.name.value]
                    condition, inner = (fragment.type_condition, fragment.selection_set)
                    if fragment.directives or fragment.variable_definitions:
                        raise Unsupported("fragment directives or variables")
                else:
                    assert isinstance(selection, InlineFragmentNode)
                    condition, inner = selection.type_condition, selection.selection_set
                if condition is None or condition.name.value == object_type.name:
                    yield from self.collect(object_type, [inner], visited)
                elif isinstance(self.schema.get_type(condition.name.value), GraphQLObjectType):
                    continue  # another object type's fields: never this object's
                else:
                    raise Unsupported("fragment on an abstract type")

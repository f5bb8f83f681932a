"""Plans of GraphQL documents: what engine/run.py runs instead of graphql-core's generic
executor.

A plan is the document's selections resolved against the schema once: for each selected field
its definition, whether it is a plain attribute, its resolver's fast call, and the shape of its
value (leaf, list, object, union). Documents using what plans leave to the generic path
(directives, fragments on abstract types, repeated response keys, introspection,
subscriptions) give up (GiveUp) and are never compiled.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
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
from strawberry.resolvers import is_default_resolver

from engine.arguments import FastCall
from engine.compat.strawberry import strawberry_field
from engine.giveup import GiveUp
from engine.leaves import Leaves
from engine.plain import plain
from engine.shapes import Plan, Shape, Step
from engine.variables import Variables


def compile_plan(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    calls: Callable[[GraphQLField], FastCall | None] = lambda _: None,
    leaves: Leaves | None = None,
) -> Plan:
    """The document's plan: `calls` gives a field's fast call (engine/arguments.py), if any;
    `leaves` the outputs of the schema's leaves (engine/leaves.py)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    chosen = [o for o in operations if operation_name is None or _name(o) == operation_name]
    if len(chosen) != 1 or chosen[0].operation == OperationType.SUBSCRIPTION:
        raise GiveUp("operation")
    operation = chosen[0]
    if operation.directives or any(v.directives for v in operation.variable_definitions or ()):
        raise GiveUp("directives")
    root_type = schema.get_root_type(operation.operation)
    if root_type is None:
        raise GiveUp("root type")
    compiler = _Compiler(schema, fragments, calls, leaves or Leaves())
    root = compiler.object_shape(root_type, [operation.selection_set], nullable=True)
    variables = Variables(schema, operation.variable_definitions or ())
    return Plan(operation, fragments, root, variables)


def _name(operation: OperationDefinitionNode) -> str | None:
    return operation.name.value if operation.name else None


def _attribute(definition: GraphQLField) -> str | None:
    """The Python attribute a basic field's default resolver reads, if it is plain getattr."""
    field = strawberry_field(definition)
    if field is not None and field.default_resolver is getattr:
        return field.python_name
    return None


def _plain_resolver(definition: GraphQLField) -> bool:
    """A resolver that answers its value, not an awaitable: a plain `def` of a non-root type
    (root fields are `async def`; a plain `def` answering a coroutine would be a mistake
    that engine/run.py reports rather than awaits)."""
    field = strawberry_field(definition)
    if field is None or field.base_resolver is None:
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
    leaves: Leaves

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
        raise GiveUp(f"type {inner}")

    def object_shape(
        self, object_type: GraphQLObjectType, sets: list[SelectionSetNode], nullable: bool
    ) -> Shape:
        steps: dict[str, Step] = {}
        for node in self.collect(object_type, sets):
            key = node.alias.value if node.alias else node.name.value
            if key in steps:
                raise GiveUp("repeated response key")
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
            raise GiveUp(f"field {name}")
        if definition.resolve is None:  # Strawberry gives every field one
            raise GiveUp(f"field {name} without a resolver")
        shape = self.shape(definition.type, node)
        completed = plain(shape, self.leaves)
        if is_default_resolver(definition.resolve) and not definition.args:
            attribute = _attribute(definition)
            sync = shape.sync and attribute is not None
            return Step(
                *(key, node, definition, parent, shape, True, attribute),
                sync=sync, plain=completed,
            )  # fmt: skip
        call = self.calls(definition)
        answers_at_once = call is not None and _plain_resolver(definition)
        sync = shape.sync and answers_at_once
        reader = call.reader if call is not None and answers_at_once else None
        variables = _variable_arguments(definition, node)
        return Step(
            *(key, node, definition, parent, shape, False),
            call=call, reader=reader, sync=sync, plain=completed, variables=variables,
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
                    raise GiveUp("directives")
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
                        raise GiveUp("fragment directives or variables")
                else:
                    assert isinstance(selection, InlineFragmentNode)
                    condition, inner = selection.type_condition, selection.selection_set
                if condition is None or condition.name.value == object_type.name:
                    yield from self.collect(object_type, [inner], visited)
                elif isinstance(self.schema.get_type(condition.name.value), GraphQLObjectType):
                    continue  # another object type's fields: never this object's
                else:
                    raise GiveUp("fragment on an abstract type")

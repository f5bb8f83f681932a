"""A plan's variables, coerced by functions compiled once from their types.

graphql-core coerces a request's variables by walking each variable's type anew (and first
walks the value once more to bound its depth): ~6 µs of a createOrder whose whole GraphQL layer
is ~45 µs (docs/performance.md). A plan compiles its variable definitions into one function
per type. That function answers only values it can coerce exactly as graphql-core would; for
anything else (a missing value with a default, a value that does not coerce, a oneOf input,
nesting deeper than MAX_DEPTH) it gives up (GiveUp), and graphql-core coerces the request,
errors and all. So an answer here is always graphql-core's answer, only sooner.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    VariableDefinitionNode,
    VariableValues,
    is_required_input_field,
)
from graphql.pyutils import is_iterable

from engine.compat.graphql_core import (
    VariableValueSource,
    coerce_default_value,
    get_variable_signature,
)
from engine.giveup import GiveUp

MAX_DEPTH = 32  # graphql-core's depth check is skipped: past this, it coerces the value itself

Coerce = Callable[[Any, int], Any]


class Variables:
    """The compiled coercion of one operation's variable definitions."""

    def __init__(self, schema: GraphQLSchema, definitions: Collection[VariableDefinitionNode]):
        self.compiled: list[tuple[str, Any, Coerce, bool]] = []
        self.usable = True
        compiler = _Compiler()
        for definition in definitions:
            signature = get_variable_signature(schema, definition)
            if isinstance(signature, GraphQLError):
                self.usable = False  # graphql-core reports it
                continue
            optional = signature.default is None and not isinstance(signature.type, GraphQLNonNull)
            self.compiled.append(
                (signature.name, signature, compiler.coerce(signature.type), optional)
            )

    def coerce(self, inputs: dict[str, Any]) -> VariableValues | None:
        """The variables as graphql-core would coerce them; None: ask graphql-core."""
        if not self.usable:
            return None
        sources: dict[str, VariableValueSource] = {}
        coerced: dict[str, Any] = {}
        try:
            for name, signature, coerce, optional in self.compiled:
                value = inputs.get(name, Undefined)
                if value is Undefined:
                    if not optional:  # a default to apply, or a required value missing
                        return None
                    sources[name] = VariableValueSource(signature)
                    continue
                sources[name] = VariableValueSource(signature, value)
                coerced[name] = coerce(value, 0)
        except (GiveUp, RecursionError):
            return None
        return VariableValues(sources, coerced)


class _Compiler:
    def __init__(self) -> None:
        # Input objects may refer to themselves: each is compiled once, and found here by
        # the functions of its fields when they run.
        self.objects: dict[str, Coerce] = {}

    def coerce(self, type_: GraphQLInputType) -> Coerce:
        if isinstance(type_, GraphQLNonNull):
            inner = self.nullable(type_.of_type)

            def non_null(value: Any, depth: int) -> Any:
                if value is None:
                    raise GiveUp
                return inner(value, depth)

            return non_null
        inner = self.nullable(type_)

        def nullable(value: Any, depth: int) -> Any:
            return None if value is None else inner(value, depth)

        return nullable

    def nullable(self, type_: GraphQLInputType) -> Coerce:
        if isinstance(type_, GraphQLList):
            return self.list(type_)
        if isinstance(type_, GraphQLInputObjectType):
            return self.input_object(type_)
        assert isinstance(type_, GraphQLScalarType | GraphQLEnumType)
        return _leaf(type_)

    def list(self, type_: GraphQLList[Any]) -> Coerce:
        item = self.coerce(type_.of_type)

        def coerce_list(value: Any, depth: int) -> list[Any]:
            if depth > MAX_DEPTH:
                raise GiveUp
            if not is_iterable(value):  # a single value stands for a list of one
                return [item(value, depth + 1)]
            return [item(entry, depth + 1) for entry in value]

        return coerce_list

    def input_object(self, type_: GraphQLInputObjectType) -> Coerce:
        name = type_.name
        if name in self.objects:
            return lambda value, depth: self.objects[name](value, depth)
        self.objects[name] = _give_up  # while its fields compile
        if type_.is_one_of:
            return _give_up
        fields = [
            (field_name, field.out_name or field_name, field, self.coerce(field.type))
            for field_name, field in type_.fields.items()
        ]
        known = frozenset(type_.fields)
        out_type = type_.out_type

        def coerce_object(value: Any, depth: int) -> Any:
            if type(value) is not dict or depth > MAX_DEPTH or not known.issuperset(value):
                raise GiveUp
            coerced: dict[str, Any] = {}
            for field_name, out_name, field, coerce in fields:
                given = value.get(field_name, Undefined)
                if given is Undefined:
                    if is_required_input_field(field):
                        raise GiveUp
                    default = coerce_default_value(field)  # memoized by graphql-core
                    if default is not Undefined:
                        coerced[out_name] = default
                    continue
                coerced[out_name] = coerce(given, depth + 1)
            try:
                return out_type(coerced)
            except Exception as error:  # Strawberry's oneOf check, for one, is an out_type
                raise GiveUp from error

        self.objects[name] = coerce_object
        return coerce_object


def _leaf(type_: GraphQLScalarType | GraphQLEnumType) -> Coerce:
    parse = type_.coerce_input_value
    exact = str if type_ is GraphQLString or type_ is GraphQLID else None

    def coerce_leaf(value: Any, depth: int) -> Any:
        if type(value) is exact:  # a string for String or ID: itself
            return value
        try:
            coerced = parse(value)
        except Exception as error:
            raise GiveUp from error
        if coerced is Undefined:
            raise GiveUp
        return coerced

    return coerce_leaf


def _give_up(value: Any, depth: int) -> Any:
    raise GiveUp

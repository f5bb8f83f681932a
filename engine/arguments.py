"""Calling a Strawberry resolver from a plan, with its arguments converted by compiled code.

Strawberry converts a field's arguments on every call by walking their annotations
(`strawberry.types.arguments.convert_argument`): about a tenth of a `createOrder`'s CPU
(docs/performance.md). The walk depends only on the types, so it is done here once per
field: the converter built from an argument's type does what `convert_argument` does for it
(input objects built from their fields with the same implicit `None`s, lists copied, leaves
and enums as graphql-core coerced them, `UNSET` kept). The call then injects self, root,
parent and info as Strawberry's `get_arguments` does and runs `StrawberryField.get_result`.

A field with field extensions (permissions are extensions), schema exception handlers, or an
argument type this does not know (Maybe, GlobalID, types with their own `from_input`) keeps
Strawberry's own resolver wrapper: `fast_call` answers None for it. On a Strawberry upgrade, read
`convert_argument` again beside this (engine/compat/strawberry.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass
from typing import Any

from graphql import GraphQLField, GraphQLResolveInfo
from strawberry.relay.types import GlobalID
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryOptional,
    has_object_definition,
)
from strawberry.types.enum import has_enum_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

from engine.compat.strawberry import (
    info_maker,
    is_leaf_type,
    is_optional_leaf_type,
    strawberry_field,
)
from engine.giveup import GiveUp

Convert = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class FastCall:
    run: Callable[[Any, GraphQLResolveInfo[Any] | None, dict[str, Any]], Any]
    needs_info: bool  # the resolver takes info: without it, none is built per call
    # A method taking nothing but self (Order.items): called with the source alone.
    reader: Callable[[Any], Any] | None = None


def fast_call(
    definition: GraphQLField, config: StrawberryConfig, registry: Mapping[object, Any]
) -> FastCall | None:
    field = strawberry_field(definition)
    if field is None or field.base_resolver is None or field.extensions:
        return None
    try:
        converters = [
            (
                config.name_converter.from_argument(argument),
                argument.python_name,
                converter(argument.type, config, registry),
            )
            for argument in field.arguments
        ]
    except GiveUp:  # a type whose conversion stays Strawberry's
        return None
    resolver = field.base_resolver
    with_self = resolver.self_parameter is not None
    sources = [p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    new_info = info_maker(config.info_class, field)
    function = resolver.wrapped_func
    if not callable(function):
        return None

    def run(source: Any, raw_info: GraphQLResolveInfo[Any] | None, raw: dict[str, Any]) -> Any:
        kwargs = {python: convert(raw[name]) for name, python, convert in converters if name in raw}
        for name in sources:
            kwargs[name] = source
        strawberry_info = None
        if info_name:
            assert raw_info is not None  # asked for by needs_info
            strawberry_info = new_info(raw_info)
            kwargs[info_name] = strawberry_info
        # What field.get_result does for a field with a resolver, without its two calls.
        return function(source, **kwargs) if with_self else function(**kwargs)

    reader = function if with_self and not (converters or sources or info_name) else None
    return FastCall(run, needs_info=info_name is not None, reader=reader)


def converter(type_: Any, config: StrawberryConfig, registry: Mapping[object, Any]) -> Convert:
    """What `convert_argument(value, type_, …)` does, decided once for the type."""
    if isinstance(type_, StrawberryMaybe):
        raise GiveUp("Maybe")
    if isinstance(type_, StrawberryOptional):
        return _unless_empty(converter(type_.of_type, config, registry))
    return _unless_empty(_converter(type_, config, registry))


def _unless_empty(convert: Convert) -> Convert:
    def converted(value: Any) -> Any:
        return value if value is None or value is UNSET else convert(value)

    return converted


def _converter(type_: Any, config: StrawberryConfig, registry: Mapping[object, Any]) -> Convert:
    if isinstance(type_, StrawberryList):
        item = type_.of_type
        if is_leaf_type(item, registry, skip_classes=(GlobalID,)) or is_optional_leaf_type(
            item, registry, skip_classes=(GlobalID,)
        ):
            return list  # copied: graphql-core shares one default list between requests
        convert = converter(item, config, registry)
        return lambda values: [convert(value) for value in values]
    if is_leaf_type(type_, registry):
        if type_ is GlobalID:
            raise GiveUp("GlobalID")
        return _same
    if isinstance(type_, LazyType):
        return _converter(type_.resolve_type(), config, registry)
    if has_enum_definition(type_):
        return _same  # enums are leaves: graphql-core already gave the member
    if has_object_definition(type_):
        return _input_object(type_, config, registry)
    raise GiveUp(str(type_))


def _same(value: Any) -> Any:
    return value


def _input_object(type_: Any, config: StrawberryConfig, registry: Mapping[object, Any]) -> Convert:
    definition = type_.__strawberry_definition__
    if definition.from_input is not None:
        raise GiveUp("from_input")
    implicit = (
        {
            field.python_name: None
            for field in definition.fields
            if field.default_value is MISSING and field.default_factory is MISSING
        }
        if definition.is_input
        else {}
    )
    fields = [
        (
            config.name_converter.from_field(field),
            field.python_name,
            converter(field.resolve_type(type_definition=definition), config, registry),
        )
        for field in definition.fields
    ]

    def build(value: Mapping[str, Any]) -> Any:
        kwargs = dict(implicit)
        for name, python, convert in fields:
            if name in value:
                kwargs[python] = convert(value[name])
        return type_(**kwargs)

    return build

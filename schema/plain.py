"""Plain completion: the part of a result read from attributes alone, built by closures.

A shape whose every field is an attribute, a __typename or a leaf, down to its leaves (no
resolver, no arguments, no union), needs none of a Run's bookkeeping (paths, resolve infos,
awaitables) unless something is wrong with its values. Such a shape is compiled once into
nested closures that build its result directly (a createOrder's payload: a third of the
plan's walk). They answer only what Run.complete_sync would answer; on anything else (a null
where none may be, a leaf that does not serialize, an exception or an awaitable among the
values) they raise, and the Run completes the value itself, erring and locating the error as
it always did: reading plain attributes a second time changes nothing.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from enum import Enum
from types import GeneratorType
from typing import TYPE_CHECKING, Any

from graphql import GraphQLEnumType, GraphQLID, GraphQLLeafType, GraphQLString, Undefined
from graphql.pyutils import is_awaitable

if TYPE_CHECKING:
    from schema.plans import Shape

Complete = Callable[[Any], Any]
Field = tuple[str, str | None, Any]  # its key, the attribute read, the closure of its value

# Classes whose values are neither awaitables nor errors, learned as values come (regular).
REGULAR: set[type] = {str, int, float, bool, type(None), list, dict, tuple}


class Irregular(Exception):
    """A value for the Run's own completion."""


def plain(shape: Shape) -> Complete | None:
    """The shape's closure, or None when it is not plain."""
    if shape.union is not None:
        return None
    if shape.leaf is not None:
        return _leaf(shape)
    if shape.item is not None:
        item = plain(shape.item)
        return None if item is None else _list(shape.nullable, item)
    assert shape.object_type is not None
    fields: list[Field] = []
    for step in shape.fields:
        if step.typename:
            fields.append((step.key, None, shape.object_type.name))
            continue
        below = plain(step.shape) if step.attribute is not None else None
        if below is None:
            return None
        fields.append((step.key, step.attribute, below))
    return _object(shape.nullable, fields)


def _null(nullable: bool) -> None:
    if not nullable:
        raise Irregular


def _leaf(shape: Shape) -> Complete:
    assert shape.leaf is not None
    nullable, coerce = shape.nullable, _output(shape.leaf)

    def complete(value: Any) -> Any:
        if value is None:
            return _null(nullable)
        if type(value) not in REGULAR and not regular(value):
            raise Irregular
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise Irregular
        return coerced

    # A string completes as itself: an object's closure tests that in place (_object).
    complete.strings = shape.leaf is GraphQLString or shape.leaf is GraphQLID  # type: ignore[attr-defined]
    return complete


def _output(leaf: GraphQLLeafType) -> Complete:
    """The leaf type's coerce_output_value, with what it answers at once answered sooner: a
    string as a String or an ID is itself, and an enum member's name is looked up, not found
    by Strawberry's scan of the enum's values (two Python property reads per value)."""
    coerce = leaf.coerce_output_value
    if leaf is GraphQLString or leaf is GraphQLID:
        return lambda value: value if type(value) is str else coerce(value)
    if isinstance(leaf, GraphQLEnumType):
        names: dict[Any, Any] = {}

        def name_of(value: Any) -> Any:
            if not isinstance(value, Enum):
                return coerce(value)
            name = names.get(value)
            if name is None:
                name = names[value] = coerce(value)
            return name

        return name_of
    return coerce


def regular(value: Any) -> bool:
    """Neither an error nor an awaitable. Both are properties of the class (a generator's
    flags aside), so a class found regular once is known from then on: most values are
    checked by their type alone (inspect.isawaitable's ABC check was a tenth of a 50-order
    listing)."""
    kind = type(value)
    if kind in REGULAR:
        return True
    if isinstance(value, Exception) or is_awaitable(value):
        return False
    if kind is not GeneratorType and len(REGULAR) < 1024:
        REGULAR.add(kind)
    return True


def _list(nullable: bool, item: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            return _null(nullable)
        if type(value) is not list and type(value) is not tuple:
            raise Irregular  # other iterables, and what is none, are the Run's
        return [item(entry) for entry in value]

    return complete


def _object(nullable: bool, fields: list[Field]) -> Complete:
    """The object's closure, made from source as dataclasses makes an `__init__`: one dict
    display reading each attribute, where a loop over the fields cost a tuple unpacking and a
    getattr per field. A string as a String or an ID is itself, tested in place (most leaves
    of a read); other leaves call their closure."""
    namespace: dict[str, Any] = {"_null": _null, "nullable": nullable, "Irregular": Irregular}
    entries = []
    for n, (key, attribute, below) in enumerate(fields):
        if attribute is None:  # __typename: `below` is the type's name
            entries.append(f"{key!r}: {below!r}")
            continue
        namespace[f"c{n}"] = below
        read = f"value.{attribute}" if _identifier(attribute) else f"getattr(value, {attribute!r})"
        if getattr(below, "strings", False):
            entries.append(f"{key!r}: v{n} if type(v{n} := {read}) is str else c{n}(v{n})")
        else:
            entries.append(f"{key!r}: c{n}({read})")
    source = (
        "def complete(value):\n"
        "    if value is None:\n"
        "        return _null(nullable)\n"
        "    if isinstance(value, Exception):\n"
        "        raise Irregular\n"
        f"    return {{{', '.join(entries)}}}\n"
    )
    exec(source, namespace)  # keys are GraphQL names, attributes identifiers: nothing else
    complete: Complete = namespace["complete"]
    return complete


def _identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)

"""Plain completion: the part of a result read from its objects alone, built by closures.

A shape whose every field is an attribute, a __typename, a leaf or a reader (a resolver that
is a `def` taking only self: every such resolver of ordo's types reads its object and nothing
else), down to its leaves, with unions told apart by their members' classes, needs none of a
Run's bookkeeping (paths, resolve infos, awaitables) unless something is wrong with its
values. Such a shape is compiled once into nested closures that build its result directly (a
createOrder's payload; an order read with its items and events). They answer only what the
Run's completion would answer; on anything else (a null where none may be, a leaf that does
not serialize, an exception or an awaitable among the values, a resolver that raises, a class
no member has) they raise, and the Run completes the value itself, erring and locating the
error as it always did: reading the objects a second time changes nothing.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from enum import Enum
from types import GeneratorType
from typing import TYPE_CHECKING, Any

from graphql import GraphQLEnumType, GraphQLID, GraphQLLeafType, GraphQLString, Undefined
from graphql.pyutils import is_awaitable
from strawberry.scalars import JSON
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY

if TYPE_CHECKING:
    from schema.plans import Shape

Complete = Callable[[Any], Any]
# What an object's closure answers a leaf with in place: ("same", a class whose values complete
# as themselves), ("names", an enum's names by member id), or None: the leaf's closure.
Inline = tuple[str, Any] | None
# Its key; the attribute read, or the reader called, or None for __typename; its value's closure
# (for __typename: the type's name); what a leaf is answered with in place.
Field = tuple[str, str | Complete | None, Any, Inline]

_JSON_SERIALIZE = DEFAULT_SCALAR_REGISTRY[JSON].serialize

# Classes whose values are neither awaitables nor errors, learned as values come (regular).
REGULAR: set[type] = {str, int, float, bool, type(None), list, dict, tuple}


class Irregular(Exception):
    """A value for the Run's own completion."""


def plain(shape: Shape) -> Complete | None:
    """The shape's closure, or None when it is not plain."""
    if shape.union is not None:
        return _union(shape)
    if shape.leaf is not None:
        return _leaf(shape)[0]
    if shape.item is not None:
        item = plain(shape.item)
        return None if item is None else _list(shape.nullable, item)
    assert shape.object_type is not None
    fields: list[Field] = []
    for step in shape.fields:
        if step.typename:
            fields.append((step.key, None, shape.object_type.name, None))
            continue
        read = step.attribute if step.attribute is not None else step.reader
        if read is None:
            return None
        if step.shape.leaf is not None:
            fields.append((step.key, read, *_leaf(step.shape)))
            continue
        below = plain(step.shape)
        if below is None:
            return None
        fields.append((step.key, read, below, None))
    return _object(shape.nullable, fields)


def _union(shape: Shape) -> Complete | None:
    """Strawberry tells a union's member by the value's Strawberry type: here by its class,
    exactly (a subclass, or a value of no member's class, is the Run's)."""
    members: dict[type, Complete] = {}
    for member in shape.members.values():
        assert member.object_type is not None
        extensions = member.object_type.extensions or {}
        origin = getattr(extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF), "origin", None)
        closure = plain(member)
        if closure is None or not isinstance(origin, type):
            return None
        members[origin] = closure
    nullable = shape.nullable

    def complete(value: Any) -> Any:
        if value is None:
            return _null(nullable)
        member = members.get(type(value))
        if member is None:
            raise Irregular
        return member(value)

    return complete


def _null(nullable: bool) -> None:
    if not nullable:
        raise Irregular


def _leaf(shape: Shape) -> tuple[Complete, Inline]:
    """The leaf's closure, and what an object's closure may answer in place (_object)."""
    assert shape.leaf is not None
    nullable, (coerce, inline) = shape.nullable, _output(shape.leaf)

    def complete(value: Any) -> Any:
        if value is None:
            return _null(nullable)
        if type(value) not in REGULAR and not regular(value):
            raise Irregular
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise Irregular
        return coerced

    return complete, inline


def _output(leaf: GraphQLLeafType) -> tuple[Complete, Inline]:
    """The leaf type's coerce_output_value, with what it answers at once answered sooner: a
    value that serializes as itself is itself (a string as a String, an ID, a Date or a
    Decimal, whose serialize is `str`; a dict as JSON), and an enum member's name is looked up
    by the member's id (members live as long as their enum), not found by Strawberry's scan
    of the enum's values (two Python property reads per value)."""
    coerce = leaf.coerce_output_value
    same = _same_class(leaf)
    if same is not None:
        return (lambda value: value if type(value) is same else coerce(value)), ("same", same)
    if isinstance(leaf, GraphQLEnumType):
        names: dict[int, Any] = {}

        def name_of(value: Any) -> Any:
            if not isinstance(value, Enum):
                return coerce(value)
            name = names.get(id(value))
            if name is None:
                name = names[id(value)] = coerce(value)
            return name

        return name_of, ("names", names)
    return coerce, None


def _same_class(leaf: GraphQLLeafType) -> type | None:
    """The class whose values the leaf answers as themselves."""
    serialize = getattr(leaf, "serialize", None)
    if leaf is GraphQLString or leaf is GraphQLID or serialize is str:
        return str
    if serialize is _JSON_SERIALIZE:
        return dict
    return None


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
    getattr per field. A leaf's value that is itself, or an enum member's known name, is
    answered in place (most leaves of a read); other values call the leaf's closure."""
    namespace: dict[str, Any] = {
        "_null": _null, "nullable": nullable, "Irregular": Irregular, "REGULAR": REGULAR,
        "regular": regular,
    }  # fmt: skip
    entries = []
    for n, (key, source, below, inline) in enumerate(fields):
        if source is None:  # __typename: `below` is the type's name
            entries.append(f"{key!r}: {below!r}")
            continue
        namespace[f"c{n}"] = below
        if callable(source):
            namespace[f"r{n}"] = source
            read = f"r{n}(value)"
        elif _identifier(source):
            read = f"value.{source}"
        else:
            read = f"getattr(value, {source!r})"
        if inline is None:
            entries.append(f"{key!r}: c{n}({read})")
        elif inline[0] == "same":
            namespace[f"t{n}"] = inline[1]
            entries.append(f"{key!r}: v{n} if type(v{n} := {read}) is t{n} else c{n}(v{n})")
        else:  # an enum's names (never empty strings)
            namespace[f"n{n}"] = inline[1]
            entries.append(f"{key!r}: n{n}.get(id(v{n} := {read})) or c{n}(v{n})")
    code = (
        "def complete(value):\n"
        "    if value is None:\n"
        "        return _null(nullable)\n"
        "    if type(value) not in REGULAR and not regular(value):\n"
        "        raise Irregular\n"
        f"    return {{{', '.join(entries)}}}\n"
    )
    exec(code, namespace)  # keys are GraphQL names, attributes identifiers: nothing else
    complete: Complete = namespace["complete"]
    return complete


def _identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)

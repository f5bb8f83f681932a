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
from types import GeneratorType
from typing import Any

from graphql import Undefined
from graphql.pyutils import is_awaitable

from engine.compat.strawberry import origin
from engine.giveup import GiveUp
from engine.leaves import Leaves, Output
from engine.shapes import Complete, Shape

# Its key; the attribute read, or the reader called, or None for __typename; its value's closure
# (for __typename: the type's name); a leaf's output, answered in place.
Field = tuple[str, str | Complete | None, Any, Output | None]

# Classes whose values are neither awaitables nor errors, learned as values come (regular).
REGULAR: set[type] = {str, int, float, bool, type(None), list, dict, tuple}


def plain(shape: Shape, leaves: Leaves) -> Complete | None:
    """The shape's closure, or None when it is not plain. It gives up (GiveUp) on a value that
    is the Run's to complete."""
    if shape.union is not None:
        return _union(shape, leaves)
    if shape.leaf is not None:
        return _leaf(shape, leaves)[0]
    if shape.item is not None:
        item = plain(shape.item, leaves)
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
            fields.append((step.key, read, *_leaf(step.shape, leaves)))
            continue
        below = plain(step.shape, leaves)
        if below is None:
            return None
        fields.append((step.key, read, below, None))
    return _object(shape.nullable, fields)


def _union(shape: Shape, leaves: Leaves) -> Complete | None:
    """Strawberry tells a union's member by the value's Strawberry type: here by its class,
    exactly (a subclass, or a value of no member's class, is the Run's)."""
    members: dict[type, Complete] = {}
    for member in shape.members.values():
        assert member.object_type is not None
        made_from = origin(member.object_type)
        closure = plain(member, leaves)
        if closure is None or not isinstance(made_from, type):
            return None
        members[made_from] = closure
    nullable = shape.nullable

    def complete(value: Any) -> Any:
        if value is None:
            return _null(nullable)
        member = members.get(type(value))
        if member is None:
            raise GiveUp
        return member(value)

    return complete


def _null(nullable: bool) -> None:
    if not nullable:
        raise GiveUp


def _leaf(shape: Shape, leaves: Leaves) -> tuple[Complete, Output]:
    """The leaf's closure, and its output, which an object's closure answers in place."""
    assert shape.leaf is not None
    nullable, leaf = shape.nullable, leaves.output(shape.leaf)
    coerce = leaf.coerce

    def complete(value: Any) -> Any:
        if value is None:
            return _null(nullable)
        if type(value) not in REGULAR and not regular(value):
            raise GiveUp
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise GiveUp
        return coerced

    return complete, leaf


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
            raise GiveUp  # other iterables, and what is none, are the Run's
        return [item(entry) for entry in value]

    return complete


def _object(nullable: bool, fields: list[Field]) -> Complete:
    """The object's closure, made from source as dataclasses makes an `__init__`: each value
    read into a local, then one dict display, where a loop over the fields cost a tuple
    unpacking and a getattr per field. A leaf is answered in place where its output can
    (engine/leaves.py: most leaves of a read); other values call their closure."""
    namespace: dict[str, Any] = {
        "_null": _null, "nullable": nullable, "GiveUp": GiveUp, "REGULAR": REGULAR,
        "regular": regular,
    }  # fmt: skip
    reads, entries = [], []
    for n, (key, source, below, leaf) in enumerate(fields):
        if source is None:  # __typename: `below` is the type's name
            entries.append(f"{key!r}: {below!r}")
            continue
        namespace[f"c{n}"] = below
        if callable(source):
            namespace[f"r{n}"] = source
            reads.append(f"    v{n} = r{n}(value)\n")
        elif _identifier(source):
            reads.append(f"    v{n} = value.{source}\n")
        else:
            reads.append(f"    v{n} = getattr(value, {source!r})\n")
        answer = (
            f"c{n}(v{n})" if leaf is None else leaf.expression(f"v{n}", f"c{n}", str(n), namespace)
        )
        entries.append(f"{key!r}: {answer}")
    code = (
        "def complete(value):\n"
        "    if value is None:\n"
        "        return _null(nullable)\n"
        "    if type(value) not in REGULAR and not regular(value):\n"
        "        raise GiveUp\n"
        f"{''.join(reads)}"
        f"    return {{{', '.join(entries)}}}\n"
    )
    exec(code, namespace)  # keys are GraphQL names, attributes identifiers: nothing else
    complete: Complete = namespace["complete"]
    return complete


def _identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)

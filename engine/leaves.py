"""How a leaf's value is answered by plain closures (engine/plain.py): graphql-core's
`coerce_output_value`, with what it answers at once answered sooner, and the expression an
object's closure answers it with in place, without a call.

- A value that serializes as itself is itself: a string as a String, an ID, a Date or a
  Decimal (whose serialize is `str`), a dict as JSON.
- An enum member's name is looked up by the member's id (members live as long as their enum),
  not found by Strawberry's scan of the enum's values (two Python property reads per value).
- A scalar's texts may be kept, by value, for the serializers and classes the engine is given
  (ordo keeps its dates' and times': an order read again brings the same ones). Kept only for
  values of exactly that class (so give immutable classes whose values of one class are never
  equal to another's, as `date` and `datetime`), at most KEPT per scalar, all dropped when
  full.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graphql import GraphQLEnumType, GraphQLID, GraphQLLeafType, GraphQLString

from engine.compat.strawberry import JSON_SERIALIZE

Complete = Callable[[Any], Any]
KEPT = 8192  # texts kept per scalar: a few hundred KB


@dataclass(frozen=True)
class Output:
    """A leaf type's output: `coerce` answers as coerce_output_value does."""

    coerce: Complete
    same: type | None = None  # values of this class are answered as themselves
    names: dict[int, Any] | None = None  # an enum's names by member id (never empty)
    kept: tuple[type, dict[Any, str]] | None = None  # texts kept for values of this class

    def expression(self, value: str, complete: str, tag: str, namespace: dict[str, Any]) -> str:
        """Python source answering the local `value` in place, calling `complete` (the leaf's
        closure) for anything else; what it names is put in `namespace`, `tag`-suffixed."""
        answer = f"{complete}({value})"
        if self.kept is not None:
            namespace[f"K{tag}"], namespace[f"k{tag}"] = self.kept
            answer = f"(k{tag}.get({value}) or {answer}) if type({value}) is K{tag} else {answer}"
        if self.names is not None:
            namespace[f"n{tag}"] = self.names
            answer = f"n{tag}.get(id({value})) or {answer}"
        if self.same is not None:
            namespace[f"t{tag}"] = self.same
            answer = f"{value} if type({value}) is t{tag} else {answer}"
        return answer


class Leaves:
    """The outputs of one schema's leaves. `kept`: each serialize whose answer depends on the
    value alone, and the class of values whose texts are kept for it."""

    def __init__(self, kept: Mapping[Callable[[Any], Any], type] | None = None) -> None:
        self.kept = dict(kept or {})
        self.texts: dict[Any, dict[Any, str]] = {}  # by serialize: one store per scalar

    def output(self, leaf: GraphQLLeafType) -> Output:
        coerce = leaf.coerce_output_value
        serialize = getattr(leaf, "serialize", None)
        if isinstance(leaf, GraphQLEnumType):
            return _enum(coerce)
        same = _same_class(leaf, serialize)
        kept_class = self.kept.get(serialize) if serialize is not None else None
        if kept_class is not None:
            texts = self.texts.setdefault(serialize, {})
            coerce = _keeping(coerce, kept_class, texts)
            return Output(_unless(same, coerce), same, kept=(kept_class, texts))
        return Output(_unless(same, coerce), same)


def _same_class(leaf: GraphQLLeafType, serialize: Any) -> type | None:
    if leaf is GraphQLString or leaf is GraphQLID or serialize is str:
        return str
    if serialize is JSON_SERIALIZE:
        return dict
    return None


def _unless(same: type | None, coerce: Complete) -> Complete:
    if same is None:
        return coerce
    return lambda value: value if type(value) is same else coerce(value)


def _keeping(coerce: Complete, kept_class: type, texts: dict[Any, str]) -> Complete:
    def text_of(value: Any) -> Any:
        if type(value) is not kept_class:
            return coerce(value)
        text = texts.get(value)
        if text is None:
            if len(texts) >= KEPT:
                texts.clear()
            text = texts[value] = coerce(value)
        return text

    return text_of


def _enum(coerce: Complete) -> Output:
    names: dict[int, Any] = {}

    def name_of(value: Any) -> Any:
        if not isinstance(value, Enum):
            return coerce(value)
        name = names.get(id(value))
        if name is None:
            name = names[id(value)] = coerce(value)
        return name

    return Output(name_of, names=names)

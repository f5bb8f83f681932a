"""Query cost: a static estimate of what a document asks of the service (SPEC §5, the table).

Each operation's cost is computed once per document (schema/gate.py keeps it by the document's
text): a fixed number, plus terms scaled by a `first` given as a variable (the request's value
decides those). Each fragment is priced once, before the operations that spread it, so the
walk is linear in the document's size however the fragments spread one another.
Introspection is priced by what it returns: the objects its selection can answer, with every
list at the size the schema gives it, held to what one full introspection returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_introspection_query,
    get_named_type,
    is_input_object_type,
    is_interface_type,
    is_object_type,
    is_union_type,
    parse,
)
from graphql.language.ast import Node

from domain.errors import ErrorCode
from schema.errors import top_level
from schema.fragments import dependency_order, fragment_definitions

DEFAULT_MAX_QUERY_COST = 1000
OBJECT = 1  # an object or union value, each item of a list counted
READ = 1  # a field that reads the store: every root query field, and these
READS = frozenset({("Promo", "used")})
MUTATION = 10  # a root mutation field: one script
# Lists without `first`: the size the estimate assumes (an entity's orders are not paged).
BOUNDS = {("Query", "orders"): 50}
DEFAULT_BOUND = 5
PAGE_LISTS = frozenset({"edges", "nodes"})  # a connection's lists: its `first` sizes them
INTROSPECTION_ROOTS = {"__schema": "__Schema", "__type": "__Type"}
# Terms scaled by variables, counted at every nesting: ordo's documents have one or two; a
# document of thousands would make each sum of costs as long as itself.
MAX_TERMS = 64


class TooComplex(Exception):
    """A document whose cost has more variable-sized terms than MAX_TERMS."""


@dataclass(frozen=True, slots=True)
class Cost:
    """`fixed` plus, for each scaled term, the `first` variable's value times its cost; and
    the objects introspection answers (never scaled: only the root has __schema and __type)."""

    fixed: int = 0
    scaled: tuple[tuple[str, int, Cost], ...] = ()  # (variable, its fallback, cost per item)
    introspection: int = 0
    terms: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        terms = len(self.scaled) + sum(cost.terms for _, _, cost in self.scaled)
        if terms > MAX_TERMS:
            raise TooComplex
        object.__setattr__(self, "terms", terms)

    def of(self, variables: Mapping[str, Any] | None) -> int:
        if not self.scaled:
            return self.fixed
        given = variables or {}
        return self.fixed + sum(
            _size(given.get(name), fallback) * cost.of(variables)
            for name, fallback, cost in self.scaled
        )

    def __add__(self, other: Cost) -> Cost:
        fixed, introspection = self.fixed + other.fixed, self.introspection + other.introspection
        if not other.scaled or not self.scaled:
            return Cost(fixed, self.scaled or other.scaled, introspection)
        # One term per variable: a fragment spread twice adds its terms, it does not repeat them.
        merged = {(name, fallback): cost for name, fallback, cost in self.scaled}
        for name, fallback, cost in other.scaled:
            known = merged.get((name, fallback))
            merged[(name, fallback)] = cost if known is None else known + cost
        return Cost(fixed, tuple((n, f, c) for (n, f), c in merged.items()), introspection)

    def times(self, factor: int) -> Cost:
        scaled = tuple((n, f, c.times(factor)) for n, f, c in self.scaled)
        return Cost(self.fixed * factor, scaled, self.introspection * factor)

    @property
    def least(self) -> int:
        """The cost whatever the variables: each scaled term at size 0."""
        return self.fixed


NOTHING = Cost()


def _size(value: Any, fallback: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 0)
    return fallback


Costs = dict[str | None, Cost]  # by operation name (None: an anonymous operation)
Size = int | tuple[str, int]  # a list's size: a number, or a variable with its fallback


def document_costs(
    schema: GraphQLSchema,
    document: DocumentNode,
    order: list[FragmentDefinitionNode] | None = None,
) -> Costs:
    """Each operation's cost; unknown fields and types (the validator's errors) cost nothing.
    `order`: the fragments in dependency order (schema/fragments.py), found if not given."""
    if order is None:
        found = dependency_order(fragment_definitions(document))
        order = [] if isinstance(found, GraphQLError) else found
    walker = _Walker(schema, BOUNDS, order)
    costs: Costs = {}
    for operation in document.definitions:
        if isinstance(operation, OperationDefinitionNode):
            root = schema.get_root_type(operation.operation)
            name = operation.name.value if operation.name else None
            costs[name] = (
                walker.parts(root, operation.selection_set).under(None) if root else NOTHING
            )
    return costs


@dataclass(frozen=True, slots=True)
class _Parts:
    """A selection's cost, split by what the field holding it decides: a connection's `first`
    sizes its page lists (`items` per item), any other field leaves them at their own bound."""

    common: Cost = NOTHING
    items: Cost = NOTHING
    unpaged: Cost = NOTHING

    def __add__(self, other: _Parts) -> _Parts:
        return _Parts(
            self.common + other.common, self.items + other.items, self.unpaged + other.unpaged
        )

    def under(self, page: Size | None) -> Cost:
        return self.common + (self.unpaged if page is None else _scale(self.items, page))


class _Walker:
    """Prices selections on one schema; each fragment once, when it is made (`order`)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        bounds: Mapping[tuple[str, str], int],
        order: list[FragmentDefinitionNode],
    ) -> None:
        self.schema = schema
        self.bounds = bounds
        self.order = order
        roots = {
            schema.query_type: READ,
            schema.subscription_type: READ,
            schema.mutation_type: MUTATION,
        }
        self.roots: dict[GraphQLNamedType, int] = {
            t: own for t, own in roots.items() if t is not None
        }
        self.fragments: dict[str, _Parts] = {}
        for fragment in order:
            inner = schema.get_type(fragment.type_condition.name.value)
            if inner is not None:
                self.fragments[fragment.name.value] = self.parts(inner, fragment.selection_set)

    @cached_property
    def _introspection(self) -> _Walker:
        return _Walker(self.schema, introspection_bounds(self.schema), self.order)

    def parts(self, type_: GraphQLNamedType, selections: SelectionSetNode) -> _Parts:
        total = _Parts()
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self._field_parts(type_, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else type_
                if inner is not None:
                    total += self.parts(inner, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragments.get(selection.name.value, _Parts())
        return total

    def _field_parts(self, parent: GraphQLNamedType, node: FieldNode) -> _Parts:
        name = node.name.value
        if name in INTROSPECTION_ROOTS:
            return _Parts(Cost(self.roots.get(parent, 0)) + self.introspected(node))
        definition = (
            parent.fields.get(name) if is_object_type(parent) or is_interface_type(parent) else None
        )
        if definition is None:
            return _Parts()
        if name in PAGE_LISTS:
            items = self.value(get_named_type(definition.type), node.selection_set, None)
            return _Parts(NOTHING, items, self.field(parent, node, definition))
        return _Parts(self.field(parent, node, definition))

    def introspected(self, node: FieldNode) -> Cost:
        """__schema and __type: their own object, and what they answer in introspection's
        objects, each list at the largest size the schema gives it."""
        inner = self.schema.get_type(INTROSPECTION_ROOTS[node.name.value])
        assert inner is not None
        objects = self._introspection.value(inner, node.selection_set, None).fixed
        return Cost(OBJECT, introspection=objects)

    def field(self, parent: GraphQLNamedType, node: FieldNode, definition: GraphQLField) -> Cost:
        """The value's cost: its objects and their fields, lists times their size."""
        name = node.name.value
        own = self.roots.get(parent, READ if (parent.name, name) in READS else 0)
        first = _first(node, definition)
        inner = definition.type
        list_size: Size | None = None
        while not isinstance(inner, GraphQLNamedType):
            if isinstance(inner, GraphQLList) and list_size is None:
                list_size = first or self.bounds.get((parent.name, name), DEFAULT_BOUND)
            inner = inner.of_type
        item = self.value(inner, node.selection_set, first if list_size is None else None)
        if list_size is None:
            return Cost(own) + item
        return Cost(own) + _scale(item, list_size)

    def value(
        self, type_: GraphQLNamedType, selections: SelectionSetNode | None, page: Size | None
    ) -> Cost:
        if selections is None:  # a scalar or an enum
            return NOTHING
        return Cost(OBJECT) + self.parts(type_, selections).under(page)


def introspection_bounds(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    """Each introspection list at the largest size this schema gives it."""
    types = list(schema.type_map.values())

    def most(sizes: list[int]) -> int:
        return max(sizes, default=0)

    fields = [t.fields for t in types if is_object_type(t) or is_interface_type(t)]
    inputs = [t.fields for t in types if is_input_object_type(t)]
    arguments = [len(f.args) for group in fields for f in group.values()]
    arguments += [len(d.args) for d in schema.directives]
    return {
        ("__Schema", "types"): len(types),
        ("__Schema", "directives"): len(schema.directives),
        ("__Type", "fields"): most([len(group) for group in fields]),
        ("__Type", "inputFields"): most([len(group) for group in inputs]),
        ("__Type", "enumValues"): most([len(getattr(t, "values", ())) for t in types]),
        ("__Type", "interfaces"): most([len(getattr(t, "interfaces", ())) for t in types]),
        ("__Type", "possibleTypes"): most(
            [
                len(schema.get_possible_types(t))
                for t in types
                if is_union_type(t) or is_interface_type(t)
            ]
        ),
        ("__Field", "args"): most(arguments),
        ("__Directive", "args"): most(arguments),
    }


def _scale(item: Cost, size: Size) -> Cost:
    if isinstance(size, int):
        return item.times(size)
    name, fallback = size
    return Cost(0, ((name, fallback, item),))


def _first(node: FieldNode, definition: GraphQLField) -> Size | None:
    """A `first` argument's size: its literal, or its variable with the size it falls back to
    (the argument's default, else the bound of a list without `first`)."""
    argument = definition.args.get("first")
    if argument is None:
        return None
    default = argument.default_value
    fallback = default if isinstance(default, int) and default > 0 else DEFAULT_BOUND
    for given in node.arguments or ():
        if given.name.value != "first":
            continue
        if isinstance(given.value, IntValueNode):
            return max(int(given.value.value), 0)
        if isinstance(given.value, VariableNode):
            return (given.value.name.value, fallback)
    return fallback


class CostBook:
    """The limits operations are held to, and how a refusal and a report read."""

    def __init__(self, schema: GraphQLSchema, limit: int) -> None:
        self.limit = limit
        self.introspection_limit = full_introspection(schema)

    def report(self, requested: int) -> dict[str, int]:
        return {"requestedQueryCost": requested, "maximumAvailable": self.limit}

    def refusal(self, requested: int, node: Node | None = None) -> GraphQLError:
        return _too_costly(
            f"the query costs {requested}; at most {self.limit} is allowed (SPEC §5)", node
        )

    def over(self, cost: Cost, node: Node | None = None) -> GraphQLError | None:
        """The refusal of an operation costing too much whatever its variables, if it does."""
        if cost.least > self.limit:
            return self.refusal(cost.least, node)
        if cost.introspection > self.introspection_limit:
            return _too_costly(
                f"the query's introspection answers up to {cost.introspection} objects;"
                f" at most {self.introspection_limit}, one full introspection, are allowed"
                " (SPEC §5)",
                node,
            )
        return None

    def too_complex(self, node: Node | None = None) -> GraphQLError:
        return _too_costly(
            f"the query sizes more than {MAX_TERMS} lists by variables (SPEC §5)", node
        )


# The fullest introspection query: every option graphql-core has.
FULL_INTROSPECTION = get_introspection_query(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    schema_description=True,
    input_value_deprecation=True,
    one_of=True,
)


def full_introspection(schema: GraphQLSchema) -> int:
    """The objects the fullest introspection query answers on this schema."""
    costs = document_costs(schema, parse(FULL_INTROSPECTION))
    return sum(cost.introspection for cost in costs.values())


def _too_costly(message: str, node: Node | None) -> GraphQLError:
    return top_level(ErrorCode.QUERY_TOO_COSTLY, message, node)

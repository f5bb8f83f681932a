"""Query cost: a static estimate of what a document asks of the service (SPEC §5, the table).

Each operation's cost is computed once per document from its selections and kept by the
document's text: a fixed number, plus terms scaled by a `first` given as a variable (the
request's value decides those). The check is a validation rule made once per schema, so
Strawberry's ValidationCache keeps answering repeated documents (a rule class made per request
would miss it, strawberry issue #4635); the request's cost is reported in `extensions.cost`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    is_interface_type,
    is_object_type,
    parse,
)
from graphql.language.ast import Node

from domain.errors import ErrorCode
from schema.limits import MAX_TOKENS

DEFAULT_MAX_QUERY_COST = 1000
OBJECT = 1  # an object or union value, each item of a list counted
READ = 1  # a field that reads the store: every root query field, and these
READS = frozenset({("Promo", "used")})
MUTATION = 10  # a root mutation field: one script
INTROSPECTION = 1  # __schema / __type: answered from memory, bounded by the schema's size
# Lists without `first`: the size the estimate assumes (an entity's orders are not paged).
BOUNDS = {("Query", "orders"): 50}
DEFAULT_BOUND = 5
PAGE_LISTS = frozenset({"edges", "nodes"})  # a connection's lists: its `first` sizes them


@dataclass(frozen=True, slots=True)
class Cost:
    """`fixed` plus, for each scaled term, the `first` variable's value times its cost."""

    fixed: int = 0
    scaled: tuple[tuple[str, int, Cost], ...] = ()  # (variable, its fallback, cost per item)

    def of(self, variables: Mapping[str, Any] | None) -> int:
        if not self.scaled:
            return self.fixed
        given = variables or {}
        return self.fixed + sum(
            _size(given.get(name), fallback) * cost.of(variables)
            for name, fallback, cost in self.scaled
        )

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.fixed + other.fixed, self.scaled + other.scaled)

    def times(self, factor: int) -> Cost:
        return Cost(self.fixed * factor, tuple((n, f, c.times(factor)) for n, f, c in self.scaled))

    @property
    def least(self) -> int:
        """The cost whatever the variables: each scaled term at size 0."""
        return self.fixed


def _size(value: Any, fallback: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 0)
    return fallback


Costs = dict[str | None, Cost]  # by operation name (None: an anonymous operation)


def document_costs(schema: GraphQLSchema, document: DocumentNode) -> Costs:
    """Each operation's cost; unknown fields and types (the validator's errors) cost nothing."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walker = _Walker(schema, fragments)
    costs: Costs = {}
    for operation in document.definitions:
        if isinstance(operation, OperationDefinitionNode):
            root = schema.get_root_type(operation.operation)
            name = operation.name.value if operation.name else None
            costs[name] = (
                walker.root(root, operation.operation, operation.selection_set) if root else Cost()
            )
    return costs


@dataclass
class _Walker:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]

    def root(
        self, root: GraphQLObjectType, kind: OperationType, selections: SelectionSetNode
    ) -> Cost:
        own = MUTATION if kind == OperationType.MUTATION else READ
        total = Cost()
        for node, definition in self.fields(root, selections, frozenset()):
            total += Cost(own) + self.field(root, node, definition)
        return total

    def field(self, parent: GraphQLNamedType, node: FieldNode, definition: GraphQLField) -> Cost:
        """The value's cost: its objects and their fields, lists times their size."""
        own = Cost(READ if (parent.name, node.name.value) in READS else 0)
        first = _first(node, definition)
        value = definition.type
        list_size: int | tuple[str, int] | None = None
        inner = value
        while not isinstance(inner, GraphQLNamedType):
            if isinstance(inner, GraphQLList) and list_size is None:
                list_size = first or BOUNDS.get((parent.name, node.name.value), DEFAULT_BOUND)
            inner = inner.of_type
        item = self.value(inner, node.selection_set, first if list_size is None else None)
        if list_size is None:
            return own + item
        return own + _scale(item, list_size)

    def value(
        self,
        type_: GraphQLNamedType,
        selections: SelectionSetNode | None,
        page: int | tuple[str, int] | None,
    ) -> Cost:
        if selections is None:  # a scalar or an enum
            return Cost()
        if type_ is _INTROSPECTION:
            return Cost(OBJECT)
        total = Cost(OBJECT)
        for node, definition in self.fields(type_, selections, frozenset()):
            if page is not None and node.name.value in PAGE_LISTS:
                inner = get_named_type(definition.type)
                total += _scale(self.value(inner, node.selection_set, None), page)
            else:
                total += self.field(type_, node, definition)
        return total

    def fields(
        self, type_: GraphQLNamedType, selections: SelectionSetNode, seen: frozenset[str]
    ) -> Iterable[tuple[FieldNode, GraphQLField]]:
        """The selected fields with their definitions; fragments on any member are all added
        (an upper bound), fragment cycles are the validator's error and end here."""
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name in ("__schema", "__type"):
                    yield selection, _INTROSPECTION_FIELD
                elif (is_object_type(type_) or is_interface_type(type_)) and (
                    found := type_.fields.get(name)
                ):
                    yield selection, found
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else type_
                if inner is not None:
                    yield from self.fields(inner, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                inner = self.schema.get_type(fragment.type_condition.name.value)
                if inner is not None:
                    yield from self.fields(inner, fragment.selection_set, seen | {name})


def _scale(item: Cost, size: int | tuple[str, int]) -> Cost:
    if isinstance(size, int):
        return item.times(size)
    name, fallback = size
    return Cost(0, ((name, fallback, item),))


def _first(node: FieldNode, definition: GraphQLField) -> int | tuple[str, int] | None:
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


# __schema and __type cost their own weight: nothing below them is counted.
_INTROSPECTION = GraphQLUnionType("Introspection", [])
_INTROSPECTION_FIELD = GraphQLField(_INTROSPECTION)


class CostBook:
    """Each document's operation costs by its text (as many as ValidationCache keeps), and the
    limit they are held to."""

    def __init__(self, schema: GraphQLSchema, limit: int, size: int = 1024) -> None:
        self.schema = schema
        self.limit = limit
        self.size = size
        self._costs: OrderedDict[str, Costs | None] = OrderedDict()

    def of_text(self, query: str) -> Costs | None:
        """The document's costs; None when it does not parse (the parser reports that)."""
        if query in self._costs:
            return self._costs[query]
        try:
            document = parse(query, max_tokens=MAX_TOKENS)
        except GraphQLError:
            return self._keep(query, None)
        return self._keep(query, document_costs(self.schema, document))

    def of_document(self, document: DocumentNode) -> Costs:
        source = document.loc.source.body if document.loc else None
        if source is not None and (found := self._costs.get(source)) is not None:
            return found
        costs = document_costs(self.schema, document)
        if source is not None:
            self._keep(source, costs)
        return costs

    def _keep(self, query: str, costs: Costs | None) -> Costs | None:
        self._costs[query] = costs
        if len(self._costs) > self.size:
            self._costs.popitem(last=False)
        return costs

    def operation(self, query: str | None, name: str | None) -> Cost | None:
        """The cost of the operation a request runs: None when the request names none that
        the document holds (that is the request's error, reported as graphql-core does)."""
        costs = self.of_text(query) if query else None
        if not costs:
            return None
        if name is None:
            return next(iter(costs.values())) if len(costs) == 1 else None
        return costs.get(name)

    def report(self, requested: int) -> dict[str, int]:
        return {"requestedQueryCost": requested, "maximumAvailable": self.limit}

    def refusal(self, requested: int, node: Node | None = None) -> GraphQLError:
        code = ErrorCode.QUERY_TOO_COSTLY
        return GraphQLError(
            f"the query costs {requested}; at most {self.limit} is allowed (SPEC §5)",
            node,
            extensions={"code": code.name, "status": code.status},
        )


def cost_rule(book: CostBook) -> type[ValidationRule]:
    """The validation rule holding every operation to the limit, made once per schema: the
    same class on every request, so validation stays cached."""

    class QueryCost(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: Any) -> None:
            costs = book.of_document(node)
            for definition in node.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    name = definition.name.value if definition.name else None
                    cost = costs.get(name)
                    if cost is not None and cost.least > book.limit:
                        self.report_error(book.refusal(cost.least, definition))

    return QueryCost

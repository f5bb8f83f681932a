"""The gate every document passes before graphql-core validates it, on every path (GraphQL over
HTTP, the prepared plans, WebSocket subscriptions, persisted and trusted documents): the
checks whose work is linear in the document's size, in an order where each bounds the next.

1. Parse, stopped at MAX_TOKENS by the parser itself.
2. Fragments in dependency order; a cycle refused before anything walks it.
3. Depth, repeated response names, fragments reached per operation (schema/limits.py): what
   would make graphql-core's own validation superlinear.
4. The cost of each operation (schema/cost.py), each fragment priced once.

The verdict is kept by the document's text, as many as ParserCache keeps, so a repeated
document costs a dictionary lookup.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from graphql import DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode, parse

from schema.cost import Cost, CostBook, Costs, TooComplex, document_costs
from schema.fragments import dependency_order, fragment_definitions
from schema.limits import MAX_TOKENS, depth_refusal, reach_refusal, repeated_names_refusal


@dataclass(frozen=True)
class Verdict:
    costs: Costs = field(default_factory=dict)
    refusal: GraphQLError | None = None
    requested: int | None = None  # the cost reported with a refusal for cost

    def operation(self, name: str | None) -> Cost | None:
        """The cost of the operation a request runs: None when the request names none that
        the document holds (that is the request's error, reported as graphql-core does)."""
        if name is None:
            return next(iter(self.costs.values())) if len(self.costs) == 1 else None
        return self.costs.get(name)


class Gate:
    def __init__(self, schema: GraphQLSchema, book: CostBook, size: int = 1024) -> None:
        self.schema = schema
        self.book = book
        self.size = size
        self._verdicts: OrderedDict[str, Verdict | None] = OrderedDict()

    def verdict(self, query: str) -> Verdict | None:
        """None: the document does not parse (the parser reports that, as before)."""
        if query in self._verdicts:
            return self._verdicts[query]
        try:
            document = parse(query, max_tokens=MAX_TOKENS)
        except GraphQLError:
            return self._keep(query, None)
        return self._keep(query, self.judge(document))

    def judge(self, document: DocumentNode) -> Verdict:
        fragments = fragment_definitions(document)
        order = dependency_order(fragments)
        if isinstance(order, GraphQLError):
            return Verdict(refusal=order)
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        refusal = (
            depth_refusal(operations, order)
            or repeated_names_refusal(document)
            or reach_refusal(operations, fragments)
        )
        if refusal is not None:
            return Verdict(refusal=refusal)
        try:
            costs = document_costs(self.schema, document, order)
        except TooComplex:
            return Verdict(refusal=self.book.too_complex())
        for operation in operations:
            cost = costs.get(operation.name.value if operation.name else None)
            if cost is not None and (refused := self.book.over(cost, operation)):
                return Verdict(costs, refused, cost.least)
        return Verdict(costs)

    def _keep(self, query: str, verdict: Verdict | None) -> Verdict | None:
        self._verdicts[query] = verdict
        if len(self._verdicts) > self.size:
            self._verdicts.popitem(last=False)
        return verdict

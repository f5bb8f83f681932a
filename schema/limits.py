"""Limits on the shape of a GraphQL document: depth and tokens (its cost: schema/cost.py).

Depth is a graphql-core validation rule, a fixed class with a fixed limit: Strawberry's
ValidationCache keys on the rule classes, so a rule class made anew per request (as Strawberry's
QueryDepthLimiter and MaxAliasesLimiter do, issue #4635) would miss the cache every time. The
token limit is a parse option: the parser stops counting at the limit, so an oversized document
costs no more than a legal one, and ParserCache keys on the same fixed option.
"""

from __future__ import annotations

from typing import Any

from graphql import ASTValidationRule, GraphQLError, ValidationRule
from graphql.language import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

# The deepest query of the schema itself nests 4 fields (createOrder { order { items { id } } });
# graphql-core's introspection query nests 15 (__schema { types { fields { type { ofType … } } } }),
# and GraphiQL's may nest a little deeper: room for both, none for a recursive hostile query.
MAX_DEPTH = 20
# GraphiQL's introspection query has about 200 tokens. Long lists belong in variables, which
# are JSON and cost no tokens.
MAX_TOKENS = 10_000


class DepthLimit(ValidationRule):
    """No operation selects fields nested deeper than MAX_DEPTH, fragments included."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        depth = self._depth(node.selection_set, frozenset())
        if depth > MAX_DEPTH:
            name = node.name.value if node.name else "the operation"
            message = f"{name} nests fields {depth} deep; at most {MAX_DEPTH} are allowed"
            self.report_error(GraphQLError(message, node))

    def _depth(self, selections: SelectionSetNode | None, seen: frozenset[str]) -> int:
        deepest = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                deepest = max(deepest, 1 + self._depth(selection.selection_set, seen))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self._depth(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._spread_depth(selection.name.value, seen))
        return deepest

    def _spread_depth(self, name: str, seen: frozenset[str]) -> int:
        # A fragment cycle is NoFragmentCyclesRule's error; here it only must not recurse.
        fragment = self.context.get_fragment(name)
        if fragment is None or name in seen:
            return 0
        return self._depth(fragment.selection_set, seen | {name})


VALIDATION_RULES: list[type[ASTValidationRule]] = [DepthLimit]

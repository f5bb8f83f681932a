"""Limits on the shape of a GraphQL document, each checked by one walk linear in its size
before graphql-core validates it (its cost: schema/cost.py; the order: schema/gate.py).

- Tokens: a parse option, so the parser stops counting at the limit and an oversized document
  costs no more than a legal one; ParserCache keys on the same fixed option.
- Depth: each fragment's depth is computed once (schema/fragments.py), never per spread.
- Repeated response names: graphql-core's OverlappingFieldsCanBeMerged compares the fields of
  one response name pairwise, building an error per conflicting pair; 3,000 `x:` aliases inside
  the token limit took it 1.35 s (NOTES). The pairs are counted here first.
- Fragments reached per operation: graphql-core's variable rules walk, for each operation,
  every fragment it reaches; a document of many operations each reaching one long chain would
  make that the product of the two. The walk is counted here first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from schema.fragments import spread_names

# The deepest query of the schema itself nests 4 fields (createOrder { order { items { id } } });
# graphql-core's introspection query nests 15 (__schema { types { fields { type { ofType … } } } }),
# and GraphiQL's may nest a little deeper: room for both, none for a recursive hostile query.
MAX_DEPTH = 20
# graphql-core's fullest introspection query has 184 tokens, the largest of ordo's own documents
# 332: 2,000 leaves six times that. Admitting a document (the gate, then graphql-core's
# validation) costs about 16 Python calls per character, so the limit is what bounds one
# request's CPU before anything runs (docs/performance.md, "Bounded document work"). Long lists
# belong in variables, which are JSON and cost no tokens.
MAX_TOKENS = 2_000
# Pairs of fields sharing a response name within one selection (inline fragments included):
# a union's members each selecting `__typename id` make a few; thousands are an attack.
MAX_SAME_NAME_PAIRS = 1_000
# graphql-core's budget of comparisons for that rule (schema/build.py sets it): a few
# milliseconds of one worker; a selection spreading 800 fragments side by side would spend
# 500,000 (its default), half a second.
MAX_FIELD_COMPARISONS = 10_000
# Selections walked for all operations together, fragments counted once per operation that
# reaches them, as a multiple of the document's own selections.
MAX_REACH_FACTOR = 4


def depth_refusal(
    operations: list[OperationDefinitionNode], fragments: list[FragmentDefinitionNode]
) -> GraphQLError | None:
    """The first operation nesting fields deeper than MAX_DEPTH; `fragments` in dependency
    order, so each spread's depth is already known."""
    depths: dict[str, int] = {}
    for fragment in fragments:
        depths[fragment.name.value] = _depth(fragment.selection_set, depths)
    for operation in operations:
        depth = _depth(operation.selection_set, depths)
        if depth > MAX_DEPTH:
            name = operation.name.value if operation.name else "the operation"
            message = f"{name} nests fields {depth} deep; at most {MAX_DEPTH} are allowed"
            return GraphQLError(message, operation)
    return None


def _depth(selections: SelectionSetNode | None, depths: dict[str, int]) -> int:
    deepest = 0
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            deepest = max(deepest, 1 + _depth(selection.selection_set, depths))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, depths))
        elif isinstance(selection, FragmentSpreadNode):
            deepest = max(deepest, depths.get(selection.name.value, 0))
    return deepest


def repeated_names_refusal(document: DocumentNode) -> GraphQLError | None:
    pairs = 0
    for selections in _selection_sets(document):
        names = Counter(_response_names(selections))
        pairs += sum(count * (count - 1) // 2 for count in names.values())
        if pairs > MAX_SAME_NAME_PAIRS:
            message = (
                f"the document selects one response name many times in one selection"
                f" (over {MAX_SAME_NAME_PAIRS} pairs); alias the fields apart"
            )
            return GraphQLError(message, selections)
    return None


def _response_names(selections: SelectionSetNode) -> Iterator[str]:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection.alias.value if selection.alias else selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from _response_names(selection.selection_set)


def _selection_sets(document: DocumentNode) -> Iterator[SelectionSetNode]:
    pending = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while pending:
        selections = pending.pop()
        yield selections
        for selection in selections.selections:
            if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)


def reach_refusal(
    operations: list[OperationDefinitionNode], fragments: dict[str, FragmentDefinitionNode]
) -> GraphQLError | None:
    """Refuses a document whose operations reach, together, more selections than a small
    multiple of its own; stops counting at the budget, so the count is bounded too."""
    sizes = {name: _size(f.selection_set) for name, f in fragments.items()}
    budget = MAX_REACH_FACTOR * (
        sum(sizes.values()) + sum(_size(o.selection_set) for o in operations)
    )
    walked = 0
    for operation in operations:
        walked += _size(operation.selection_set)
        reached: set[str] = set()
        pending = list(spread_names(operation.selection_set))
        while pending and walked <= budget:
            name = pending.pop()
            if name in reached or name not in fragments:
                continue
            reached.add(name)
            walked += sizes[name]
            pending.extend(spread_names(fragments[name].selection_set))
        if walked > budget:
            message = (
                "the document's operations reach too many fragments together; send one operation"
            )
            return GraphQLError(message, operation)
    return None


def _size(selections: SelectionSetNode) -> int:
    """Selections at every depth, spreads counted as one each (not expanded)."""
    count, pending = 0, [selections]
    while pending:
        for selection in pending.pop().selections:
            count += 1
            if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)
    return count

"""A document's fragments in an order every walk can take once each: a fragment comes after
every fragment it spreads, so a figure computed per fragment (its depth, its cost) is computed
once and looked up at each spread. A walk that expanded each spread where it appears would be
exponential: a chain of 30 fragments, each spreading the next twice, is 1 KB and 2^30 steps.
Cycles are refused here, before anything walks them."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)


def fragment_definitions(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """By name; of two with one name the first (a duplicate is the validator's error)."""
    found: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            found.setdefault(definition.name.value, definition)
    return found


def spread_names(selections: SelectionSetNode | None) -> Iterator[str]:
    """The fragments spread anywhere inside a selection set, at any depth, in order."""
    pending = [selections] if selections else []
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)


def dependency_order(
    fragments: dict[str, FragmentDefinitionNode],
) -> list[FragmentDefinitionNode] | GraphQLError:
    """Every fragment after the fragments it spreads (unknown names are skipped: that is the
    validator's error), or the first cycle found, refused as graphql-core words it. Iterative:
    a chain of a thousand fragments must not exhaust Python's stack."""
    spreads = {
        name: list(dict.fromkeys(spread_names(f.selection_set))) for name, f in fragments.items()
    }
    done: dict[str, bool] = {}  # False: on the path being walked, True: placed
    order: list[FragmentDefinitionNode] = []
    for start in fragments:
        if start in done:
            continue
        path = [start]
        done[start] = False
        pending = [iter(spreads[start])]
        while pending:
            name = next(pending[-1], None)
            if name is None:
                placed = path.pop()
                pending.pop()
                done[placed] = True
                order.append(fragments[placed])
            elif name in fragments and name not in done:
                path.append(name)
                done[name] = False
                pending.append(iter(spreads[name]))
            elif done.get(name) is False:
                return _cycle(path[path.index(name) :], fragments[name])
    return order


def _cycle(path: list[str], fragment: FragmentDefinitionNode) -> GraphQLError:
    via = path[1:]
    message = f"Cannot spread fragment '{path[0]}' within itself"
    if via:
        message += " via " + ", ".join(f"'{name}'" for name in via)
    return GraphQLError(message + ".", fragment)

"""The cost of operations (schema/cost.py, SPEC §5's table) on ordo's schema and on a probe
schema with `first`: lists by their bound or `first`, a `first` variable by its value."""

from __future__ import annotations

import strawberry
from graphql import parse

from schema.build import build_schema
from schema.cost import (
    DEFAULT_MAX_QUERY_COST,
    FULL_INTROSPECTION,
    MAX_TERMS,
    Cost,
    CostBook,
    document_costs,
    introspection_bounds,
)
from schema.gate import Gate
from schema.served import ServedSchema

SCHEMA = build_schema()


def cost(query: str, schema: strawberry.Schema = SCHEMA) -> dict[str | None, Cost]:
    return document_costs(schema._schema, parse(query))


def test_the_table_prices_ordo_s_operations() -> None:
    assert cost('{ order(orderId: "o") { orderId status } }')[None].fixed == 2
    assert cost('{ orders(entityId: "e") { orderId } }')[None].fixed == 51
    listing = '{ orders(entityId: "e") { orderId items { price } events { type } } }'
    assert cost(listing)[None].fixed == 551
    create = "mutation { createOrder { order { orderId promo { promoId } } errors { code } } }"
    assert cost(create)[None].fixed == 18
    assert (
        cost('{ promo(promoId: "p") { a: used(userId: "u") b: used(userId: "v") } }')[None].fixed
        == 4
    )


def test_each_operation_of_a_document_has_its_own_cost() -> None:
    found = cost('query A { __typename } query B { orders(entityId: "e") { orderId } }')
    assert {name: c.fixed for name, c in found.items()} == {"A": 0, "B": 51}


def test_fragments_count_once_per_spread() -> None:
    query = """{ order(orderId: "o") { ...F type { ... on RentPayment { term } } } }
    fragment F on Order { items { price } ...G } fragment G on Order { events { type } }"""
    assert cost(query)[None].fixed == 2 + 5 + 5 + 1


def test_a_fragment_chain_is_priced_in_steps_linear_in_its_length() -> None:
    """Each fragment spreads the next twice: 2^40 spreads if expanded, 41 fragments priced."""
    depth = 40
    chain = " ".join(f"fragment F{i} on Order {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth))
    last = f"fragment F{depth} on Order {{ items {{ price }} }}"
    query = f'{{ order(orderId: "o") {{ ...F0 }} }} {chain} {last}'
    assert cost(query)[None].fixed == 2 + 5 * 2**depth


def test_introspection_costs_its_root_field_and_counts_what_it_answers() -> None:
    found = cost("{ __schema { types { fields { name } } } }")[None]
    assert found.fixed == 2
    bounds = introspection_bounds(SCHEMA._schema)
    types, fields = bounds[("__Schema", "types")], bounds[("__Type", "fields")]
    assert found.introspection == 1 + types * (1 + fields)


def test_one_full_introspection_is_the_introspection_limit() -> None:
    book = CostBook(SCHEMA._schema, DEFAULT_MAX_QUERY_COST)
    [full] = cost(FULL_INTROSPECTION).values()
    assert full.introspection == book.introspection_limit
    assert book.over(full) is None
    assert book.over(full + full) is not None


@strawberry.type
class Thing:
    name: str


@strawberry.type
class Page:
    @strawberry.field
    def nodes(self) -> list[Thing]:
        return []


@strawberry.type
class Probe:
    @strawberry.field
    def things(self, first: int = 10) -> list[Thing]:
        return []

    @strawberry.field
    def page(self, first: int | None = None) -> Page:
        return Page()


PROBE = strawberry.Schema(query=Probe)


def test_a_list_with_first_is_sized_by_it() -> None:
    assert cost("{ things(first: 3) { name } }", PROBE)[None].fixed == 1 + 3
    assert cost("{ things { name } }", PROBE)[None].fixed == 1 + 10  # its default
    assert cost("{ page(first: 7) { nodes { name } } }", PROBE)[None].fixed == 1 + 1 + 7


def test_a_first_variable_is_sized_by_the_request() -> None:
    [scaled] = cost("query($n: Int) { things(first: $n) { name } }", PROBE).values()
    assert scaled.least == 1
    assert scaled.of({"n": 40}) == 41
    assert scaled.of({}) == 11  # unset: the argument's default
    nested = cost("query($n: Int) { a: page(first: $n) { nodes { name } } }", PROBE)[None]
    assert nested.of({"n": 4}) == 1 + 1 + 4


async def test_a_first_variable_over_the_limit_is_refused_per_request() -> None:
    served = ServedSchema(query=Probe)
    served.gate = Gate(served._schema, CostBook(served._schema, 50))
    query = "query($n: Int) { things(first: $n) { name } }"
    ran = await served.execute(query, {"n": 49})
    assert ran.errors is None
    assert ran.extensions == {"cost": {"requestedQueryCost": 50, "maximumAvailable": 50}}
    refused = await served.execute(query, {"n": 50})
    assert refused.data is None
    [error] = refused.errors or []
    assert error.extensions == {"code": "QUERY_TOO_COSTLY", "status": 400}


def test_a_fragment_spread_twice_adds_its_variable_terms_into_one() -> None:
    """A chain of 30 fragments, each spreading the next twice, sizing one list by `$n`: one
    term, 2^30 lists of it, not 2^30 terms."""
    depth = 30
    links = " ".join(f"fragment F{i} on Probe {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth))
    last = f"fragment F{depth} on Probe {{ things(first: $n) {{ name }} }}"
    [found] = cost(f"query($n: Int) {{ ...F0 }} {links} {last}", PROBE).values()
    assert found.terms == 1
    assert found.of({"n": 3}) == 2**depth * (1 + 3)


def test_a_document_sizing_too_many_lists_by_variables_is_refused() -> None:
    gate = Gate(PROBE._schema, CostBook(PROBE._schema, DEFAULT_MAX_QUERY_COST))

    def sized(count: int) -> str:
        fields = " ".join(f"a{i}: things(first: $v{i}) {{ name }}" for i in range(count))
        return f"{{ {fields} }}"

    assert gate.judge(parse(sized(MAX_TERMS))).refusal is None
    refused = gate.judge(parse(sized(MAX_TERMS + 1))).refusal
    assert refused is not None
    assert refused.message == f"the query sizes more than {MAX_TERMS} lists by variables (SPEC §5)"
    assert refused.extensions == {"code": "QUERY_TOO_COSTLY", "status": 400}

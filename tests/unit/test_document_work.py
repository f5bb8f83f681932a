"""The work of admitting a GraphQL document (the gate of schema/gate.py, then graphql-core's
validation as Strawberry runs it) is linear in the document's size, whatever its fragments do:
chains, fans, diamonds, cycles, inline fragments, repeated aliases. Work is counted in Python
function calls (tests/work.py), not timed: a walk that expanded a fragment at every spread
would show 2^depth calls for a chain of a few hundred bytes."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import get_introspection_query, parse, validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema.build import build_schema
from schema.gate import Verdict
from schema.limits import MAX_TOKENS
from tests.work import calls

SCHEMA = build_schema()
# Measured: 5 to 45 calls per character over ordo's own documents, introspection and the
# hostile shapes below; a fixed part of about 2,500 for the smallest document.
PER_CHARACTER = 60
FIXED = 5_000
FIELDS = ("orderId", "status", "entityId", "__typename")


def admit(query: str) -> Verdict:
    verdict = SCHEMA.gate.judge(parse(query, max_tokens=MAX_TOKENS))
    if verdict.refusal is None:
        validate(SCHEMA._schema, parse(query, max_tokens=MAX_TOKENS))
    return verdict


def linear(query: str) -> Verdict:
    found: list[Verdict] = []
    spent = calls(lambda: found.append(admit(query)))
    assert spent <= PER_CHARACTER * len(query) + FIXED, (spent, len(query))
    return found[0]


@dataclass(frozen=True)
class Fragment:
    fields: tuple[tuple[str, str], ...]  # (alias, field)
    spreads: tuple[int, ...]  # fragments spread, by index (repeats allowed)
    inline: bool  # the spreads inside an inline fragment on Order

    def text(self, index: int) -> str:
        fields = " ".join(f"{alias}: {name}" for alias, name in self.fields)
        spreads = " ".join(f"...F{target}" for target in self.spreads)
        if self.inline:
            spreads = f"... on Order {{ {spreads} __typename }}"
        return f"fragment F{index} on Order {{ {fields} {spreads} __typename }}"


def fragment(count: int) -> st.SearchStrategy[Fragment]:
    field = st.tuples(st.sampled_from(["a", "b", "x"]), st.sampled_from(FIELDS))
    return st.builds(
        Fragment,
        st.lists(field, max_size=4).map(tuple),
        st.lists(st.integers(0, count - 1), max_size=6).map(tuple),
        st.booleans(),
    )


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, bool]:
    """A document of 1-40 fragments spreading one another at random (chains, fans, diamonds,
    and cycles when a fragment spreads one at or before itself), and whether it has a cycle."""
    count = draw(st.integers(1, 40))
    fragments = draw(st.lists(fragment(count), min_size=count, max_size=count))
    operations = draw(st.integers(1, 3))
    body = " ".join(f'q{n}: order(orderId: "o") {{ ...F0 }}' for n in range(operations))
    text = f"{{ {body} }} " + " ".join(f.text(i) for i, f in enumerate(fragments))
    return text, _cyclic([f.spreads for f in fragments])


def _cyclic(spreads: list[tuple[int, ...]]) -> bool:
    state: dict[int, int] = {}

    def visit(node: int) -> bool:
        state[node] = 1
        for target in spreads[node]:
            if state.get(target) == 1 or (target not in state and visit(target)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in range(len(spreads)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_admitting_any_fragment_graph_is_linear_in_its_size(document: tuple[str, bool]) -> None:
    query, cyclic = document
    verdict = linear(query)
    if cyclic:
        assert verdict.refusal is not None
        assert verdict.refusal.message.startswith("Cannot spread fragment")


def chain(depth: int, spreads: int = 2) -> str:
    links = " ".join(
        f"fragment F{i} on Order {{ {' '.join([f'...F{i + 1}'] * spreads)} }}" for i in range(depth)
    )
    return (
        f'{{ order(orderId: "o1") {{ ...F0 }} }} {links} fragment F{depth} on Order {{ orderId }}'
    )


def test_the_reported_chain_is_admitted_in_linear_work() -> None:
    """The issue's document: 30 fragments each spreading the next twice (2^30 if expanded)."""
    verdict = linear(chain(30))
    assert verdict.refusal is None
    assert verdict.operation(None) is not None


def test_a_chain_at_the_token_limit_is_linear() -> None:
    linear(chain(240, spreads=1))


def test_a_fan_of_fragments_side_by_side_is_linear() -> None:
    spreads = " ".join(f"...F{i}" for i in range(180))
    fragments = " ".join(f"fragment F{i} on Order {{ orderId status }}" for i in range(180))
    linear(f'{{ order(orderId: "o1") {{ {spreads} }} }} {fragments}')


def test_a_diamond_of_fragments_is_linear() -> None:
    """Each level spreads both fragments of the next level: 2^levels paths to the bottom."""
    levels = 60
    rows = []
    for level in range(levels):
        below = f"...L{level + 1}a ...L{level + 1}b"
        rows += [f"fragment L{level}a on Order {{ a: orderId {below} }}"]
        rows += [f"fragment L{level}b on Order {{ b: status {below} }}"]
    rows += [
        f"fragment L{levels}a on Order {{ orderId }} fragment L{levels}b on Order {{ status }}"
    ]
    linear('{ order(orderId: "o1") { ...L0a } } ' + " ".join(rows))


def test_one_response_name_repeated_thousands_of_times_is_refused_in_linear_work() -> None:
    fields = " ".join("x: __typename x: orderId" for _ in range(120))
    verdict = linear(f'{{ order(orderId: "a") {{ {fields} }} }}')
    assert verdict.refusal is not None
    assert "response name" in verdict.refusal.message


def test_many_operations_reaching_one_long_chain_are_refused_in_linear_work() -> None:
    operations = " ".join(f"query Q{i} {{ ...F0 }}" for i in range(120))
    links = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(120))
    verdict = linear(f"{operations} {links} fragment F120 on Query {{ __typename }}")
    assert verdict.refusal is not None
    assert "reach too many fragments" in verdict.refusal.message


def test_a_cycle_is_refused_before_anything_walks_it() -> None:
    query = '{ order(orderId: "o1") { ...A } } fragment A on Order { ...B ...B } '
    query += "fragment B on Order { ...C } fragment C on Order { ...A orderId }"
    verdict = linear(query)
    assert verdict.refusal is not None
    assert verdict.refusal.message == "Cannot spread fragment 'A' within itself via 'B', 'C'."


def test_aliased_full_introspections_are_refused_one_is_admitted() -> None:
    full = get_introspection_query(descriptions=True)
    assert linear(full).refusal is None
    selection = full[full.index("__schema") :]
    selection = selection[: selection.index("fragment FullType")].rsplit("}", 1)[0]
    twice = full.replace(selection, f"{selection} again: {selection}", 1)
    verdict = linear(twice)
    assert verdict.refusal is not None
    assert verdict.refusal.extensions == {"code": "QUERY_TOO_COSTLY", "status": 400}


def test_many_aliased_schemas_are_refused_as_too_costly() -> None:
    fields = " ".join(
        f"a{i}: __schema {{ types {{ name fields {{ name }} }} }}" for i in range(100)
    )
    verdict = linear(f"{{ {fields} }}")
    assert verdict.refusal is not None
    assert "introspection" in verdict.refusal.message

"""Random valid queries on ordo's own schema (hypothesis-graphql, from schema.graphql) answer
alike on a prepared server and a generic one (ORDO_GRAPHQL_PREPARED=false), both on one real
Redis holding a little data: a promo with an activation, and orders with items, so that the
answers are not all null.

Each document goes twice to the prepared server (the first run learns it, the second runs its
plan) and once to the generic one; the three answers must be one (status and body, with the
sealed cursors, which differ per sealing, replaced by a mark, and errors compared as a set).
Arguments naming an order, an entity, a promo, a user or a node are mostly turned into the
seeded ones. Bounded: 100
documents, phases explicit and generate (no shrinking).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import ArgumentNode, StringValueNode, Visitor, parse, print_ast, visit
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries

from schema.build import build_schema
from tests.e2e import helpers
from tests.e2e.helpers import DEPOSIT, item
from tests.engine.harness import compiles
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer, unique

SDL = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text()
CURSOR_KEY = "engine-fuzz-cursor-key-of-at-least-32-bytes"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
BOUNDED = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # report a failure as found; shrinking is slow
)
SCALARS = {
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())),
    "DateTime": st.datetimes().map(lambda d: nodes.String(d.isoformat() + "Z")),
    "Decimal": st.decimals(places=2, allow_nan=False, allow_infinity=False).map(
        lambda d: nodes.String(str(d))
    ),
    "JSON": st.just(nodes.String("{}")),
}
# Arguments whose values are ids: mostly the seeded ones (the key in Seeded.ids).
ID_ARGUMENTS = {"orderId": "order", "entityId": "entity", "promoId": "promo", "userId": "user"}


class Seeded:
    """Ids of the data both servers read."""

    def __init__(self) -> None:
        self.ids: dict[str, list[str]] = {}


def _graphql(url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables}, headers=ADMIN, timeout=10
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


def _seed(url: str) -> Seeded:
    """A user, a promo, an order activating it (its id the server's), and two orders with items
    of one entity, one with an item cancelled."""
    user, promo, entity = unique("u"), unique("p"), unique("e")
    _graphql(url, helpers.CREATE_USER, {"userId": user})
    limits = {"promoId": promo, "count": 5, "perUserCount": 3}
    _graphql(url, helpers.CREATE_PROMO, {"input": limits})
    activation = {"userId": user, "promoId": promo}
    made = _graphql(url, helpers.CREATE_ORDER, {"input": activation})["createOrder"]
    orders = [made["order"]["orderId"], unique("o"), unique("o")]
    rent = {"orderId": orders[1], "entityId": entity, "type": helpers.RENT}
    rent["items"] = [item("a"), item("b", "50.00", end="2026-03-31")]
    _graphql(url, helpers.CREATE, {"input": rent})
    deposit = {"orderId": orders[2], "entityId": entity, "type": DEPOSIT, "items": [item("c")]}
    _graphql(url, helpers.CREATE, {"input": deposit})
    _graphql(url, helpers.COMPLETE, {"orderId": orders[2]})
    seeded = Seeded()
    seeded.ids = {"order": orders, "entity": [entity], "promo": [promo], "user": [user]}
    nodes_ = [
        _graphql(url, "query($o: ID!) { order(orderId: $o) { id } }", {"o": o}) for o in orders
    ]
    seeded.ids["node"] = [n["order"]["id"] for n in nodes_]
    return seeded


@pytest.fixture(scope="module")
def servers(redis_server: RedisServer) -> Iterator[tuple[OrdoServer, OrdoServer]]:
    env = {"ORDO_CURSOR_KEY": CURSOR_KEY}
    prepared = OrdoServer(redis_server.url, env=env)
    generic = OrdoServer(redis_server.url, env={**env, "ORDO_GRAPHQL_PREPARED": "false"})
    prepared.start()
    generic.start()
    yield prepared, generic
    prepared.stop()
    generic.stop()


class _SeededIds(Visitor):
    """Replaces id arguments' values by seeded ids, as drawn."""

    def __init__(self, draw: Any, ids: dict[str, list[str]]) -> None:
        super().__init__()
        self.draw, self.ids = draw, ids

    def enter_argument(self, node: ArgumentNode, *_: Any) -> ArgumentNode | None:
        kind = "node" if node.name.value == "id" else ID_ARGUMENTS.get(node.name.value)
        if kind is None or not isinstance(node.value, StringValueNode):
            return None
        seeded = self.draw(st.sampled_from(self.ids[kind]) | st.just(node.value.value))
        return ArgumentNode(name=node.name, value=StringValueNode(value=seeded))


def _answer(response: httpx.Response) -> tuple[int, Any, list[str]]:
    """Status, body and errors, the errors apart as a set: graphql-core resolves a query's
    fields concurrently, so the generic path lists errors as Redis answers, in an order that
    varies run to run."""
    body = _without_cursors(response.json())
    errors = sorted(repr(error) for error in body.pop("errors", ()))
    return response.status_code, body, errors


def _alike(one: tuple[int, Any, list[str]], other: tuple[int, Any, list[str]]) -> bool:
    """One answer. Where a null reached the root (data null), which errors of the other root
    fields graphql-core still records depends on their timing (a sibling's error is kept if it
    came before the null did), so there one answer's errors need only be among the other's."""
    if one[:2] != other[:2]:
        return False
    if one[1].get("data") is None:
        return set(one[2]) <= set(other[2]) or set(other[2]) <= set(one[2])
    return one[2] == other[2]


def _without_cursors(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: "<cursor>" if key.endswith(("cursor", "Cursor")) and inner else
            _without_cursors(inner)
            for key, inner in value.items()
        }  # fmt: skip
    if isinstance(value, list):
        return [_without_cursors(inner) for inner in value]
    return value


def _has_data(value: Any) -> bool:
    """Some field below the root answered a value."""
    if isinstance(value, dict):
        return any(_has_data(inner) for inner in value.values())
    if isinstance(value, list):
        return any(_has_data(inner) for inner in value)
    return value is not None


def test_random_queries_answer_alike_on_both_paths(
    servers: tuple[OrdoServer, OrdoServer],
) -> None:
    prepared, generic = servers
    seeded = _seed(prepared.url)
    answered, compiled = [], []
    served = build_schema()._schema  # what the prepared server compiles its documents against

    @BOUNDED
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        source = data.draw(queries(SDL, custom_scalars=SCALARS))
        document = visit(parse(source), _SeededIds(data.draw, seeded.ids))
        body = {"query": print_ast(document)}
        # A learning run, then the plan's (if the document compiled), then the generic path.
        first, second = (
            httpx.post(f"{prepared.url}/graphql", json=body, headers=ADMIN) for _ in "12"
        )
        third = httpx.post(f"{generic.url}/graphql", json=body, headers=ADMIN)
        answers = [_answer(response) for response in (first, second, third)]
        assert _alike(answers[0], answers[1]) and _alike(answers[1], answers[2]), body["query"]
        answered.append(_has_data(second.json().get("data")))
        compiled.append(compiles(served, body["query"]))

    run()
    assert len(answered) >= 90  # hypothesis ran the bound, give or take duplicates
    assert sum(answered) >= len(answered) // 4, "too few answers read any seeded data"
    assert sum(compiled) >= len(compiled) // 4, "too few documents ran on a plan"
    print(f"fuzz: {len(answered)} documents, {sum(answered)} with data, {sum(compiled)} planned")

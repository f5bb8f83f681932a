"""Hostile GraphQL documents against a real server, on real Redis and the embedded store: each
is answered at once with a clear refusal (or its small answer), on every path that reads a
document, and `/healthz` answers while the worst of them are in flight. Before the gate
(schema/gate.py), the first of them held a worker for good."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from graphql import get_introspection_query

from ordo.manifest import sha256_hex
from schema.limits import MAX_TOKENS
from tests.e2e.conftest import Api

TOO_COSTLY = {"code": "QUERY_TOO_COSTLY", "status": 400}


def chain(depth: int) -> str:
    """The reported document: each fragment spreads the next twice (2^depth if expanded)."""
    links = " ".join(f"fragment F{i} on Order {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth))
    return (
        f'{{ order(orderId: "o1") {{ ...F0 }} }} {links} fragment F{depth} on Order {{ orderId }}'
    )


def aliased(count: int, selection: str) -> str:
    return "{ " + " ".join(f"a{i}: {selection}" for i in range(count)) + " }"


FULL_SCHEMA = "__schema { types { name fields { name type { name ofType { name } } } } }"
HOSTILE = {
    "fragment chain": chain(60),
    "fragment cycle": '{ order(orderId: "o1") { ...A } } fragment A on Order { ...B ...B } '
    "fragment B on Order { ...A }",
    "aliased schemas": aliased(90, FULL_SCHEMA),
    "one name thousands of times": '{ order(orderId: "a") { '
    + " ".join("x: __typename x: orderId" for _ in range(120))
    + " } }",
    "fragments side by side": '{ order(orderId: "o1") { '
    + " ".join(f"...F{i}" for i in range(180))
    + " } } "
    + " ".join(f"fragment F{i} on Order {{ orderId status }}" for i in range(180)),
    "operations reaching one chain": " ".join(f"query Q{i} {{ ...F0 }}" for i in range(120))
    + " "
    + " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(120))
    + " fragment F120 on Query { __typename }",
    "past the token limit": "{ " + "__typename " * (MAX_TOKENS + 1) + "}",
}


def first_error(body: dict[str, Any]) -> dict[str, Any]:
    errors: list[dict[str, Any]] = body.get("errors") or []
    assert errors, body
    return errors[0]


async def post(api: Api, query: str, operation: str | None = None, **extra: Any) -> httpx.Response:
    return await api.http.post(
        "/graphql", json={"query": query, "operationName": operation, **extra}
    )


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_each_hostile_document_is_answered_at_once_over_post_and_get(
    api: Api, name: str
) -> None:
    query = HOSTILE[name]
    operation = "Q0" if name.startswith("operations") else None
    posted = await post(api, query, operation)
    params = {"query": query, **({"operationName": operation} if operation else {})}
    responses = [posted]
    if len(urlencode(params)) < 12_000:  # longer is past the request head's limit (431)
        responses.append(await api.http.get("/graphql", params=params))
    for response in responses:
        if name == "fragment chain":  # linear to admit: it runs, and finds no order
            assert response.status_code == 200, response.text
            assert response.json()["data"] == {"order": None}
        else:
            assert response.status_code == 400, response.text
            assert "message" in first_error(response.json())


async def test_healthz_answers_while_the_worst_documents_are_in_flight(api: Api) -> None:
    hostile = [post(api, query) for query in HOSTILE.values() for _ in range(3)]
    in_flight = [asyncio.ensure_future(request) for request in hostile]
    health = await api.http.get("/healthz", timeout=10)
    assert health.status_code == 200
    answers = await asyncio.gather(*in_flight)
    assert all(answer.status_code < 500 for answer in answers)


def introspection_twice() -> str:
    """graphql-core's introspection query with its `__schema` selected twice, aliased."""
    full = get_introspection_query(descriptions=True)
    fragments = full.index("fragment FullType")
    selection = full[full.index("__schema") : fragments].strip()
    selection = selection[: selection.rindex("}")].strip()  # the operation's own brace
    return f"{{ a: {selection} b: {selection} }} {full[fragments:]}"


async def test_one_full_introspection_is_answered_two_aliased_are_too_costly(api: Api) -> None:
    full = await post(api, get_introspection_query(descriptions=True))
    assert full.status_code == 200
    assert full.json()["data"]["__schema"]["types"]
    twice = await post(api, introspection_twice())
    assert twice.status_code == 400, twice.text
    assert first_error(twice.json())["extensions"] == TOO_COSTLY


async def test_a_persisted_hostile_document_passes_the_same_gate(api: Api) -> None:
    query = HOSTILE["aliased schemas"]
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}
    registered = await post(api, query, extensions=extensions)
    assert registered.status_code == 400, registered.text
    assert first_error(registered.json())["extensions"] == TOO_COSTLY
    by_hash = await api.http.post("/graphql", json={"extensions": extensions})
    assert by_hash.status_code < 500
    assert "data" not in by_hash.json() or by_hash.json()["data"] is None

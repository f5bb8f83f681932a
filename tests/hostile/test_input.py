"""Hostile input, each case checked to change nothing at all: every key of the test's own Redis
is dumped before and after and compared. Ids with braces (hash tags), newlines, NUL, 10 kB;
numbers out of range; 2 MiB bodies; GraphQL documents past the depth, alias and token limits
(schema/limits.py); JSON no parser should be asked to read."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import redis

from schema.cost import DEFAULT_MAX_QUERY_COST
from schema.limits import MAX_DEPTH, MAX_TOKENS
from tests.e2e.helpers import (
    CANCEL,
    COMPLETE,
    CREATE,
    CREATE_PLAIN,
    CREATE_PROMO,
    CREATE_USER,
    DECLINE,
    ORDER,
    ORDERS,
    PROMO,
    RESTORE,
    UPDATE,
    UPDATE_PROMO,
    item,
    rent,
)
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer

MiB = 1024 * 1024
INVALID = {"code": "INVALID_INPUT", "status": 400}
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
HOSTILE_IDS = {
    "open brace": "{",
    "close brace": "}",
    "hash tag": "{p:spring}",
    "key path": "ordo:{p:spring}:promo",
    "newline": "line\nbreak",
    "nul": "nul\x00byte",
    "10 kB": "x" * 10_000,
    "right-to-left mark": "\u202eabc",
}


@dataclass
class Target:
    http: httpx.AsyncClient
    redis: redis.Redis
    user: str
    promo: str
    order: str

    def snapshot(self) -> dict[bytes, bytes]:
        """Every key's serialised value: equal snapshots mean nothing was written at all."""
        return {key: self.redis.dump(key) for key in self.redis.scan_iter(count=1000)}  # type: ignore[misc]

    async def graphql(
        self, query: str, variables: dict[str, Any] | None = None, admin: bool = False
    ) -> httpx.Response:
        body = {"query": query, "variables": variables or {}}
        return await self.http.post("/graphql", json=body, headers=ADMIN if admin else {})


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[RedisServer, OrdoServer]]:
    private = RedisServer()
    private.start()
    server = OrdoServer(private.url)
    try:
        server.start()
        yield private, server
    finally:
        server.stop()
        private.cleanup()


@pytest.fixture
async def target(servers: tuple[RedisServer, OrdoServer]) -> AsyncIterator[Target]:
    private, server = servers
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        client = redis.Redis(host="127.0.0.1", port=private.port)
        made = Target(http, client, "u-hostile", "p-hostile", "")
        await made.graphql(CREATE_USER, {"userId": made.user}, admin=True)
        given = {"promoId": made.promo, "count": 100, "perUserCount": 100}
        await made.graphql(CREATE_PROMO, {"input": given}, admin=True)
        made.order = (await http.post("/orders", json={})).json()["orderId"]
        yield made
        client.close()


# --- ids -----------------------------------------------------------------------------------


def mutations(t: Target) -> list[tuple[str, str, dict[str, Any], list[str], bool]]:
    """(name, document, valid variables, path of one id in them, admin) for each id field."""
    items_input = {
        "orderId": "o-hostile",
        "entityId": "e-hostile",
        "type": rent(),
        "items": [item("i1")],
        "promo": {"promoId": t.promo, "userId": t.user},
    }
    create = {"input": {"userId": t.user, "promoId": t.promo, "idempotencyKey": "k-hostile"}}
    update = {"input": {"orderId": t.order, "cancelItemIds": ["i1"], "addItems": [item("i2")]}}
    by_id = {"orderId": t.order}
    return [
        *(
            ("createOrder", CREATE_PLAIN, create, ["input", name], False)
            for name in ("userId", "promoId", "idempotencyKey")
        ),
        *(
            ("createOrderWithItems", CREATE, {"input": items_input}, path, False)
            for path in (
                ["input", "orderId"],
                ["input", "entityId"],
                ["input", "items", "0", "orderItemId"],
                ["input", "items", "0", "serviceId"],
                ["input", "promo", "promoId"],
                ["input", "promo", "userId"],
            )
        ),
        *(
            ("updateOrder", UPDATE, update, path, False)
            for path in (
                ["input", "orderId"],
                ["input", "cancelItemIds", "0"],
                ["input", "addItems", "0", "orderItemId"],
            )
        ),
        *(
            (name, document, by_id, ["orderId"], False)
            for name, document in (
                ("completeOrder", COMPLETE),
                ("cancelOrder", CANCEL),
                ("declineOrder", DECLINE),
                ("restoreOrder", RESTORE),
            )
        ),
        ("createUser", CREATE_USER, {"userId": "u-new"}, ["userId"], True),
        (
            "createPromo",
            CREATE_PROMO,
            {"input": {"promoId": "p-new", "count": 1, "perUserCount": 1}},
            ["input", "promoId"],
            True,
        ),
        (
            "updatePromo",
            UPDATE_PROMO,
            {"input": {"promoId": t.promo, "count": 5}},
            ["input", "promoId"],
            True,
        ),
    ]


def with_value(variables: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(variables)
    place: Any = changed
    for step in path[:-1]:
        place = place[int(step)] if isinstance(place, list) else place[step]
    place[int(path[-1]) if isinstance(place, list) else path[-1]] = value
    return changed


@pytest.mark.parametrize("hostile", sorted(HOSTILE_IDS))
async def test_a_hostile_id_in_any_mutation_is_invalid_naming_it_and_writes_nothing(
    target: Target, hostile: str
) -> None:
    before = target.snapshot()
    for name, document, variables, path, admin in mutations(target):
        answer = await target.graphql(
            document, with_value(variables, path, HOSTILE_IDS[hostile]), admin
        )
        payload = answer.json()["data"][name]
        error = payload["errors"][0]
        assert (error["code"], error["status"], error["field"]) == ("INVALID_INPUT", 400, path), (
            name
        )
    assert target.snapshot() == before


@pytest.mark.parametrize("hostile", sorted(HOSTILE_IDS))
async def test_a_hostile_id_in_any_query_is_a_top_level_400(target: Target, hostile: str) -> None:
    value = HOSTILE_IDS[hostile]
    before = target.snapshot()
    for query, variables, admin in (
        (ORDER, {"orderId": value}, False),
        (ORDERS, {"entityId": value}, False),
        (PROMO, {"promoId": value, "userId": target.user}, True),
        (PROMO, {"promoId": target.promo, "userId": value}, True),
    ):
        body = (await target.graphql(query, variables, admin)).json()
        assert [e.get("extensions") for e in body["errors"]] == [INVALID], body
    assert target.snapshot() == before


@pytest.mark.parametrize("hostile", sorted(HOSTILE_IDS))
async def test_a_hostile_id_on_any_rest_route_is_400_and_writes_nothing(
    target: Target, hostile: str
) -> None:
    value = HOSTILE_IDS[hostile]
    before = target.snapshot()
    answers = [
        await target.http.get(f"/orders/{quote(value, safe='')}"),
        await target.http.post(f"/orders/{quote(value, safe='')}", json={"new status": "success"}),
        await target.http.post("/orders", json={"userId": value, "promoId": target.promo}),
        await target.http.post("/orders", json={"userId": target.user, "promoId": value}),
    ]
    if value.isascii() and value.isprintable():  # an HTTP header cannot even carry the others
        answers.append(
            await target.http.post("/orders", json={}, headers={"Idempotency-Key": value})
        )
    for answer in answers:
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "INVALID_INPUT"
    assert target.snapshot() == before


# --- numbers -------------------------------------------------------------------------------

OUT_OF_INT = [2**31, -(2**31) - 1, 2**63, 10**30, 1.5]


@pytest.mark.parametrize("number", OUT_OF_INT, ids=str)
async def test_a_number_outside_graphql_int_is_refused_before_running(
    target: Target, number: float
) -> None:
    before = target.snapshot()
    for document, variables in (
        (CREATE_PROMO, {"input": {"promoId": "p-big", "count": number, "perUserCount": 1}}),
        (CREATE_PROMO, {"input": {"promoId": "p-big", "count": 1, "perUserCount": number}}),
        (UPDATE_PROMO, {"input": {"promoId": target.promo, "count": number}}),
        (UPDATE, {"input": {"orderId": target.order, "expectedVersion": number}}),
    ):
        answer = await target.graphql(document, variables, admin=True)
        assert answer.status_code == 400 and answer.json()["data"] is None, answer.text
    assert target.snapshot() == before


async def test_negative_counts_and_versions_are_invalid_naming_the_field(target: Target) -> None:
    before = target.snapshot()
    for name, document, variables, field in (
        (
            "createPromo",
            CREATE_PROMO,
            {"input": {"promoId": "p-neg", "count": -1, "perUserCount": 1}},
            ["input", "count"],
        ),
        (
            "createPromo",
            CREATE_PROMO,
            {"input": {"promoId": "p-neg", "count": 1, "perUserCount": 0}},
            ["input", "perUserCount"],
        ),
        (
            "updatePromo",
            UPDATE_PROMO,
            {"input": {"promoId": target.promo, "count": -(2**31)}},
            ["input", "count"],
        ),
        (
            "updateOrder",
            UPDATE,
            {"input": {"orderId": target.order, "expectedVersion": -1}},
            ["input", "expectedVersion"],
        ),
    ):
        payload = (await target.graphql(document, variables, admin=True)).json()["data"][name]
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_INPUT", field)]
    assert target.snapshot() == before


async def test_a_literal_past_32_bits_in_the_document_is_refused_before_running(
    target: Target,
) -> None:
    before = target.snapshot()
    given = f'{{promoId: "{target.promo}", count: 99999999999}}'
    query = f"mutation {{ updatePromo(input: {given}) {{ errors {{ code }} }} }}"
    answer = await target.graphql(query, admin=True)
    assert answer.status_code == 400 and "32-bit" in answer.text
    assert target.snapshot() == before


# --- sizes and limits ------------------------------------------------------------------------


async def test_two_mib_bodies_are_413_on_every_route_and_write_nothing(target: Target) -> None:
    before = target.snapshot()
    padding = "x" * (2 * MiB)
    for url, body in (
        ("/graphql", {"query": CREATE_PLAIN, "variables": {"input": {}, "padding": padding}}),
        ("/orders", {"userId": target.user, "promoId": target.promo, "padding": padding}),
        (f"/orders/{target.order}", {"new status": "success", "padding": padding}),
    ):
        answer = await target.http.post(url, json=body)
        assert answer.status_code == 413
        if url == "/graphql":  # in GraphQL's error shape
            assert answer.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        else:
            assert answer.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert target.snapshot() == before


def aliased_creates(t: Target, count: int) -> str:
    given = f'{{userId: "{t.user}", promoId: "{t.promo}"}}'
    fields = " ".join(
        f"a{n}: createOrder(input: {given}) {{ order {{ orderId }} }}" for n in range(count)
    )
    return f"mutation {{ {fields} }}"


async def test_a_mutation_costing_too_much_runs_none_of_its_aliases(target: Target) -> None:
    before = target.snapshot()
    over = DEFAULT_MAX_QUERY_COST // 12 + 1  # each create with its order costs 10 + 1 + 1
    answer = await target.graphql(aliased_creates(target, over))
    assert answer.status_code == 400, answer.text
    assert answer.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert target.snapshot() == before


async def test_thirty_aliased_entity_listings_are_refused_by_cost(target: Target) -> None:
    fields = " ".join(f'a{n}: orders(entityId: "e-{n}") {{ orderId }}' for n in range(30))
    answer = await target.graphql(f"{{ {fields} }}")
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "status": 400}
    assert body["extensions"]["cost"]["requestedQueryCost"] == 30 * 51


async def test_a_query_nested_too_deep_is_refused(target: Target) -> None:
    inner = "ofType { " * MAX_DEPTH + "name" + " }" * MAX_DEPTH
    answer = await target.graphql(f'{{ __type(name: "Order") {{ {inner} }} }}')
    assert answer.status_code == 400 and "deep" in answer.text


@pytest.mark.parametrize("filler", ["__typename ", "# a comment\n"])
async def test_a_document_of_too_many_tokens_is_refused_without_running(
    target: Target, filler: str
) -> None:
    before = target.snapshot()
    document = aliased_creates(target, 1)[:-1] + filler * (MAX_TOKENS + 1) + "}"
    answer = await target.graphql(document)
    assert answer.status_code == 400, answer.text
    assert target.snapshot() == before


@pytest.mark.parametrize(
    "raw",
    [
        b'{"query": "{ __typename }", "variables": {"a": '
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}}",
        b"[" * 100_000 + b"]" * 100_000,
        b'"a string"',
        b"12345",
        b"null",
        b'{"query": "\xff"}',
        b'{"query": "{ __typename }", "variables": {"n": 1' + b"0" * 5000 + b"}}",
    ],
    ids=["deep variables", "deep body", "string", "number", "null", "not utf-8", "5000 digits"],
)
async def test_graphql_bodies_no_parser_should_read_are_400(target: Target, raw: bytes) -> None:
    answer = await target.http.post(
        "/graphql", content=raw, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400, answer.text

"""One request, one answer (issue 22; SPEC §7): a body is read the same on every path.

Each case goes three times to two `ordo serve` processes on the same store, one answering
planned documents on its prepared path and one on the generic path only
(ORDO_GRAPHQL_PREPARED=false), on real Redis and on the embedded store. Both servers hold the
plans of the documents before the cases run, so the prepared server's fast lane meets every
case. Both must answer each request with the same status and body (the ids each server is sent
are its own, and are named back before comparing), and neither with a 5xx.

The cases are what two JSON readers disagreed on: integers wider than 64 bits (orjson read them
as floats: `2000000000000000000000000000000` created order `2000000000000000039769249677312`),
floats, NaN and Infinity, duplicate keys, lone surrogates, a byte order mark, deep nesting.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from ordo.json_input import MAX_DEPTH, MAX_DIGITS
from tests.support import OrdoServer, RedisServer, unique

CREATE = (
    "mutation Create($o: ID!, $e: ID!) { createOrderWithItems(input: {orderId: $o, entityId: $e,"
    ' type: {rentPayment: {paymentDate: "2026-02-01", term: FULL}}, items: [{orderItemId: "i1",'
    ' serviceId: "s1", price: "100.00", periodStartDate: "2026-01-01"}]})'
    " { order { orderId status total } errors { code field message } } }"
)
READ = "query Read($o: ID!) { order(orderId: $o) { orderId status } }"
LIST = "query List($e: ID!, $n: Int) { entityOrders(entityId: $e, first: $n) { totalCount } }"
KEYED = (
    "mutation Keyed($k: String) { createOrder(input: {idempotencyKey: $k}) { errors { code } } }"
)
BOM = b"\xef\xbb\xbf"


def body(document: str, variables: bytes, extra: bytes = b"") -> bytes:
    """A GraphQL POST body with `variables` written as raw JSON text."""
    query = b'{"query": ' + json.dumps(document).encode()
    return query + b', "variables": ' + variables + extra + b"}"


def nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


# `<big>` is an integer wider than 64 bits, `<o>` and `<e>` ids: each server is sent its own.
GRAPHQL = {
    "an integer past 64 bits as an ID (issue 22)": body(CREATE, b'{"o": <big>, "e": "<e>"}'),
    "the largest u64 as an ID": body(READ, b'{"o": 18446744073709551615}'),
    "one past the largest u64 as an ID": body(READ, b'{"o": 18446744073709551616}'),
    "one below the least i64 as an ID": body(READ, b'{"o": -9223372036854775809}'),
    "an integer of the most digits as an ID": body(READ, b'{"o": ' + b"9" * MAX_DIGITS + b"}"),
    "an integer of too many digits": body(READ, b'{"o": ' + b"9" * (MAX_DIGITS + 1) + b"}"),
    "an integer past 64 bits as an Int": body(
        LIST, b'{"e": "<e>", "n": 2000000000000000000000000000000}'
    ),
    "an integer past 64 bits as a String": body(KEYED, b'{"k": 2000000000000000000000000000000}'),
    "an integer past 64 bits in extensions": body(
        READ, b'{"o": "<o>"}', b', "extensions": {"n": 99999999999999999999999}'
    ),
    "an integer past 64 bits as operationName": body(
        READ, b'{"o": "<o>"}', b', "operationName": 99999999999999999999999'
    ),
    "a float as an ID": body(READ, b'{"o": 1.5}'),
    "a whole float as an ID": body(READ, b'{"o": 1e20}'),
    "a float as an Int": body(LIST, b'{"e": "<e>", "n": 2.0}'),
    "a large float as an Int": body(LIST, b'{"e": "<e>", "n": 1e300}'),
    "a number past a double": body(LIST, b'{"e": "<e>", "n": 1e400}'),
    "NaN": body(LIST, b'{"e": "<e>", "n": NaN}'),
    "Infinity": body(LIST, b'{"e": "<e>", "n": Infinity}'),
    "-Infinity": body(LIST, b'{"e": "<e>", "n": -Infinity}'),
    "a duplicate variable: the last wins": body(READ, b'{"o": 5, "o": "<o>"}'),
    "a duplicate query: the last wins": (
        b'{"query": ' + json.dumps(LIST).encode() + b", " + body(READ, b'{"o": "<o>"}')[1:]
    ),
    "a duplicate operationName": body(
        READ, b'{"o": "<o>"}', b', "operationName": "Nope", "operationName": "Read"'
    ),
    "a lone surrogate in a variable": body(READ, b'{"o": "\\ud800"}'),
    "a lone surrogate in a key": body(READ, b'{"o": "<o>", "\\udc00": 1}'),
    "a lone surrogate in the query": body(READ + " # \\udbff", b'{"o": "<o>"}').replace(
        b"\\\\udbff", b"\\udbff"
    ),
    "a surrogate pair in a variable": body(READ, b'{"o": "\\ud83d\\ude00"}'),
    "a byte order mark": BOM + body(CREATE, b'{"o": "<o>", "e": "<e>"}'),
    "two byte order marks": BOM + BOM + body(READ, b'{"o": "<o>"}'),
    "nesting at the limit": body(READ, b'{"o": "<o>", "x": ' + nested(MAX_DEPTH - 2) + b"}"),
    "nesting past the limit": body(READ, b'{"o": "<o>", "x": ' + nested(MAX_DEPTH - 1) + b"}"),
    "nesting past any parser": body(READ, b'{"o": "<o>", "x": ' + nested(100_000) + b"}"),
    "brackets in a string": body(READ, b'{"o": "<o>", "x": "' + b"[{" * 1000 + b'"}'),
    "not UTF-8": body(READ, b'{"o": "\xff"}'),
    "data after the body": body(READ, b'{"o": "<o>"}') + b" {}",
}
# GET's `variables` parameter: the same reader (always the generic path, on both servers).
GET = {
    "an integer past 64 bits as an ID": b'{"o": <big>}',
    "an integer past 64 bits as an Int": b'{"e": "<e>", "n": 2000000000000000000000000000000}',
    "NaN": b'{"e": "<e>", "n": NaN}',
    "a lone surrogate": b'{"o": "\\ud800"}',
    "a byte order mark": BOM + b'{"o": "<o>"}',
    "nesting past the limit": b'{"o": "<o>", "x": ' + nested(MAX_DEPTH) + b"}",
}
# REST bodies: the same reader, and a 400 INVALID_INPUT naming why.
REST = {
    "an integer past 64 bits": (b'{"userId": <big>}', 400),
    "NaN": (b'{"userId": NaN}', 400),
    "a lone surrogate": (b'{"userId": "\\ud800"}', 400),
    "a byte order mark": (BOM + b"{}", 200),
    "a duplicate key: the last wins": (b'{"userId": 5, "userId": "<o>", "promoId": "<e>"}', 403),
    "nesting past the limit": (b'{"userId": ' + nested(MAX_DEPTH) + b"}", 400),
    "an integer of too many digits": (b'{"userId": ' + b"1" * (MAX_DIGITS + 1) + b"}", 400),
    "not UTF-8": (b'{"userId": "\xff"}', 400),
}


@dataclass
class Side:
    """One server, and the values it alone is sent in place of the cases' symbols."""

    http: httpx.Client
    names: dict[bytes, bytes]

    def post(self, path: str, template: bytes) -> httpx.Response:
        return self.http.post(path, content=self._filled(template), headers=_JSON)

    def get(self, document: str, variables: bytes) -> httpx.Response:
        params = {"query": document, "variables": self._filled(variables).decode("utf-8")}
        return self.http.get("/graphql", params=params)

    def named(self, response: httpx.Response) -> tuple[int, Any]:
        """The status and the body, this side's values named back into the symbols."""
        text = response.content
        for name, value in self.names.items():
            text = text.replace(value, name)
        return response.status_code, json.loads(text)

    def _filled(self, template: bytes) -> bytes:
        for name, value in self.names.items():
            template = template.replace(name, value)
        return template


_JSON = {"content-type": "application/json"}


def _side(url: str) -> Side:
    big = 10**30 + random.randrange(10**24)  # its nearest double is another number
    names = {"<big>": str(big), "<o>": unique("o"), "<e>": unique("e")}
    encoded = {name.encode(): value.encode() for name, value in names.items()}
    return Side(httpx.Client(base_url=url, timeout=30), encoded)


@pytest.fixture(scope="module")
def sides(backend: str, redis_server: RedisServer) -> Iterator[tuple[Side, Side]]:
    """The prepared server and the generic one, on one store, each holding the plans."""
    url = redis_server.url if backend == "redis" else None
    servers = [OrdoServer(url, env={"ORDO_GRAPHQL_PREPARED": on}) for on in ("true", "false")]
    made: list[Side] = []
    try:
        for server in servers:
            server.start()
            made.append(_side(server.url))
        for side in made:
            for document in (CREATE, READ, LIST, KEYED):  # a plan is made after a first run
                warm = b'{"o": "<o>-warm", "e": "<e>", "k": "<o>"}'
                for _ in range(2):
                    side.post("/graphql", body(document, warm)).raise_for_status()
        yield made[0], made[1]
    finally:
        for side in made:
            side.http.close()
        for server in servers:
            server.stop()


@pytest.mark.parametrize("template", GRAPHQL.values(), ids=GRAPHQL.keys())
def test_a_graphql_body_gets_one_answer_on_both_paths(
    sides: tuple[Side, Side], template: bytes
) -> None:
    answers = [[side.named(side.post("/graphql", template)) for _ in range(3)] for side in sides]
    prepared, generic = answers
    assert all(status < 500 for status, _ in prepared + generic), answers
    assert prepared == generic


def test_an_integer_past_64_bits_names_the_order_it_was_sent(sides: tuple[Side, Side]) -> None:
    """Issue 22: three posts created `…000` once, then `…039769249677312` on the fast lane."""
    template = GRAPHQL["an integer past 64 bits as an ID (issue 22)"]
    for side in sides:
        first, *again = (side.named(side.post("/graphql", template)) for _ in range(3))
        assert first[1]["data"]["createOrderWithItems"]["order"]["orderId"] == "<big>", first
        assert again == [first, first]  # the same create again: the same order, no other


@pytest.mark.parametrize("variables", GET.values(), ids=GET.keys())
@pytest.mark.parametrize("document", [READ, LIST], ids=["ID", "Int"])
def test_get_variables_are_read_as_bodies_are(
    sides: tuple[Side, Side], document: str, variables: bytes
) -> None:
    prepared, generic = (side.named(side.get(document, variables)) for side in sides)
    assert prepared[0] < 500 and prepared == generic


@pytest.mark.parametrize(("template", "status"), REST.values(), ids=REST.keys())
def test_a_rest_body_is_read_by_the_same_rules(
    sides: tuple[Side, Side], template: bytes, status: int
) -> None:
    for side in sides:
        code, answer = side.named(side.post("/orders", template))
        assert code == status, answer
        if status == 400:
            assert answer["error"]["code"] == "INVALID_INPUT", answer

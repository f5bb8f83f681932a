"""HTTP at the standards' word, against a real server on real Redis and the embedded store: a
request head over 16 KiB (431, RFC 6585), JWT time claims that are not numbers (401), a 401's
challenge (RFC 6750), a mutation sent by GET (405, GraphQL over HTTP), routing refusals in
SPEC §6's shape with no redirect, and a price of "-0". Every refused write changes nothing:
on real Redis not one key (its count of changes since the last save stays put), on both
stores nothing the API shows.

Raw sockets send what httpx would not (an 8 MB header, a path with an encoded slash)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import redis

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    CREATE_ORDER,
    ORDER,
    counters,
    create,
    item,
    ok,
    read,
    refused,
    rest_create,
    rest_status,
    top_level_error,
    update,
    user_and_promo,
)
from tests.support import OrdoServer, RedisServer, running, unique
from tests.tokens import JWT_ENV, bearer, hs256

HEAD_LIMIT = 16 * 1024
MB = 1024 * 1024
JSON = "application/json"


# --- raw HTTP ------------------------------------------------------------------------------


class Answer:
    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        fields = (line.split(": ", 1) for line in lines)
        self.headers = {name.lower(): value for name, value in fields}

    def json(self) -> Any:
        return json.loads(self.body)


def exchange(server: OrdoServer, raw: bytes) -> Answer:
    """One request on a fresh connection, sent while its answer is read: a server refusing a
    head stops reading it."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sender = threading.Thread(target=_send, args=(sock, raw))
        sender.start()
        received = _receive(sock)
        sender.join()
    return Answer(received)


def _send(sock: socket.socket, raw: bytes) -> None:
    with contextlib.suppress(OSError):  # the server answered and closed before taking it all
        sock.sendall(raw)


def _receive(sock: socket.socket) -> bytes:
    """One whole answer: its head, then as many bytes as its Content-Length says."""
    received = b""
    while not _whole(received):
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += chunk
    return received


def _whole(received: bytes) -> bool:
    head, found, body = received.partition(b"\r\n\r\n")
    if not found:
        return False
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    return len(body) >= length


def padded_head(request_line: bytes, head_size: int, *headers: bytes) -> bytes:
    """A head of exactly head_size bytes: the request line, the headers, an X-Pad to fill."""
    start = request_line + b"\r\nHost: 127.0.0.1\r\n" + b"".join(h + b"\r\n" for h in headers)
    start += b"X-Pad: "
    return start + b"a" * (head_size - len(start) - 4) + b"\r\n\r\n"


def json_post(path: str, body: dict[str, Any], head_size: int) -> bytes:
    sent = json.dumps(body).encode()
    line = b"POST %s HTTP/1.1" % path.encode()
    length = b"Content-Length: %d" % len(sent)
    return padded_head(line, head_size, b"Content-Type: application/json", length) + sent


# --- what changed --------------------------------------------------------------------------


@contextlib.contextmanager
def redis_unchanged(server: OrdoServer) -> Iterator[None]:
    """On real Redis: no write at all in the block (the server saves nothing, so the count of
    changes since the last save counts every write). The embedded store's tests read back."""
    if server.redis_url is None:
        yield
        return
    with redis.Redis.from_url(server.redis_url) as client:
        before = client.info("persistence")["rdb_changes_since_last_save"]
        yield
        assert client.info("persistence")["rdb_changes_since_last_save"] == before


# --- a request head over 16 KiB: 431 --------------------------------------------------------

TOO_LARGE = "the request's head is over 16 KiB"


def assert_431(answer: Answer) -> None:
    assert answer.status == 431
    assert answer.headers["content-type"] == JSON
    assert answer.headers["connection"] == "close"
    assert int(answer.headers["content-length"]) == len(answer.body)


async def test_an_8_mb_header_on_a_rest_create_is_431_and_reserves_nothing(
    server: OrdoServer, api: Api
) -> None:
    promo = await user_and_promo(api)
    with redis_unchanged(server):
        sent = json_post("/orders", promo, 8 * MB)
        answer = await asyncio.to_thread(exchange, server, sent)
    assert_431(answer)
    assert answer.json() == {"error": {"code": "HEADERS_TOO_LARGE", "message": TOO_LARGE}}
    assert await counters(api, promo) == (5, 0, 0)
    assert (await api.http.get("/healthz")).status_code == 200


async def test_an_8_mb_header_on_a_graphql_create_is_431_in_graphqls_shape(
    server: OrdoServer, api: Api
) -> None:
    promo = await user_and_promo(api)
    with redis_unchanged(server):
        sent = json_post("/graphql", {"query": CREATE_ORDER, "variables": {"input": promo}}, 8 * MB)
        answer = await asyncio.to_thread(exchange, server, sent)
    assert_431(answer)
    extensions = {"code": "HEADERS_TOO_LARGE", "status": 431}
    assert answer.json() == {"errors": [{"message": TOO_LARGE, "extensions": extensions}]}
    assert await counters(api, promo) == (5, 0, 0)


async def test_a_head_of_16_kib_is_served_and_one_byte_more_is_431(
    server: OrdoServer, api: Api
) -> None:
    promo = await user_and_promo(api)
    at_limit = await asyncio.to_thread(exchange, server, json_post("/orders", promo, HEAD_LIMIT))
    assert at_limit.status == 200, at_limit.body
    assert await rest_status(api, at_limit.json()["orderId"]) == "in progress"
    with redis_unchanged(server):
        sent = json_post("/orders", promo, HEAD_LIMIT + 1)
        over = await asyncio.to_thread(exchange, server, sent)
    assert_431(over)
    assert await counters(api, promo) == (5, 1, 0)  # the first one's reservation alone


async def test_a_request_line_over_16_kib_is_431(server: OrdoServer) -> None:
    line = b"GET /orders/" + b"x" * HEAD_LIMIT + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answer = await asyncio.to_thread(exchange, server, line)
    assert_431(answer)
    assert answer.json()["error"]["code"] == "HEADERS_TOO_LARGE"


# --- a 401's challenge, and JWT time claims --------------------------------------------------


@pytest.fixture(scope="module")
def guarded(backend: str, redis_server: RedisServer) -> Iterator[OrdoServer]:
    """End-user identity on, and the legacy REST routes for services only (SPEC §9)."""
    env = {**JWT_ENV, "ORDO_REST_REQUIRE_SERVICE_TOKEN": "true"}
    made = OrdoServer(redis_server.url if backend == "redis" else None, env=env)
    with running(made):
        yield made


@pytest.fixture
async def guarded_api(guarded: OrdoServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=guarded.url, timeout=30) as http:
        yield Api(http)


SERVICE = hs256("billing", role="service")
# Numbers as RFC 7519 writes them (NumericDate), but sent as a string or a bool.
NOT_NUMBERS: dict[str, dict[str, Any]] = {
    "exp as a numeric string": {"exp": "9999999999"},
    "exp as true": {"exp": True},
    "nbf as a numeric string": {"nbf": "1"},
    "nbf as false": {"nbf": False},
    "iat as a numeric string": {"iat": "1"},
    "iat as true": {"iat": True},
}


def assert_401(response: httpx.Response, challenge: str) -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == challenge
    body = response.json()
    assert list(body) == ["error"] and body["error"]["code"] == "UNAUTHENTICATED", body
    assert sorted(body["error"]) == ["code", "message"]


@pytest.mark.parametrize("claim", list(NOT_NUMBERS))
async def test_a_time_claim_that_is_not_a_number_is_401_and_changes_nothing(
    guarded: OrdoServer, guarded_api: Api, claim: str
) -> None:
    token = hs256("billing", role="service", **NOT_NUMBERS[claim])
    made = await guarded_api.http.post("/orders", json={}, headers=bearer(SERVICE))
    order_id = made.json()["orderId"]
    with redis_unchanged(guarded):
        created = await guarded_api.http.post("/orders", json={}, headers=bearer(token))
        closed = await guarded_api.http.post(
            f"/orders/{order_id}", json={"new status": "success"}, headers=bearer(token)
        )
        graphql = await guarded_api.http.post(
            "/graphql",
            json={"query": CREATE_ORDER, "variables": {"input": {}}},
            headers=bearer(token),
        )
    assert_401(created, 'Bearer error="invalid_token"')
    assert_401(closed, 'Bearer error="invalid_token"')
    # GraphQL refuses it at the edge too, before the document, in its own error shape.
    assert graphql.status_code == 401
    assert graphql.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    [error] = graphql.json()["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "status": 401}
    read_back = await guarded_api.http.get(f"/orders/{order_id}", headers=bearer(SERVICE))
    assert read_back.json() == {"status": "in progress"}


async def test_numeric_time_claims_are_accepted(guarded_api: Api) -> None:
    token = hs256("billing", role="service", nbf=1, iat=1.5)
    created = await guarded_api.http.post("/orders", json={}, headers=bearer(token))
    assert created.status_code == 200, created.text


async def test_a_401_without_a_token_challenges_for_a_bearer_without_an_error_code(
    guarded: OrdoServer, guarded_api: Api
) -> None:
    with redis_unchanged(guarded):
        missing = await guarded_api.http.post("/orders", json={})
        basic = await guarded_api.http.get(
            f"/orders/{unique('o')}", headers={"Authorization": "Basic dTpw"}
        )
    assert_401(missing, "Bearer")
    assert_401(basic, "Bearer")


async def test_a_401_for_a_refused_token_says_invalid_token(guarded_api: Api) -> None:
    expired = hs256("billing", role="service", lifetime=-60)
    response = await guarded_api.http.get(f"/orders/{unique('o')}", headers=bearer(expired))
    assert_401(response, 'Bearer error="invalid_token"')


# --- a mutation sent by GET: 405 -------------------------------------------------------------


@pytest.mark.parametrize("accept", [JSON, "application/graphql-response+json"])
async def test_a_mutation_sent_by_get_is_405_allowing_post_and_changes_nothing(
    server: OrdoServer, api: Api, accept: str
) -> None:
    promo = await user_and_promo(api)
    params = {"query": CREATE_ORDER, "variables": json.dumps({"input": promo})}
    with redis_unchanged(server):
        response = await api.http.get("/graphql", params=params, headers={"Accept": accept})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.headers["content-type"] == accept
    assert response.json() == {"errors": [{"message": "mutations are not allowed when using GET"}]}
    assert await counters(api, promo) == (5, 0, 0)


async def test_a_query_sent_by_get_is_still_answered(api: Api) -> None:
    response = await api.http.get("/graphql", params={"query": "{ __typename }"})
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


# --- REST routing refusals: SPEC §6's shape, no redirect --------------------------------------


ROUTING = {
    "ROUTE_NOT_FOUND": (404, "no route has this path"),
    "METHOD_NOT_ALLOWED": (405, "the path does not take this method"),
}


def assert_rest_error(status: int, headers: Any, body: Any, code: str) -> None:
    assert status == ROUTING[code][0]
    assert headers["content-type"] == JSON
    assert "location" not in headers
    assert body == {"error": {"code": code, "message": ROUTING[code][1]}}


async def test_get_orders_is_405_allowing_post(api: Api) -> None:
    response = await api.http.get("/orders")
    assert_rest_error(response.status_code, response.headers, response.json(), "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_other_methods_on_an_order_are_405_naming_all_it_takes_and_change_nothing(
    server: OrdoServer, api: Api, method: str
) -> None:
    order_id = (await rest_create(api, {})).json()["orderId"]
    with redis_unchanged(server):
        response = await api.http.request(
            method, f"/orders/{order_id}", json={"new status": "success"}
        )
    assert_rest_error(response.status_code, response.headers, response.json(), "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert await rest_status(api, order_id) == "in progress"


@pytest.mark.parametrize("path", ["/orders/", "/orders//", "/nothing", "/orders/x/y"])
async def test_a_path_no_route_has_is_404_in_the_rest_shape_without_a_redirect(
    api: Api, path: str
) -> None:
    for method in ("GET", "POST"):
        response = await api.http.request(method, path, json={})
        assert_rest_error(
            response.status_code, response.headers, response.json(), "ROUTE_NOT_FOUND"
        )


async def test_a_post_to_orders_with_a_trailing_slash_creates_nothing(
    server: OrdoServer, api: Api
) -> None:
    promo = await user_and_promo(api)
    with redis_unchanged(server):
        response = await api.http.post("/orders/", json=promo)
    assert_rest_error(response.status_code, response.headers, response.json(), "ROUTE_NOT_FOUND")
    assert await counters(api, promo) == (5, 0, 0)


@pytest.mark.parametrize("path", [b"/orders/..%2F..", b"/orders/%2e%2e%2f%2e%2e", b"/orders/a%2Fb"])
async def test_an_encoded_slash_in_an_order_path_is_404(server: OrdoServer, path: bytes) -> None:
    sent = b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path
    answer = await asyncio.to_thread(exchange, server, sent)
    assert_rest_error(answer.status, answer.headers, answer.json(), "ROUTE_NOT_FOUND")


# --- a price of "-0": refused, on every money field --------------------------------------------


@pytest.mark.parametrize("price", ["-0", "-0.00", "-000.0"])
async def test_a_negative_zero_price_is_refused_on_create_and_nothing_is_written(
    server: OrdoServer, api: Api, price: str
) -> None:
    order_id = unique("o")
    items = [item(unique("i")), item(unique("i"), price=price)]
    with redis_unchanged(server):
        payload = await create(api, order_id, unique("e"), items)
    assert refused(payload) == ("INVALID_INPUT", 400, ["input", "items", "1", "price"])
    body = await api.graphql(ORDER, {"orderId": order_id})
    assert top_level_error(body, "order") == ("ORDER_NOT_FOUND", 404)


@pytest.mark.parametrize("price", ["-0", "-0.000000"])
async def test_a_negative_zero_price_is_refused_on_update_and_the_order_is_unchanged(
    server: OrdoServer, api: Api, price: str
) -> None:
    order_id = unique("o")
    made = ok(await create(api, order_id, unique("e"), [item(unique("i"), price="0")]))
    with redis_unchanged(server):
        payload = await update(api, order_id, addItems=[item(unique("i"), price=price)])
    assert refused(payload) == ("INVALID_INPUT", 400, ["input", "addItems", "0", "price"])
    assert await read(api, order_id) == made


async def test_a_zero_price_is_kept_as_given(api: Api) -> None:
    order = ok(await create(api, unique("o"), unique("e"), [item(unique("i"), price="0.00")]))
    assert [i["price"] for i in order["items"]] == ["0.00"]
    assert order["total"] == "0.00"


def test_the_head_limit_holds_in_every_worker(redis_server: RedisServer) -> None:
    """`--workers 2`: each connection may land on either worker; every one refuses."""
    made = OrdoServer(redis_server.url, workers=2)
    with running(made):
        for _ in range(8):
            answer = exchange(made, padded_head(b"GET /healthz HTTP/1.1", HEAD_LIMIT + 1))
            assert_431(answer)
            assert answer.json()["error"]["code"] == "HEADERS_TOO_LARGE"
            served = exchange(made, padded_head(b"GET /healthz HTTP/1.1", HEAD_LIMIT))
            assert (served.status, served.json()) == (200, {"status": "ok"})

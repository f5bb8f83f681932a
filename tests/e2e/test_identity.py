"""End-user identity (SPEC §9) over HTTP: a server verifying HS256 tokens, on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.e2e import helpers
from tests.e2e.conftest import Api
from tests.e2e.helpers import ORDER, ok, refused, top_level_error
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer, running, unique
from tests.tokens import JWT_ENV, bearer, hs256, refused_tokens


@pytest.fixture(scope="module")
def jwt_server(backend: str, redis_server: RedisServer) -> Iterator[OrdoServer]:
    made = OrdoServer(redis_server.url if backend == "redis" else None, env=JWT_ENV)
    with running(made):
        yield made


@pytest.fixture
async def api(jwt_server: OrdoServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=jwt_server.url, timeout=30) as http:
        yield Api(http)


async def ask(api: Api, document: str, variables: dict[str, Any], token: str | None) -> Any:
    headers = bearer(token) if token else {}
    return await api.graphql(document, variables, headers=headers)


async def payload(
    api: Api, name: str, document: str, variables: dict[str, Any], token: str | None
) -> dict[str, Any]:
    body = await ask(api, document, variables, token)
    assert "errors" not in body, body
    answered: dict[str, Any] = body["data"][name]
    return answered


async def create(api: Api, token: str | None, **given: str) -> dict[str, Any]:
    return await payload(api, "createOrder", CREATE, {"input": given}, token)


CREATE = helpers.order_mutation(
    "createOrder",
    "fragment F on Order { orderId ownerId promo { userId } }",
    input="CreateOrderInput",
)
READ = "query($orderId: ID!) { order(orderId: $orderId) { orderId ownerId status version } }"


def customer() -> tuple[str, str]:
    user_id = unique("u")
    return user_id, hs256(user_id)


SERVICE = hs256("billing", role="service")


async def known_customer_and_promo(api: Api, per_user: int = 5) -> tuple[str, str, str]:
    """A customer the store knows, its token, and a fresh promo."""
    user_id, token = customer()
    await helpers.create_user(api, user_id)
    return user_id, token, await helpers.create_promo(api, per_user=per_user)


# --- tokens ---------------------------------------------------------------------------------


def unauthenticated(response: httpx.Response, challenge: str) -> None:
    """Refused at the edge: 401, RFC 6750's challenge, SPEC §5's top-level error shape."""
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == challenge
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "status": 401}


# Would not parse, and would cost 2^30 steps to walk if it did: neither is reached.
UNPARSED = "{ order(orderId: $x) { ...F } } fragment F on Order { ...F ...F"


@pytest.mark.parametrize("document", [CREATE, READ, UNPARSED])
async def test_without_a_token_a_request_is_refused_before_its_document_is_read(
    api: Api, document: str
) -> None:
    body = {"query": document, "variables": {"input": {}, "orderId": unique("o")}}
    unauthenticated(await api.http.post("/graphql", json=body), "Bearer")
    get = await api.http.get("/graphql", params={"query": document})
    unauthenticated(get, "Bearer")


@pytest.mark.parametrize("kind", list(refused_tokens("u")))
async def test_a_token_that_is_not_valid_is_refused_before_its_document_is_read(
    api: Api, kind: str
) -> None:
    token = refused_tokens(unique("u"))[kind]
    for document in (CREATE, READ, UNPARSED):
        body = {"query": document, "variables": {"input": {}, "orderId": unique("o")}}
        response = await api.http.post("/graphql", json=body, headers=bearer(token))
        unauthenticated(response, 'Bearer error="invalid_token"')


async def test_graphiqls_page_loads_without_a_token(api: Api) -> None:
    page = await api.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


ADMIN_CALLERS = {
    "customer": (hs256("u1"), "FORBIDDEN"),
    "service": (SERVICE, "FORBIDDEN"),
    "admin role": (hs256("ops", role="admin"), None),
    "ORDO_ADMIN_TOKEN": (ADMIN_TOKEN, None),
}


@pytest.mark.parametrize("caller", ADMIN_CALLERS)
async def test_admin_operations_are_for_admin_tokens_only(api: Api, caller: str) -> None:
    token, refusal = ADMIN_CALLERS[caller]
    user_id = unique("u")
    made = await payload(api, "createUser", helpers.CREATE_USER, {"userId": user_id}, token)
    promo = await ask(api, helpers.PROMO, {"promoId": unique("p"), "userId": user_id}, token)
    if refusal is None:
        assert ok(made, "userId") == user_id
        assert top_level_error(promo, "promo") == ("PROMO_NOT_FOUND", 404)
    else:
        assert refused(made, "userId")[0] == refusal
        assert top_level_error(promo, "promo")[0] == refusal


# --- off by default -------------------------------------------------------------------------


async def test_without_jwt_configuration_orders_have_no_owner_and_tokens_are_not_needed(
    server: OrdoServer,
) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        plain = Api(http)
        order = ok(await create(plain, None))
        assert order["ownerId"] is None
        read = await ask(plain, ORDER, {"orderId": order["orderId"]}, hs256("u1"))
        assert read["data"]["order"]["orderId"] == order["orderId"]

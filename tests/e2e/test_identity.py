"""End-user identity (SPEC §9) over HTTP: a server verifying HS256 tokens, on each backend."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.e2e import helpers
from tests.e2e.conftest import Api
from tests.e2e.helpers import ORDER, ORDERS, item, ok, refused, rent, top_level_error
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


async def test_without_a_token_a_mutation_is_unauthenticated_as_data_and_a_query_top_level(
    api: Api,
) -> None:
    assert refused(await create(api, None))[:2] == ("UNAUTHENTICATED", 401)
    body = await ask(api, READ, {"orderId": unique("o")}, None)
    assert top_level_error(body, "order") == ("UNAUTHENTICATED", 401)


@pytest.mark.parametrize("kind", list(refused_tokens("u")))
async def test_a_token_that_is_not_valid_is_unauthenticated(api: Api, kind: str) -> None:
    user_id = unique("u")
    token = refused_tokens(user_id)[kind]
    assert refused(await create(api, token))[:2] == ("UNAUTHENTICATED", 401)
    body = await ask(api, READ, {"orderId": unique("o")}, token)
    assert top_level_error(body, "order") == ("UNAUTHENTICATED", 401)


async def test_a_valid_customer_token_creates_an_order_it_owns(api: Api) -> None:
    user_id, token = customer()
    order = ok(await create(api, token))
    assert order["ownerId"] == user_id
    assert order["promo"] is None


# --- acting for users -----------------------------------------------------------------------


async def test_a_customer_activating_a_promo_for_another_user_is_forbidden_and_reserves_nothing(
    api: Api,
) -> None:
    _, token, promo_id = await known_customer_and_promo(api)
    victim = await helpers.create_user(api)
    answer = await create(api, token, userId=victim, promoId=promo_id)
    assert refused(answer) == ("FORBIDDEN", 403, ["input", "userId"])
    activation = {"promoId": promo_id, "userId": victim}
    assert await helpers.counters(api, activation) == (5, 0, 0)


async def test_a_customer_omitting_user_id_activates_the_promo_for_itself(api: Api) -> None:
    user_id, token, promo_id = await known_customer_and_promo(api)
    order = ok(await create(api, token, promoId=promo_id))
    assert order["promo"] == {"userId": user_id} and order["ownerId"] == user_id
    again = ok(await create(api, token, userId=user_id, promoId=promo_id))
    assert again["promo"] == {"userId": user_id}
    assert await helpers.counters(api, {"promoId": promo_id, "userId": user_id}) == (5, 2, 0)


def with_items(order_id: str, entity_id: str, promo: dict[str, str] | None) -> dict[str, Any]:
    given = {"orderId": order_id, "entityId": entity_id, "type": rent(), "items": [item("a")]}
    return {"input": {**given, "promo": promo} if promo else given}


async def test_create_order_with_items_acts_only_for_the_customer_itself(api: Api) -> None:
    user_id, token, promo_id = await known_customer_and_promo(api)
    victim = await helpers.create_user(api)
    entity = unique("e")
    taken = with_items(unique("o"), entity, {"promoId": promo_id, "userId": victim})
    answer = await payload(api, "createOrderWithItems", helpers.CREATE, taken, token)
    assert refused(answer) == ("FORBIDDEN", 403, ["input", "promo", "userId"])
    own = with_items(unique("o"), entity, {"promoId": promo_id})
    order = ok(await payload(api, "createOrderWithItems", helpers.CREATE, own, token))
    assert order["promo"] == {"promoId": promo_id, "userId": user_id}
    assert await helpers.counters(api, {"promoId": promo_id, "userId": victim}) == (5, 1, 0)


async def test_a_service_acts_for_any_user_and_omitting_user_id_is_invalid(api: Api) -> None:
    user_id, token, promo_id = await known_customer_and_promo(api)
    order = ok(await create(api, SERVICE, userId=user_id, promoId=promo_id))
    assert order["ownerId"] is None and order["promo"] == {"userId": user_id}
    assert refused(await create(api, SERVICE, promoId=promo_id))[:2] == ("INVALID_INPUT", 400)
    # And reaches a customer's order.
    owned = ok(await create(api, token))
    done = await payload(
        api, "completeOrder", helpers.COMPLETE, {"orderId": owned["orderId"]}, SERVICE
    )
    assert ok(done)["status"] == "COMPLETED"


# --- other owners' orders -------------------------------------------------------------------


def without_ids(body: Any, *ids: str) -> str:
    text = str(body)
    for value in ids:
        text = text.replace(value, "<id>")
    return text


async def test_another_owners_order_reads_exactly_as_a_missing_one(api: Api) -> None:
    _, owner = customer()
    _, other = customer()
    order_id = ok(await create(api, owner))["orderId"]
    missing = unique("o")
    hidden = await ask(api, READ, {"orderId": order_id}, other)
    absent = await ask(api, READ, {"orderId": missing}, other)
    assert top_level_error(hidden, "order") == ("ORDER_NOT_FOUND", 404)
    assert without_ids(hidden, order_id) == without_ids(absent, missing)
    assert (await ask(api, READ, {"orderId": order_id}, owner))["data"]["order"]["status"] == "OPEN"


async def test_an_order_without_owner_is_hidden_from_customers(api: Api) -> None:
    order_id = ok(await create(api, SERVICE))["orderId"]
    _, token = customer()
    body = await ask(api, READ, {"orderId": order_id}, token)
    assert top_level_error(body, "order") == ("ORDER_NOT_FOUND", 404)


CHANGES = {
    "completeOrder": (helpers.COMPLETE, "ORDER_NOT_FOUND"),
    "cancelOrder": (helpers.CANCEL, "ORDER_NOT_FOUND"),
    "restoreOrder": (helpers.RESTORE, "ORDER_NOT_FOUND_FOR_RESTORE"),
}


@pytest.mark.parametrize("name", CHANGES)
async def test_changing_another_owners_order_is_refused_as_missing_and_changes_nothing(
    api: Api, name: str
) -> None:
    owner_id, owner, promo_id = await known_customer_and_promo(api)
    _, other = customer()
    order_id = ok(await create(api, owner, promoId=promo_id))["orderId"]
    document, code = CHANGES[name]
    answer = await payload(api, name, document, {"orderId": order_id}, other)
    missing = await payload(api, name, document, {"orderId": unique("o")}, other)
    assert refused(answer)[0] == code == refused(missing)[0]
    assert answer["errors"][0]["field"] == missing["errors"][0]["field"]
    read = (await ask(api, READ, {"orderId": order_id}, owner))["data"]["order"]
    assert (read["status"], read["version"]) == ("OPEN", 2)
    assert await helpers.counters(api, {"promoId": promo_id, "userId": owner_id}) == (5, 1, 0)


async def test_declining_or_updating_another_owners_order_changes_nothing(api: Api) -> None:
    _, owner = customer()
    _, other = customer()
    entity = unique("e")
    order_id = unique("o")
    ok(
        await payload(
            api, "createOrderWithItems", helpers.CREATE, with_items(order_id, entity, None), owner
        )
    )
    declined = await payload(api, "declineOrder", helpers.DECLINE, {"orderId": order_id}, other)
    assert declined == {"order": None, "errors": []}  # as for an unknown order (SPEC §3.2)
    change = {"input": {"orderId": order_id, "cancelItemIds": ["a"]}}
    updated = await payload(api, "updateOrder", helpers.UPDATE, change, other)
    assert refused(updated) == ("ORDER_NOT_FOUND", 404, ["input", "orderId"])
    read = (await ask(api, READ, {"orderId": order_id}, owner))["data"]["order"]
    assert (read["status"], read["version"]) == ("OPEN", 2)
    # The id is taken: another customer's create with it is a conflict, and answers nothing.
    again = with_items(order_id, entity, None)
    refusal = await payload(api, "createOrderWithItems", helpers.CREATE, again, other)
    assert refused(refusal) == ("ORDER_CONFLICT", 409, ["input", "orderId"])


async def test_a_customers_listing_shows_only_its_own_orders(api: Api) -> None:
    _, owner = customer()
    _, other = customer()
    entity = unique("e")
    mine, theirs, nobodys = unique("o"), unique("o"), unique("o")
    for order_id, token in ((mine, owner), (theirs, other), (nobodys, SERVICE)):
        made = with_items(order_id, entity, None)
        ok(await payload(api, "createOrderWithItems", helpers.CREATE, made, token))

    async def listed(token: str) -> set[str]:
        body = await ask(api, ORDERS, {"entityId": entity}, token)
        return {order["orderId"] for order in body["data"]["orders"]}

    assert await listed(owner) == {mine}
    assert await listed(other) == {theirs}
    assert await listed(SERVICE) == {mine, theirs, nobodys}


ENTITY_PAGE = """
query($entityId: ID!, $after: String) {
  entityOrders(entityId: $entityId, first: 2, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { orderId ownerId } }
  }
}"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Order { orderId ownerId status } } }"


def global_id(order_id: str) -> str:
    return base64.b64encode(f"Order:{order_id}".encode()).decode()


async def test_a_customers_entity_orders_pages_show_only_its_own_orders(api: Api) -> None:
    """entityOrders filters as `orders` does (access.may_see), page after page."""
    owner_id, owner = customer()
    _, other = customer()
    entity = unique("e")
    mine = [unique("o") for _ in range(3)]
    theirs, nobodys = unique("o"), unique("o")
    made = [(o, owner) for o in mine] + [(theirs, other), (nobodys, SERVICE)]
    for order_id, token in made:
        ok(
            await payload(
                api,
                "createOrderWithItems",
                helpers.CREATE,
                with_items(order_id, entity, None),
                token,
            )
        )

    async def walked(token: str) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        after = None
        while True:
            variables = {"entityId": entity, "after": after}
            page = await payload(api, "entityOrders", ENTITY_PAGE, variables, token)
            nodes += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return nodes
            after = page["pageInfo"]["endCursor"]

    seen = await walked(owner)
    assert sorted(node["orderId"] for node in seen) == sorted(mine)
    assert {node["ownerId"] for node in seen} == {owner_id}
    assert [node["orderId"] for node in await walked(other)] == [theirs]
    everyone = {node["orderId"] for node in await walked(SERVICE)}
    assert everyone == {*mine, theirs, nobodys}


async def test_node_of_another_owners_order_is_null_and_not_found_as_a_missing_one(
    api: Api,
) -> None:
    """node(id) applies `order`'s access rules: hidden reads exactly as missing."""
    owner_id, owner = customer()
    _, other = customer()
    order_id = ok(await create(api, owner))["orderId"]
    nobodys = ok(await create(api, SERVICE))["orderId"]
    missing = unique("o")
    hidden = await ask(api, NODE, {"id": global_id(order_id)}, other)
    absent = await ask(api, NODE, {"id": global_id(missing)}, other)
    assert hidden["data"] == {"node": None}
    assert top_level_error(hidden, "node") == ("ORDER_NOT_FOUND", 404)
    assert top_level_error(absent, "node") == ("ORDER_NOT_FOUND", 404)
    unowned = await ask(api, NODE, {"id": global_id(nobodys)}, other)
    assert unowned["data"] == {"node": None}
    assert top_level_error(unowned, "node") == ("ORDER_NOT_FOUND", 404)
    seen = await ask(api, NODE, {"id": global_id(order_id)}, owner)
    assert seen["data"]["node"] == {
        "id": global_id(order_id),
        "orderId": order_id,
        "ownerId": owner_id,
        "status": "OPEN",
    }
    by_service = await ask(api, NODE, {"id": global_id(order_id)}, SERVICE)
    assert by_service["data"]["node"]["orderId"] == order_id


async def test_an_idempotency_key_answers_only_the_customer_that_used_it(api: Api) -> None:
    _, owner = customer()
    _, other = customer()
    key = unique("k")
    first = ok(await create(api, owner, idempotencyKey=key))
    assert ok(await create(api, owner, idempotencyKey=key))["orderId"] == first["orderId"]
    answer = await create(api, other, idempotencyKey=key)
    assert refused(answer)[:2] == ("IDEMPOTENCY_KEY_REUSED", 409)


# --- admin operations -----------------------------------------------------------------------

ADMIN_CALLERS = {
    "customer": (hs256("u1"), "FORBIDDEN"),
    "service": (SERVICE, "FORBIDDEN"),
    "admin role": (hs256("ops", role="admin"), None),
    "ORDO_ADMIN_TOKEN": (ADMIN_TOKEN, None),
    "none": (None, "UNAUTHENTICATED"),
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

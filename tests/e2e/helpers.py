"""Shared pieces for the promo-order tests (seed 000): GraphQL documents, admin set-up, REST
calls, and small readers of payloads. One way of doing each thing; tests import from here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.e2e.conftest import Api
from tests.support import unique

# --- GraphQL documents ---------------------------------------------------------------------

ERROR_FIELDS = "errors { code status message field }"
ORDER_FIELDS = """
fragment PromoOrderFields on Order {
  orderId status entityId version createdAt updatedAt
  promo { promoId userId }
  events { id type at data }
}
"""
ORDER_PAYLOAD = f"{{ order {{ ...PromoOrderFields }} {ERROR_FIELDS} }}"
PROMO_FIELDS = "promoId count perUserCount lockedCount available startsAt endsAt"

CREATE_ORDER = f"""
mutation($input: CreateOrderInput) {{ createOrder(input: $input) {ORDER_PAYLOAD} }}
{ORDER_FIELDS}"""
CREATE_ORDER_WITHOUT_INPUT = f"mutation {{ createOrder {ORDER_PAYLOAD} }}\n{ORDER_FIELDS}"
COMPLETE_ORDER = f"""
mutation($orderId: ID!) {{ completeOrder(orderId: $orderId) {ORDER_PAYLOAD} }}
{ORDER_FIELDS}"""
CANCEL_ORDER = f"""
mutation($orderId: ID!) {{ cancelOrder(orderId: $orderId) {ORDER_PAYLOAD} }}
{ORDER_FIELDS}"""
DECLINE_ORDER = f"""
mutation($orderId: ID!) {{ declineOrder(orderId: $orderId) {ORDER_PAYLOAD} }}
{ORDER_FIELDS}"""
ORDER = (
    f"query($orderId: ID!) {{ order(orderId: $orderId) {{ ...PromoOrderFields }} }}\n{ORDER_FIELDS}"
)

CREATE_USER = (
    f"mutation($userId: ID!) {{ createUser(userId: $userId) {{ userId {ERROR_FIELDS} }} }}"
)
CREATE_PROMO = f"""
mutation($input: CreatePromoInput!) {{
  createPromo(input: $input) {{ promo {{ {PROMO_FIELDS} }} {ERROR_FIELDS} }}
}}"""
UPDATE_PROMO = f"""
mutation($input: UpdatePromoInput!) {{
  updatePromo(input: $input) {{ promo {{ {PROMO_FIELDS} }} {ERROR_FIELDS} }}
}}"""
PROMO = f"""
query($promoId: ID!, $userId: ID!) {{
  promo(promoId: $promoId) {{ {PROMO_FIELDS} used(userId: $userId) }}
}}"""

CLOSE = {"success": ("completeOrder", COMPLETE_ORDER), "cancel": ("cancelOrder", CANCEL_ORDER)}

# --- payload readers -----------------------------------------------------------------------


def ok(payload: dict[str, Any], name: str = "order") -> Any:
    """The result of a mutation that succeeded (its `order`, `promo` or `userId`)."""
    assert payload["errors"] == [], payload
    assert payload[name] is not None, payload
    return payload[name]


def refused(payload: dict[str, Any], name: str = "order") -> tuple[str, int, list[str] | None]:
    """The one error of a refused mutation, as (code, status, field)."""
    assert payload[name] is None, payload
    assert len(payload["errors"]) == 1, payload
    error = payload["errors"][0]
    assert error["message"], payload
    return error["code"], error["status"], error["field"]


def top_level_error(body: dict[str, Any], name: str) -> tuple[str, int]:
    """A query's failure: its field is null and one top-level error carries {code, status}."""
    assert body["data"] == {name: None} or body["data"] is None, body
    assert len(body["errors"]) == 1, body
    extensions = body["errors"][0]["extensions"]
    return extensions["code"], extensions["status"]


def event_types(order: dict[str, Any]) -> list[str]:
    return [event["type"] for event in order["events"]]


def instant(delta: timedelta = timedelta(0)) -> str:
    """Now (the test machine's clock, which Redis shares) plus delta, as a GraphQL DateTime."""
    return (datetime.now(UTC) + delta).isoformat()


def parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# --- admin set-up --------------------------------------------------------------------------


async def create_user(api: Api, user_id: str | None = None) -> str:
    made = await api.mutate(
        "createUser", CREATE_USER, {"userId": user_id or unique("u")}, admin=True
    )
    user: str = ok(made, "userId")
    return user


async def create_promo(
    api: Api, count: int = 5, per_user: int = 5, promo_id: str | None = None, **window: str | None
) -> str:
    """A promo (fresh unless `promo_id` is given); `window` may hold startsAt / endsAt."""
    given = {"promoId": promo_id or unique("p"), "count": count, "perUserCount": per_user, **window}
    made = await api.mutate("createPromo", CREATE_PROMO, {"input": given}, admin=True)
    promo_id: str = ok(made, "promo")["promoId"]
    return promo_id


async def user_and_promo(
    api: Api, count: int = 5, per_user: int = 5, **window: str | None
) -> dict[str, str]:
    """A fresh known user and a fresh promo, as createOrder input fields."""
    user_id = await create_user(api)
    return {"userId": user_id, "promoId": await create_promo(api, count, per_user, **window)}


async def update_promo(api: Api, promo_id: str, **fields: Any) -> dict[str, Any]:
    """The updatePromo payload."""
    return await api.mutate(
        "updatePromo", UPDATE_PROMO, {"input": {"promoId": promo_id, **fields}}, admin=True
    )


async def promo_state(api: Api, promo: dict[str, str]) -> dict[str, Any]:
    """The promo's fields and counters, with `used` for promo["userId"]."""
    body = await api.graphql(
        PROMO, {"promoId": promo["promoId"], "userId": promo["userId"]}, admin=True
    )
    assert "errors" not in body, body
    state: dict[str, Any] = body["data"]["promo"]
    return state


async def counters(api: Api, promo: dict[str, str]) -> tuple[int, int, int]:
    """(count, lockedCount, used by promo["userId"])."""
    state = await promo_state(api, promo)
    return state["count"], state["lockedCount"], state["used"]


# --- orders over GraphQL -------------------------------------------------------------------


async def create_order(api: Api, **given: str) -> dict[str, Any]:
    """The createOrder payload for input `given` (userId, promoId, idempotencyKey)."""
    return await api.mutate("createOrder", CREATE_ORDER, {"input": given})


async def open_order(api: Api, **given: str) -> dict[str, Any]:
    order: dict[str, Any] = ok(await create_order(api, **given))
    return order


async def close(api: Api, order_id: str, new_status: str) -> dict[str, Any]:
    """The completeOrder ("success") or cancelOrder ("cancel") payload."""
    name, document = CLOSE[new_status]
    return await api.mutate(name, document, {"orderId": order_id})


async def read_order(api: Api, order_id: str) -> dict[str, Any]:
    body = await api.graphql(ORDER, {"orderId": order_id})
    assert "errors" not in body, body
    order: dict[str, Any] = body["data"]["order"]
    return order


# --- orders over REST ----------------------------------------------------------------------


async def rest_create(api: Api, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return await api.http.post("/orders", json=body, headers=headers)


async def rest_close(api: Api, order_id: str, new_status: Any) -> httpx.Response:
    return await api.http.post(f"/orders/{order_id}", json={"new status": new_status})


async def rest_status(api: Api, order_id: str) -> str:
    read = await api.http.get(f"/orders/{order_id}")
    assert read.status_code == 200, read.text
    status: str = read.json()["status"]
    return status


def rest_error(response: httpx.Response, status: int) -> str:
    """The code of a REST error response, after checking its status and exact body shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"] and sorted(body["error"]) == ["code", "message"], body
    assert body["error"]["message"], body
    code: str = body["error"]["code"]
    return code

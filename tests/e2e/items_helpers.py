"""Shared pieces for the orders-with-items tests (seed 003): GraphQL documents, input builders
for GraphQL variables and for resolvers, and small readers of payloads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.order import Order
from resolvers.keys import events_key, promo_keys
from resolvers.orders import locate
from resolvers.replies import events_from_entries, order_from_entries
from resolvers.store import Store
from tests.e2e.conftest import Api
from tests.support import unique

ORDER_FIELDS = """
fragment OrderFields on Order {
  orderId status entityId version total
  type {
    __typename
    ... on RentPayment { paymentDate term }
    ... on SecurityDeposit { refundDate }
  }
  items { orderItemId serviceId price periodStartDate periodEndDate }
  cancelledItems { orderItemId serviceId price periodStartDate periodEndDate }
  promo { promoId userId }
  events { id type data }
}
"""
PAYLOAD = "{ order { ...OrderFields } errors { code status message field } }"

CREATE = f"""
mutation($input: CreateOrderWithItemsInput!) {{ createOrderWithItems(input: $input) {PAYLOAD} }}
{ORDER_FIELDS}"""
UPDATE = f"""
mutation($input: UpdateOrderInput!) {{ updateOrder(input: $input) {PAYLOAD} }}
{ORDER_FIELDS}"""
CREATE_PLAIN = f"""
mutation($input: CreateOrderInput) {{ createOrder(input: $input) {PAYLOAD} }}
{ORDER_FIELDS}"""


def _by_id(name: str) -> str:
    return f"""
mutation($orderId: ID!) {{ {name}(orderId: $orderId) {PAYLOAD} }}
{ORDER_FIELDS}"""


DECLINE, RESTORE = _by_id("declineOrder"), _by_id("restoreOrder")
COMPLETE, CANCEL = _by_id("completeOrder"), _by_id("cancelOrder")
ORDER = f"query($orderId: ID!) {{ order(orderId: $orderId) {{ ...OrderFields }} }}\n{ORDER_FIELDS}"
ORDERS = f"""
query($entityId: ID!, $includeDeclined: Boolean) {{
  orders(entityId: $entityId, includeDeclined: $includeDeclined) {{ ...OrderFields }}
}}
{ORDER_FIELDS}"""
CREATE_USER = "mutation($userId: ID!) { createUser(userId: $userId) { userId errors { code } } }"
UPDATE_PROMO = """
mutation($input: UpdatePromoInput!) {
  updatePromo(input: $input) { promo { promoId } errors { code status field } }
}"""
CREATE_PROMO = """
mutation($input: CreatePromoInput!) {
  createPromo(input: $input) { promo { promoId } errors { code } }
}"""
PROMO = """
query($promoId: ID!, $userId: ID!) {
  promo(promoId: $promoId) { count lockedCount available used(userId: $userId) }
}"""

RENT = {"rentPayment": {"paymentDate": "2026-02-01", "term": "FULL"}}
DEPOSIT = {"securityDeposit": {"refundDate": "2026-12-31"}}


def item(
    item_id: str,
    price: str = "100.00",
    start: str = "2026-01-01",
    end: str | None = None,
    service: str = "svc-rent",
) -> dict[str, Any]:
    """An OrderItemInput as GraphQL variables."""
    return {
        "orderItemId": item_id,
        "serviceId": service,
        "price": price,
        "periodStartDate": start,
        "periodEndDate": end,
    }


def rent(payment_date: str = "2026-02-01", term: str = "FULL") -> dict[str, Any]:
    return {"rentPayment": {"paymentDate": payment_date, "term": term}}


async def create(
    api: Api,
    order_id: str,
    entity_id: str,
    items: list[dict[str, Any]],
    type_: dict[str, Any] | None = None,
    promo: dict[str, str] | None = None,
) -> dict[str, Any]:
    given = {"orderId": order_id, "entityId": entity_id, "type": type_ or RENT, "items": items}
    if promo:
        given["promo"] = promo
    return await api.mutate("createOrderWithItems", CREATE, {"input": given})


async def update(api: Api, order_id: str, **fields: Any) -> dict[str, Any]:
    return await api.mutate("updateOrder", UPDATE, {"input": {"orderId": order_id, **fields}})


async def decline(api: Api, order_id: str) -> dict[str, Any]:
    return await api.mutate("declineOrder", DECLINE, {"orderId": order_id})


async def restore(api: Api, order_id: str) -> dict[str, Any]:
    return await api.mutate("restoreOrder", RESTORE, {"orderId": order_id})


async def complete(api: Api, order_id: str) -> dict[str, Any]:
    return await api.mutate("completeOrder", COMPLETE, {"orderId": order_id})


async def cancel(api: Api, order_id: str) -> dict[str, Any]:
    return await api.mutate("cancelOrder", CANCEL, {"orderId": order_id})


async def create_plain(api: Api, given: dict[str, str] | None = None) -> dict[str, Any]:
    return ok(await api.mutate("createOrder", CREATE_PLAIN, {"input": given or {}}))


async def read(api: Api, order_id: str) -> dict[str, Any]:
    body = await api.graphql(ORDER, {"orderId": order_id})
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["order"]
    return found


async def listed(api: Api, entity_id: str, include_declined: bool | None = None) -> list[str]:
    """The ids orders(entityId) answers, in its order."""
    variables: dict[str, Any] = {"entityId": entity_id}
    if include_declined is not None:
        variables["includeDeclined"] = include_declined
    body = await api.graphql(ORDERS, variables)
    assert "errors" not in body, body
    return [order["orderId"] for order in body["data"]["orders"]]


async def opened(
    api: Api, items: list[dict[str, Any]] | None = None, **options: Any
) -> dict[str, Any]:
    """A fresh OPEN order with items, under a fresh entity."""
    given = [item("a")] if items is None else items
    return ok(await create(api, unique("o"), unique("e"), given, **options))


async def new_promo(api: Api, count: int = 5, per_user: int = 5) -> dict[str, str]:
    """A fresh known user and a fresh promo: a PromoInput for them."""
    user_id, promo_id = unique("u"), unique("p")
    made = await api.mutate("createUser", CREATE_USER, {"userId": user_id}, admin=True)
    assert made["errors"] == [], made
    promo = {"promoId": promo_id, "count": count, "perUserCount": per_user}
    made = await api.mutate("createPromo", CREATE_PROMO, {"input": promo}, admin=True)
    assert made["errors"] == [], made
    return {"promoId": promo_id, "userId": user_id}


async def update_promo(api: Api, promo_id: str, **fields: Any) -> dict[str, Any]:
    """The updatePromo payload (admin)."""
    variables = {"input": {"promoId": promo_id, **fields}}
    return await api.mutate("updatePromo", UPDATE_PROMO, variables, admin=True)


async def promo_state(api: Api, promo: dict[str, str]) -> dict[str, int]:
    body = await api.graphql(PROMO, promo, admin=True)
    assert "errors" not in body, body
    state: dict[str, int] = body["data"]["promo"]
    return state


def ok(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["errors"] == [], payload
    order: dict[str, Any] = payload["order"]
    return order


def error(payload: dict[str, Any]) -> tuple[str, int]:
    """The one error of a refused mutation, as (code, status)."""
    assert payload["order"] is None, payload
    assert len(payload["errors"]) == 1, payload
    return payload["errors"][0]["code"], payload["errors"][0]["status"]


def field(payload: dict[str, Any]) -> list[str] | None:
    found: list[str] | None = payload["errors"][0]["field"]
    return found


def types(order: dict[str, Any]) -> list[str]:
    return [event["type"] for event in order["events"]]


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [entry["orderItemId"] for entry in items]


# Inputs for calling resolvers directly (integration tests): the shapes domain.commands names.


@dataclass
class RawItemIn:
    order_item_id: str
    service_id: str = "svc-rent"
    price: str = "100.00"
    period_start_date: str = "2026-01-01"
    period_end_date: str | None = None


@dataclass
class RawRentIn:
    payment_date: str = "2026-02-01"
    term: str = "FULL"


@dataclass
class RawDepositIn:
    refund_date: str | None = None


@dataclass
class RawTypeIn:
    rent_payment: RawRentIn | None = None
    security_deposit: RawDepositIn | None = None


RAW_RENT = RawTypeIn(rent_payment=RawRentIn())


# Straight reads from Redis (integration tests): what the scripts wrote, not what resolvers say.


def _pairs(raw: Any) -> dict[str, str]:
    """A HGETALL reply as a dict (a flat list on some clients, a dict on others)."""
    return raw if isinstance(raw, dict) else dict(zip(raw[::2], raw[1::2], strict=True))


async def _entries(store: Store, order_id: str) -> Any:
    return await store.read("XRANGE", events_key(await locate(store, order_id), order_id), "-", "+")


async def stream(store: Store, order_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The order's stream entries at its recorded home, as (type, data)."""
    return [
        (event.type.value, event.data)
        for event in events_from_entries(await _entries(store, order_id))
    ]


async def folded(store: Store, order_id: str) -> Order | None:
    """The order its stream folds to (None without events), read straight from Redis."""
    return order_from_entries(order_id, await _entries(store, order_id))


async def promo_counters(store: Store, promo_id: str) -> dict[str, Any]:
    """count, perUserCount, lockedCount; used and open per user; the open orders' ids."""
    promo, used, open_, open_orders = promo_keys(promo_id)
    values = _pairs(await store.read("HGETALL", promo))
    return {
        **{name: int(values[name]) for name in ("count", "perUserCount", "lockedCount")},
        "used": {user: int(n) for user, n in _pairs(await store.read("HGETALL", used)).items()},
        "open": {user: int(n) for user, n in _pairs(await store.read("HGETALL", open_)).items()},
        "openOrders": sorted(await store.read("ZRANGE", open_orders, 0, -1)),
    }

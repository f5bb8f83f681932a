"""Shared pieces of the e2e tests (and the integration tests' inputs and Redis reads): GraphQL
documents for promo orders (seed 000) and orders with items (seed 003), admin set-up, REST calls,
input builders and small readers of payloads. One way of doing each thing; tests import from
here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from domain.order import Order
from resolvers.orders import locate
from store import Store
from store.keys import events_key, promo_keys
from store.replies import events_from_entries, order_from_entries
from testing.documents import (  # noqa: F401 (the tests import them from here)
    CANCEL,
    CANCEL_ORDER,
    CLOSE,
    COMPLETE,
    COMPLETE_ORDER,
    CREATE,
    CREATE_ORDER,
    CREATE_ORDER_WITHOUT_INPUT,
    CREATE_PLAIN,
    CREATE_PROMO,
    CREATE_USER,
    DECLINE,
    DECLINE_ORDER,
    ERROR_FIELDS,
    ORDER,
    ORDER_FIELDS,
    ORDERS,
    PROMO,
    PROMO_FIELDS,
    PROMO_ORDER,
    PROMO_ORDER_FIELDS,
    RESTORE,
    UPDATE,
    UPDATE_PROMO,
    order_mutation,
    order_query,
)
from tests.e2e.conftest import Api
from tests.support import unique

# The spec, and its GraphQL contract (SPEC §5 as SDL).
SPEC = Path(__file__).resolve().parents[2] / "docs" / "spec.md"
CONTRACT = SPEC.with_name("contract.graphql")

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
    """The order with the promo-order fields."""
    body = await api.graphql(PROMO_ORDER, {"orderId": order_id})
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


# --- orders with items over GraphQL ---------------------------------------------------------


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
    """An OrderTypeInput for a rent payment, as GraphQL variables."""
    return {"rentPayment": {"paymentDate": payment_date, "term": term}}


RENT = rent()
DEPOSIT = {"securityDeposit": {"refundDate": "2026-12-31"}}


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
    """The order with the orders-with-items fields."""
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
        for event in events_from_entries(order_id, await _entries(store, order_id))
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

"""The legacy REST routes of seed 000 (SPEC §6), on the same resolvers as GraphQL.

Each endpoint's docstring is its OpenAPI operation (read by Starlette's SchemaGenerator).
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse as StarletteJSONResponse
from starlette.routing import BaseRoute, Route

from domain import access
from domain.errors import ErrorCode, OrdoError
from domain.order import Order, OrderStatus
from domain.validation import invalid
from ordo.headers import media_type
from ordo.json_input import Unreadable, read_json
from resolvers import orders
from store import Store


class JSONResponse(StarletteJSONResponse):
    """The same compact UTF-8 JSON as Starlette's, rendered by orjson (a few µs less)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


LEGACY_STATUS = {
    OrderStatus.OPEN: "in progress",
    OrderStatus.COMPLETED: "success",
    OrderStatus.CANCELLED: "cancel",
    OrderStatus.DECLINED: "declined",
}
CLOSE = {"success": orders.complete_order, "cancel": orders.cancel_order}


async def json_body(request: Request, allowed: set[str]) -> dict[str, Any]:
    """The body as a JSON object of string fields; anything else is refused, naming why."""
    if media_type(request.scope) != "application/json":
        raise OrdoError(ErrorCode.UNSUPPORTED_MEDIA_TYPE)
    try:
        body = read_json(await request.body())  # GraphQL's reader too (SPEC §7)
    except Unreadable as error:
        raise invalid(["body"], f"the body is not valid JSON: {error}") from error
    if not isinstance(body, dict):
        raise invalid(["body"], "the body must be a JSON object")
    for name, value in body.items():
        if name not in allowed:
            raise invalid([name], f"unknown field {name!r}; expected {sorted(allowed)}")
        if not isinstance(value, str):
            raise invalid([name], f"{name!r} must be a string")
    return body


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def _require_service(request: Request) -> None:
    """Behind ORDO_REST_REQUIRE_SERVICE_TOKEN only a backend's bearer (a service or admin JWT,
    or ORDO_ADMIN_TOKEN) is answered; without it, these routes trust their network (SPEC §9)."""
    if not request.app.state.settings.rest_require_service_token:
        return
    authorization = request.headers.get("authorization")
    caller = await request.app.state.authenticator.caller(authorization)
    if isinstance(caller, OrdoError):
        raise caller
    access.require_service(caller)


async def create_order(request: Request) -> JSONResponse:
    """
    summary: Create an order, activating a promo code when userId and promoId are given
    parameters:
      - name: Idempotency-Key
        in: header
        required: false
        schema: {$ref: '#/components/schemas/Id'}
    requestBody:
      required: true
      content:
        application/json:
          schema: {$ref: '#/components/schemas/CreateOrder'}
    responses:
      200:
        description: The order was created
        content:
          application/json:
            schema: {$ref: '#/components/schemas/OrderCreated'}
      400: {$ref: '#/components/responses/Error'}
      401: {$ref: '#/components/responses/Error'}
      403: {$ref: '#/components/responses/Error'}
      404: {$ref: '#/components/responses/Error'}
      409: {$ref: '#/components/responses/Error'}
      413: {$ref: '#/components/responses/Error'}
      415: {$ref: '#/components/responses/Error'}
      503: {$ref: '#/components/responses/Error'}
    """
    await _require_service(request)
    body = await json_body(request, {"userId", "promoId"})
    order_id = await orders.create_order_id(
        _store(request),
        body.get("userId"),
        body.get("promoId"),
        request.headers.get("idempotency-key"),
    )
    return JSONResponse({"orderId": order_id})


def legacy_view(order: Order) -> dict[str, str]:
    view = {"status": LEGACY_STATUS[order.status]}
    if order.promo:
        view = {"promoId": order.promo.promo_id, "userId": order.promo.user_id, **view}
    return view


async def get_order(request: Request) -> JSONResponse:
    """
    summary: An order's status, with its promo activation if it has one
    parameters:
      - {name: order_id, in: path, required: true, schema: {$ref: '#/components/schemas/Id'}}
    responses:
      200:
        description: The order
        content:
          application/json:
            schema: {$ref: '#/components/schemas/LegacyOrder'}
      400: {$ref: '#/components/responses/Error'}
      401: {$ref: '#/components/responses/Error'}
      403: {$ref: '#/components/responses/Error'}
      404: {$ref: '#/components/responses/Error'}
      503: {$ref: '#/components/responses/Error'}
    """
    await _require_service(request)
    order = await orders.get_order(_store(request), request.path_params["order_id"])
    return JSONResponse(legacy_view(order))


async def close_order(request: Request) -> JSONResponse:
    """
    summary: Close an order with "success" (redeems its promo) or "cancel" (releases it)
    parameters:
      - {name: order_id, in: path, required: true, schema: {$ref: '#/components/schemas/Id'}}
    requestBody:
      required: true
      content:
        application/json:
          schema: {$ref: '#/components/schemas/NewStatus'}
    responses:
      200:
        description: The order is closed
        content:
          application/json:
            schema: {$ref: '#/components/schemas/StatusOK'}
      400: {$ref: '#/components/responses/Error'}
      401: {$ref: '#/components/responses/Error'}
      403: {$ref: '#/components/responses/Error'}
      404: {$ref: '#/components/responses/Error'}
      409: {$ref: '#/components/responses/Error'}
      413: {$ref: '#/components/responses/Error'}
      415: {$ref: '#/components/responses/Error'}
      503: {$ref: '#/components/responses/Error'}
    """
    await _require_service(request)
    body = await json_body(request, {"new status"})
    new_status = body.get("new status")
    if new_status not in CLOSE:
        raise invalid(["new status"], '"new status" must be "success" or "cancel"')
    await CLOSE[new_status](_store(request), request.path_params["order_id"])
    return JSONResponse({"status": "OK"})


routes: list[BaseRoute] = [
    Route("/orders", create_order, methods=["POST"]),
    Route("/orders/{order_id}", get_order, methods=["GET"]),
    Route("/orders/{order_id}", close_order, methods=["POST"]),
]

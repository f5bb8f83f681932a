"""ordo.v1.OrderService: each method calls the operation GraphQL and REST call (resolvers/,
feed/subscriptions.py) and answers its result as the proto's message; ordo/rpc/calls.py does
what every call needs (identity, limits, errors, metrics, the log line)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from domain import access
from domain.access import Caller
from feed import subscriptions
from feed.live import Hub
from ordo.rpc import messages as m
from ordo.rpc.calls import Calls, streaming, unary
from ordo.v1 import order_service_pb2 as api
from resolvers import entity_orders, orders, pages
from store import Store

# GetOrders' arguments, as entityOrders' operation names them.
PAGE_FIELDS = {"first": "page_size", "after": "page_token"}
DEFAULT_PAGE_SIZE = 20  # entityOrders' `first`
# A resolver names a subscription's target by GraphQL's argument; the proto's is the same.


class OrderService:
    def __init__(self, store: Store, hub: Hub, calls: Calls, feed_retention: float) -> None:
        self.store = store
        self.hub = hub
        self.calls = calls
        self.feed_retention = feed_retention

    @unary("CreateOrder")
    async def CreateOrder(
        self, request: api.CreateOrderRequest, caller: Caller
    ) -> api.CreateOrderResponse:
        order = await orders.create_order(
            self.store,
            m.optional(request, "user_id"),
            m.optional(request, "promo_id"),
            m.optional(request, "idempotency_key"),
            caller,
        )
        return api.CreateOrderResponse(order=m.order_message(order))

    @unary("CompleteOrder")
    async def CompleteOrder(
        self, request: api.CompleteOrderRequest, caller: Caller
    ) -> api.CompleteOrderResponse:
        order = await orders.complete_order(self.store, request.order_id, caller)
        return api.CompleteOrderResponse(order=m.order_message(order))

    @unary("CancelOrder")
    async def CancelOrder(
        self, request: api.CancelOrderRequest, caller: Caller
    ) -> api.CancelOrderResponse:
        order = await orders.cancel_order(self.store, request.order_id, caller)
        return api.CancelOrderResponse(order=m.order_message(order))

    @unary("CreateOrderWithItems")
    async def CreateOrderWithItems(
        self, request: api.CreateOrderWithItemsRequest, caller: Caller
    ) -> api.CreateOrderWithItemsResponse:
        order = await entity_orders.create_order_with_items(
            self.store,
            request.order_id,
            request.entity_id,
            m.type_of(request.type),
            m.items_of(request.items),
            m.promo_of(request.promo) if request.HasField("promo") else None,
            caller,
        )
        return api.CreateOrderWithItemsResponse(order=m.order_message(order))

    @unary("UpdateOrder")
    async def UpdateOrder(
        self, request: api.UpdateOrderRequest, caller: Caller
    ) -> api.UpdateOrderResponse:
        order = await entity_orders.update_order(
            self.store,
            request.order_id,
            m.type_of(request.type) if request.HasField("type") else None,
            list(request.cancel_item_ids),
            m.items_of(request.add_items),
            m.optional(request, "expected_version"),
            caller,
        )
        return api.UpdateOrderResponse(order=m.order_message(order))

    @unary("DeclineOrder")
    async def DeclineOrder(
        self, request: api.DeclineOrderRequest, caller: Caller
    ) -> api.DeclineOrderResponse:
        order = await entity_orders.decline_order(self.store, request.order_id, caller)
        if order is None:
            return api.DeclineOrderResponse()
        return api.DeclineOrderResponse(order=m.order_message(order))

    @unary("RestoreOrder")
    async def RestoreOrder(
        self, request: api.RestoreOrderRequest, caller: Caller
    ) -> api.RestoreOrderResponse:
        order = await entity_orders.restore_order(self.store, request.order_id, caller)
        return api.RestoreOrderResponse(order=m.order_message(order))

    @unary("GetOrder")
    async def GetOrder(self, request: api.GetOrderRequest, caller: Caller) -> api.GetOrderResponse:
        order = await orders.get_order(self.store, request.order_id, caller)
        full = request.view == api.ORDER_VIEW_FULL
        return api.GetOrderResponse(order=m.order_message(order, events=full))

    @unary("GetOrders", renamed=PAGE_FIELDS)
    async def GetOrders(
        self, request: api.GetOrdersRequest, caller: Caller
    ) -> api.GetOrdersResponse:
        page = await pages.list_page(
            self.store,
            request.entity_id,
            request.page_size or DEFAULT_PAGE_SIZE,
            request.page_token or None,
            request.include_declined,
            keep=lambda order: access.may_see(caller, order.owner_id),  # as entityOrders
        )
        return api.GetOrdersResponse(
            orders=[m.order_message(edge.order) for edge in page.edges],
            next_page_token=page.end_cursor or "" if page.has_next_page else "",
            total_size=page.total_count,
        )

    @streaming("WatchOrderEvents")
    async def WatchOrderEvents(
        self, request: api.WatchOrderEventsRequest, caller: Caller
    ) -> AsyncIterator[api.WatchOrderEventsResponse]:
        after = m.optional(request, "after")
        if request.WhichOneof("target") == "entity_id":
            async for item in subscriptions.entity_order_events(
                self.store, self.hub, request.entity_id, after, caller, self.feed_retention
            ):
                yield api.WatchOrderEventsResponse(
                    event=m.event_message(item.sent.event),
                    cursor=item.cursor,
                    order=m.order_message(item.order),
                )
            return
        async for sent in subscriptions.order_events(
            self.store, self.hub, request.order_id, after, caller
        ):
            yield api.WatchOrderEventsResponse(
                event=m.event_message(sent.event), cursor=sent.event.id
            )

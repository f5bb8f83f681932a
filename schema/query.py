"""Root queries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain import access
from resolvers import entity_orders, orders, pages, promos
from schema.connections import OrderConnection
from schema.context import Context
from schema.errors import answer
from schema.node import Node, order_id_of
from schema.types import Order, Promo


@strawberry.type(description="Reads.")
class Query:
    @strawberry.field(description="An order, built from its events. Unknown: null and an error.")
    async def order(self, info: Info[Context, None], order_id: strawberry.ID) -> Order | None:
        context = info.context
        found = await answer(lambda: orders.get_order(context.store, order_id, context.who()))
        return Order.from_domain(found)

    @strawberry.field(
        description="The entity's orders, by earliest active period start; declined hidden."
    )
    async def orders(
        self,
        info: Info[Context, None],
        entity_id: strawberry.ID,
        include_declined: bool | None = False,
    ) -> list[Order]:
        context, declined = info.context, bool(include_declined)
        found = await answer(
            lambda: entity_orders.list_orders(context.store, entity_id, declined, context.who())
        )
        return [Order.from_domain(order) for order in found]

    @strawberry.field(
        description="A page of the entity's orders in the order of `orders`, over a snapshot: "
        "no order repeats or goes missing across pages while others change. first: 1-100."
    )
    async def entity_orders(
        self,
        info: Info[Context, None],
        entity_id: strawberry.ID,
        first: int | None = 20,
        after: str | None = None,
        include_declined: bool | None = False,
    ) -> OrderConnection:
        async def call() -> pages.Page:
            context = info.context
            caller = context.who()
            return await pages.list_page(
                context.store,
                entity_id,
                first,
                after,
                bool(include_declined),
                keep=lambda order: access.may_see(caller, order.owner_id),  # as `orders`
            )

        return OrderConnection.from_page(await answer(call))

    @strawberry.field(description="An object by its global id (Relay). Unknown: null and an error.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        async def call() -> Order:
            order_id = order_id_of(id)
            context = info.context
            return Order.from_domain(await orders.get_order(context.store, order_id, context.who()))

        return await answer(call)

    @strawberry.field(description="A promo code with its counters (admin).")
    async def promo(self, info: Info[Context, None], promo_id: strawberry.ID) -> Promo | None:
        async def call() -> Promo:
            info.context.require_admin()
            return Promo.from_domain(await promos.get_promo(info.context.store, promo_id))

        return await answer(call)

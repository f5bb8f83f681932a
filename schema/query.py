"""Root queries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers import entity_orders, orders, promos
from schema.context import Context
from schema.errors import answer
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

    @strawberry.field(description="A promo code with its counters (admin).")
    async def promo(self, info: Info[Context, None], promo_id: strawberry.ID) -> Promo | None:
        async def call() -> Promo:
            info.context.require_admin()
            return Promo.from_domain(await promos.get_promo(info.context.store, promo_id))

        return await answer(call)

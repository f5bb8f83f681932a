"""Root mutations: each calls one resolver and reports expected failures in its payload."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from domain import order as model
from domain.errors import OrdoError
from domain.promo import Promo as DomainPromo
from domain.validation import parse_datetime
from resolvers import entity_orders, orders, promos, users
from resolvers.promos import KEEP, Keep
from schema.context import Context
from schema.errors import attempt
from schema.inputs import (
    CreateOrderInput,
    CreateOrderWithItemsInput,
    CreatePromoInput,
    UpdateOrderInput,
    UpdatePromoInput,
)
from schema.types import Order, OrderPayload, Promo, PromoPayload, UserError, UserPayload

AnInfo = Info[Context, None]


def order_payload(result: model.Order | OrdoError) -> OrderPayload:
    if isinstance(result, OrdoError):
        return OrderPayload(order=None, errors=[UserError.from_domain(result)])
    return OrderPayload(order=Order.from_domain(result), errors=[])


def promo_payload(result: DomainPromo | OrdoError) -> PromoPayload:
    if isinstance(result, OrdoError):
        return PromoPayload(promo=None, errors=[UserError.from_domain(result)])
    return PromoPayload(promo=Promo.from_domain(result), errors=[])


def _instant(value: object, name: str) -> datetime | Keep | None:
    if value is strawberry.UNSET:
        return KEEP
    return None if value is None else parse_datetime(value, ["input", name])


@strawberry.type(description="Changes to promo orders and promo codes.")
class PromoMutation:
    @strawberry.mutation(description="Open an order; with userId and promoId, reserve the promo.")
    async def create_order(
        self, info: AnInfo, input: CreateOrderInput | None = None
    ) -> OrderPayload:
        given = input or CreateOrderInput()
        return order_payload(
            await attempt(
                lambda: orders.create_order(
                    info.context.store,
                    given.user_id,
                    given.promo_id,
                    given.idempotency_key,
                    info.context.who(),
                )
            )
        )

    @strawberry.mutation(description="Close an OPEN order with success: redeems its promo.")
    async def complete_order(self, info: AnInfo, order_id: strawberry.ID) -> OrderPayload:
        return order_payload(
            await attempt(
                lambda: orders.complete_order(info.context.store, order_id, info.context.who())
            )
        )

    @strawberry.mutation(description="Close an OPEN order for good: releases its promo.")
    async def cancel_order(self, info: AnInfo, order_id: strawberry.ID) -> OrderPayload:
        return order_payload(
            await attempt(
                lambda: orders.cancel_order(info.context.store, order_id, info.context.who())
            )
        )

    @strawberry.mutation(description="Make a user known (admin). An existing user: no change.")
    async def create_user(self, info: AnInfo, user_id: strawberry.ID) -> UserPayload:
        async def call() -> str:
            info.context.require_admin()
            return await users.create_user(info.context.store, user_id)

        result = await attempt(call)
        if isinstance(result, OrdoError):
            return UserPayload(user_id=None, errors=[UserError.from_domain(result)])
        return UserPayload(user_id=strawberry.ID(result), errors=[])

    @strawberry.mutation(description="Create a promo code (admin).")
    async def create_promo(self, info: AnInfo, input: CreatePromoInput) -> PromoPayload:
        async def call() -> DomainPromo:
            info.context.require_admin()
            starts_at, ends_at = (
                _instant(input.starts_at, "startsAt"),
                _instant(input.ends_at, "endsAt"),
            )
            return await promos.create_promo(
                info.context.store,
                input.promo_id,
                input.count,
                input.per_user_count,
                None if isinstance(starts_at, Keep) else starts_at,
                None if isinstance(ends_at, Keep) else ends_at,
            )

        return promo_payload(await attempt(call))

    @strawberry.mutation(description="Change a promo's count or window (admin).")
    async def update_promo(self, info: AnInfo, input: UpdatePromoInput) -> PromoPayload:
        async def call() -> DomainPromo:
            info.context.require_admin()
            count = KEEP if input.count is strawberry.UNSET else input.count
            return await promos.update_promo(
                info.context.store,
                input.promo_id,
                count,
                _instant(input.starts_at, "startsAt"),
                _instant(input.ends_at, "endsAt"),
            )

        return promo_payload(await attempt(call))


@strawberry.type(description="Changes to orders with items (seed 003).")
class ItemsMutation:
    @strawberry.mutation(description="Open an order with items; idempotent for the same content.")
    async def create_order_with_items(
        self, info: AnInfo, input: CreateOrderWithItemsInput
    ) -> OrderPayload:
        return order_payload(
            await attempt(
                lambda: entity_orders.create_order_with_items(
                    info.context.store,
                    input.order_id,
                    input.entity_id,
                    input.type,
                    input.items,
                    input.promo,
                    info.context.who(),
                )
            )
        )

    @strawberry.mutation(description="Change an OPEN order's type, cancel items, add items.")
    async def update_order(self, info: AnInfo, input: UpdateOrderInput) -> OrderPayload:
        return order_payload(
            await attempt(
                lambda: entity_orders.update_order(
                    info.context.store,
                    input.order_id,
                    input.type,
                    input.cancel_item_ids,
                    input.add_items,
                    input.expected_version,
                    info.context.who(),
                )
            )
        )

    @strawberry.mutation(description="Hide an OPEN order (soft delete); releases its promo.")
    async def decline_order(self, info: AnInfo, order_id: strawberry.ID) -> OrderPayload:
        result = await attempt(
            lambda: entity_orders.decline_order(info.context.store, order_id, info.context.who())
        )
        if result is None:
            return OrderPayload(order=None, errors=[])
        return order_payload(result)

    @strawberry.mutation(description="Bring a DECLINED order back; reserves its promo again.")
    async def restore_order(self, info: AnInfo, order_id: strawberry.ID) -> OrderPayload:
        return order_payload(
            await attempt(
                lambda: entity_orders.restore_order(
                    info.context.store, order_id, info.context.who()
                )
            )
        )


@strawberry.type(description="Changes.")
class Mutation(PromoMutation, ItemsMutation):
    pass

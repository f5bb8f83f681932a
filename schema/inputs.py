"""GraphQL input types (SPEC §5). Values are checked by the resolvers, which name the field."""

from __future__ import annotations

import strawberry

from schema.enums import RentTerm
from schema.scalars import Date, DateTime, Decimal


@strawberry.input(description="A plain order, or one that activates a promo code for a user.")
class CreateOrderInput:
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The user; omitted: the customer token's own (SPEC §9)."
    )
    promo_id: strawberry.ID | None = strawberry.field(default=None, description="The promo.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key returns the same order (24 h)."
    )


@strawberry.input(description="A new promo code.")
class CreatePromoInput:
    promo_id: strawberry.ID = strawberry.field(description="The promo code.")
    count: int = strawberry.field(description="Activations available (>= 0).")
    per_user_count: int = strawberry.field(description="Most activations per user (>= 1).")
    starts_at: DateTime | None = strawberry.field(default=None, description="Valid from.")
    ends_at: DateTime | None = strawberry.field(default=None, description="Valid until.")


@strawberry.input(description="Changes to a promo: an omitted field stays, null clears it.")
class UpdatePromoInput:
    promo_id: strawberry.ID = strawberry.field(description="The promo code.")
    count: int | None = strawberry.field(default=strawberry.UNSET, description="New count.")
    starts_at: DateTime | None = strawberry.field(
        default=strawberry.UNSET, description="New start, or null for none."
    )
    ends_at: DateTime | None = strawberry.field(
        default=strawberry.UNSET, description="New end, or null for none."
    )


@strawberry.input(description="A promo activation on an order with items.")
class PromoInput:
    promo_id: strawberry.ID = strawberry.field(description="The promo code.")
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The user; omitted: the customer token's own (SPEC §9)."
    )


@strawberry.input(description="A rent payment's parameters.")
class RentPaymentInput:
    payment_date: Date = strawberry.field(description="When the rent is paid.")
    term: RentTerm = strawberry.field(description="Full or short term.")


@strawberry.input(description="A security deposit's parameters.")
class SecurityDepositInput:
    refund_date: Date | None = strawberry.field(default=None, description="Refund date.")


@strawberry.input(one_of=True, description="Exactly one kind of order type.")
class OrderTypeInput:
    rent_payment: RentPaymentInput | None = strawberry.field(
        default=strawberry.UNSET, description="A rent payment."
    )
    security_deposit: SecurityDepositInput | None = strawberry.field(
        default=strawberry.UNSET, description="A security deposit."
    )


@strawberry.input(description="An item to add to an order.")
class OrderItemInput:
    order_item_id: strawberry.ID = strawberry.field(description="The item's id in its order.")
    service_id: strawberry.ID = strawberry.field(description="The service provided.")
    price: Decimal = strawberry.field(description="Price, a non-negative decimal.")
    period_start_date: Date = strawberry.field(description="First day of the period.")
    period_end_date: Date | None = strawberry.field(default=None, description="Last day.")


@strawberry.input(description="A new order with items.")
class CreateOrderWithItemsInput:
    order_id: strawberry.ID = strawberry.field(description="The order's id, chosen by the client.")
    entity_id: strawberry.ID = strawberry.field(description="The entity it belongs to.")
    type: OrderTypeInput = strawberry.field(description="Its type.")
    items: list[OrderItemInput] = strawberry.field(description="Its items, in order.")
    promo: PromoInput | None = strawberry.field(default=None, description="A promo activation.")


@strawberry.input(description="Changes to an order: type, cancelled items, added items.")
class UpdateOrderInput:
    order_id: strawberry.ID = strawberry.field(description="The order.")
    type: OrderTypeInput | None = strawberry.field(default=None, description="New type content.")
    cancel_item_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Items to cancel, in order."
    )
    add_items: list[OrderItemInput] | None = strawberry.field(
        default=None, description="Items to add, in order."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with VERSION_CONFLICT unless the version is this."
    )

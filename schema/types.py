"""GraphQL output types, each built from a domain object by its `from_domain`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from domain import order as model
from domain.errors import ErrorCode as DomainErrorCode
from domain.errors import OrdoError
from domain.events import Event, EventType
from domain.promo import Promo as DomainPromo
from resolvers.promos import promo_used
from schema.scalars import DateScalar, DateTimeScalar, DecimalScalar, JSONScalar

OrderStatus = strawberry.enum(model.OrderStatus, description="Where an order is in its life.")
RentTerm = strawberry.enum(model.RentTerm, description="A full or a short rent term.")
OrderEventType = strawberry.enum(
    EventType, name="OrderEventType", description="What happened to an order."
)
ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode", description="A stable error code.")


@strawberry.type(description="A service in an order, with its price and period.")
class OrderItem:
    order_item_id: strawberry.ID = strawberry.field(description="The item's id in its order.")
    service_id: strawberry.ID = strawberry.field(description="The service provided.")
    price: DecimalScalar = strawberry.field(description="The price, as first given.")
    period_start_date: DateScalar = strawberry.field(description="First day of the period.")
    period_end_date: DateScalar | None = strawberry.field(description="Last day, if any.")

    @classmethod
    def from_domain(cls, item: model.OrderItem) -> OrderItem:
        return cls(
            order_item_id=strawberry.ID(item.order_item_id),
            service_id=strawberry.ID(item.service_id),
            price=DecimalScalar(item.price),
            period_start_date=item.period_start_date,  # type: ignore[arg-type]
            period_end_date=item.period_end_date,  # type: ignore[arg-type]
        )


@strawberry.type(description="A rent payment: its payment date and term may change.")
class RentPayment:
    payment_date: DateScalar = strawberry.field(description="When the rent is paid.")
    term: RentTerm = strawberry.field(description="Full or short term.")


@strawberry.type(description="A security deposit.")
class SecurityDeposit:
    refund_date: DateScalar | None = strawberry.field(description="When it is refunded, if set.")


OrderType = Annotated[
    RentPayment | SecurityDeposit,
    strawberry.union("OrderType", description="The kind of an order and its parameters."),
]


def order_type_from_domain(value: model.OrderType | None) -> RentPayment | SecurityDeposit | None:
    if isinstance(value, model.RentPayment):
        return RentPayment(payment_date=value.payment_date, term=value.term)  # type: ignore[arg-type]
    if isinstance(value, model.SecurityDeposit):
        return SecurityDeposit(refund_date=value.refund_date)  # type: ignore[arg-type]
    return None


@strawberry.type(description="The promo code an order activates, and for whom.")
class PromoActivation:
    promo_id: strawberry.ID = strawberry.field(description="The promo code.")
    user_id: strawberry.ID = strawberry.field(description="The user it is activated for.")


@strawberry.type(description="One entry of an order's history, in its stream.")
class OrderEvent:
    id: strawberry.ID = strawberry.field(description="The stream entry id.")
    type: OrderEventType = strawberry.field(description="What happened.")
    at: DateTimeScalar = strawberry.field(description="When, in UTC.")
    data: JSONScalar = strawberry.field(description="The event's data (SPEC §3.3).")

    @classmethod
    def from_domain(cls, event: Event) -> OrderEvent:
        return cls(id=strawberry.ID(event.id), type=event.type, at=event.at, data=event.data)  # type: ignore[arg-type]


@strawberry.type(description="An order, as its events make it.")
class Order:
    order_id: strawberry.ID = strawberry.field(description="The order's id.")
    status: OrderStatus = strawberry.field(description="Its status.")
    entity_id: strawberry.ID | None = strawberry.field(description="The entity it belongs to.")
    type: OrderType | None = strawberry.field(description="Its type, if it has one.")
    items: list[OrderItem] = strawberry.field(description="Active items, in the order added.")
    cancelled_items: list[OrderItem] = strawberry.field(
        description="Cancelled items, in the order cancelled."
    )
    total: DecimalScalar = strawberry.field(description="Sum of the active items' prices.")
    promo: PromoActivation | None = strawberry.field(description="Its promo activation, if any.")
    created_at: DateTimeScalar = strawberry.field(description="When it was created (UTC).")
    updated_at: DateTimeScalar = strawberry.field(description="When it last changed (UTC).")
    version: int = strawberry.field(description="The number of events in its stream.")
    events: list[OrderEvent] = strawberry.field(description="Its history, oldest first.")

    @classmethod
    def from_domain(cls, order: model.Order) -> Order:
        promo = order.promo
        return cls(
            order_id=strawberry.ID(order.order_id),
            status=order.status,
            entity_id=strawberry.ID(order.entity_id) if order.entity_id else None,
            type=order_type_from_domain(order.type),
            items=[OrderItem.from_domain(item) for item in order.items],
            cancelled_items=[OrderItem.from_domain(item) for item in order.cancelled_items],
            total=DecimalScalar(str(order.total)),
            promo=PromoActivation(promo_id=strawberry.ID(promo.promo_id), user_id=strawberry.ID(promo.user_id)) if promo else None,
            created_at=order.created_at,  # type: ignore[arg-type]
            updated_at=order.updated_at,  # type: ignore[arg-type]
            version=order.version,
            events=[OrderEvent.from_domain(event) for event in order.events],
        )


@strawberry.type(description="A promo code and its counters (admin).")
class Promo:
    promo_id: strawberry.ID = strawberry.field(description="The promo code.")
    count: int = strawberry.field(description="Activations not yet redeemed, reserved included.")
    per_user_count: int = strawberry.field(description="Most activations one user may hold.")
    locked_count: int = strawberry.field(description="OPEN orders holding a reservation.")
    available: int = strawberry.field(description="count - lockedCount.")
    starts_at: DateTimeScalar | None = strawberry.field(description="Valid from (inclusive).")
    ends_at: DateTimeScalar | None = strawberry.field(description="Valid until (exclusive).")

    @strawberry.field(description="Activations this user has redeemed.")
    async def used(self, info: Info, user_id: strawberry.ID) -> int:
        return await promo_used(info.context.store, self.promo_id, user_id)

    @classmethod
    def from_domain(cls, promo: DomainPromo) -> Promo:
        return cls(
            promo_id=strawberry.ID(promo.promo_id),
            count=promo.count,
            per_user_count=promo.per_user_count,
            locked_count=promo.locked_count,
            available=promo.available,
            starts_at=promo.starts_at,  # type: ignore[arg-type]
            ends_at=promo.ends_at,  # type: ignore[arg-type]
        )


@strawberry.type(description="An expected failure of a mutation, reported as data.")
class UserError:
    code: ErrorCode = strawberry.field(description="A stable code (SPEC §5).")
    status: int = strawberry.field(description="The HTTP-style status of the code.")
    message: str = strawberry.field(description="What went wrong, for people.")
    field: list[str] | None = strawberry.field(description="Path of the offending input.")

    @classmethod
    def from_domain(cls, error: OrdoError) -> UserError:
        field = list(error.field) if error.field is not None else None
        return cls(code=error.code, status=error.status, message=error.message, field=field)


@strawberry.type(description="The result of an order mutation.")
class OrderPayload:
    order: Order | None = strawberry.field(description="The order, or null on failure.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.type(description="The result of a promo mutation.")
class PromoPayload:
    promo: Promo | None = strawberry.field(description="The promo, or null on failure.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.type(description="The result of createUser.")
class UserPayload:
    user_id: strawberry.ID | None = strawberry.field(description="The user, or null on failure.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")

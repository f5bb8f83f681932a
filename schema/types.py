"""GraphQL output types. An order's items, events and promo activation are the domain's own
objects (the same attribute names; the scalars format their dates and times when selected):
a read of an order makes no object per item and per event. The others are built from a domain
object by their `from_domain`."""

from __future__ import annotations

from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import order as model
from domain.errors import OrdoError
from domain.events import Event
from domain.promo import Promo as DomainPromo
from resolvers.promos import promo_used
from schema.enums import ErrorCode, EventType, OrderStatus, RentTerm
from schema.errors import answer, payload_fields
from schema.node import Node, order_global_id
from schema.scalars import Date, DateTime, Decimal, date_value, datetime_value


@strawberry.type(description="A service in an order, with its price and period.")
class OrderItem:
    order_item_id: strawberry.ID = strawberry.field(description="The item's id in its order.")
    service_id: strawberry.ID = strawberry.field(description="The service provided.")
    price: Decimal = strawberry.field(description="The price, as first given.")
    period_start_date: Date = strawberry.field(description="First day of the period.")
    period_end_date: Date | None = strawberry.field(description="Last day, if any.")


@strawberry.type(description="A rent payment: its payment date and term may change.")
class RentPayment:
    payment_date: Date = strawberry.field(description="When the rent is paid.")
    term: RentTerm = strawberry.field(description="Full or short term.")


@strawberry.type(description="A security deposit.")
class SecurityDeposit:
    refund_date: Date | None = strawberry.field(description="When it is refunded, if set.")


OrderType = Annotated[
    RentPayment | SecurityDeposit,
    strawberry.union("OrderType", description="The kind of an order and its parameters."),
]


def order_type_from_domain(value: model.OrderType | None) -> RentPayment | SecurityDeposit | None:
    if isinstance(value, model.RentPayment):
        return RentPayment(payment_date=date_value(value.payment_date), term=value.term)
    if isinstance(value, model.SecurityDeposit):
        refund = value.refund_date
        return SecurityDeposit(refund_date=date_value(refund) if refund else None)
    return None


@strawberry.type(description="The promo code an order activates, and for whom.")
class PromoActivation:
    promo_id: strawberry.ID = strawberry.field(description="The promo code.")
    user_id: strawberry.ID = strawberry.field(description="The user it is activated for.")


@strawberry.type(description="One entry of an order's history, in its stream.")
class OrderEvent:
    id: strawberry.ID = strawberry.field(description="The stream entry id.")
    order_id: strawberry.ID = strawberry.field(description="The order it happened to.")
    version: int = strawberry.field(description="Its 1-based place in the order's history.")
    type: EventType = strawberry.field(description="What happened.")
    at: DateTime = strawberry.field(description="When, in UTC.")
    data: JSON = strawberry.field(description="The event's data (SPEC §3.3).")

    @staticmethod
    def of(event: Event) -> OrderEvent:
        return cast(OrderEvent, event)  # the domain's event is its own GraphQL object

    @staticmethod
    def of_order(order: model.Order) -> list[OrderEvent]:
        return cast(list[OrderEvent], order.events)


@strawberry.type(description="An order, as its events make it.")
class Order(Node):
    """Cheap fields are set at once; the costly ones (lists, dates, sums) are resolved from the
    domain order only when a query selects them: a listing of 50 orders that asks for ids and
    statuses builds no events (measured: most of orders(entityId)'s time went there)."""

    order_id: strawberry.ID = strawberry.field(description="The order's id.")
    status: OrderStatus = strawberry.field(description="Its status.")
    entity_id: strawberry.ID | None = strawberry.field(description="The entity it belongs to.")
    domain: strawberry.Private[model.Order]

    @strawberry.field(
        description="Its global id (Node): opaque, the same in every answer; Query.node reads it."
    )
    def id(self) -> strawberry.ID:  # made when asked for: most answers do not select it
        return order_global_id(self.order_id)

    @strawberry.field(description="Its type, if it has one.")
    def type(self) -> OrderType | None:
        return order_type_from_domain(self.domain.type)

    @strawberry.field(description="Active items, in the order added.")
    def items(self) -> list[OrderItem]:
        return cast(list[OrderItem], self.domain.items)

    @strawberry.field(description="Cancelled items, in the order cancelled.")
    def cancelled_items(self) -> list[OrderItem]:
        return cast(list[OrderItem], self.domain.cancelled_items)

    @strawberry.field(description="Sum of the active items' prices.")
    def total(self) -> Decimal:
        return Decimal(str(self.domain.total))

    @strawberry.field(description="Its promo activation, if any.")
    def promo(self) -> PromoActivation | None:
        return cast(PromoActivation | None, self.domain.promo)

    @strawberry.field(description="The customer whose token made it; null: made otherwise.")
    def owner_id(self) -> strawberry.ID | None:
        owner = self.domain.owner_id
        return strawberry.ID(owner) if owner else None

    @strawberry.field(description="When it was created (UTC).")
    def created_at(self) -> DateTime:
        return datetime_value(self.domain.created_at)

    @strawberry.field(description="When it last changed (UTC).")
    def updated_at(self) -> DateTime:
        return datetime_value(self.domain.updated_at)

    @strawberry.field(description="The number of events in its stream.")
    def version(self) -> int:
        return self.domain.version

    @strawberry.field(description="Its history, oldest first.")
    def events(self) -> list[OrderEvent]:
        return OrderEvent.of_order(self.domain)

    @classmethod
    def from_domain(cls, order: model.Order) -> Order:
        return cls(
            order_id=strawberry.ID(order.order_id),
            status=order.status,
            entity_id=strawberry.ID(order.entity_id) if order.entity_id else None,
            domain=order,
        )


@strawberry.type(description="A promo code and its counters (admin).")
class Promo:
    promo_id: strawberry.ID = strawberry.field(description="The promo code.")
    count: int = strawberry.field(description="Activations not yet redeemed, reserved included.")
    per_user_count: int = strawberry.field(description="Most activations one user may hold.")
    locked_count: int = strawberry.field(description="OPEN orders holding a reservation.")
    available: int = strawberry.field(description="count - lockedCount.")
    starts_at: DateTime | None = strawberry.field(description="Valid from (inclusive).")
    ends_at: DateTime | None = strawberry.field(description="Valid until (exclusive).")

    @strawberry.field(description="Activations this user has redeemed.")
    async def used(self, info: Info, user_id: strawberry.ID) -> int:
        # A bad user id is a top-level INVALID_INPUT, like any query's failure (SPEC §5).
        return await answer(lambda: promo_used(info.context.store, self.promo_id, user_id))

    @classmethod
    def from_domain(cls, promo: DomainPromo) -> Promo:
        return cls(
            promo_id=strawberry.ID(promo.promo_id),
            count=promo.count,
            per_user_count=promo.per_user_count,
            locked_count=promo.locked_count,
            available=promo.available,
            starts_at=datetime_value(promo.starts_at) if promo.starts_at else None,
            ends_at=datetime_value(promo.ends_at) if promo.ends_at else None,
        )


@strawberry.type(description="An expected failure of a mutation, reported as data.")
class UserError:
    code: ErrorCode = strawberry.field(description="A stable code (SPEC §5).")
    status: int = strawberry.field(description="The HTTP-style status of the code.")
    message: str = strawberry.field(description="What went wrong, for people.")
    field: list[str] | None = strawberry.field(description="Path of the offending input.")

    @classmethod
    def from_domain(cls, error: OrdoError) -> UserError:
        return cls(**payload_fields(error))


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


@strawberry.type(
    description="An event of one of an entity's orders, as entityOrderEvents sends it."
)
class EntityOrderEvent:
    cursor: str = strawberry.field(
        description="Opaque: resubscribe with it as `after` to go on right after this event."
    )
    event: OrderEvent = strawberry.field(description="The event.")
    order: Order = strawberry.field(description="The order as it stood right after the event.")

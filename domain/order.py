"""Orders, their items, types and promo activations."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # domain.events holds orders' items and types: it imports this module
    from domain.events import Event


class OrderStatus(enum.Enum):
    OPEN = "OPEN"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    DECLINED = "DECLINED"


class RentTerm(enum.Enum):
    FULL = "FULL"
    SHORT = "SHORT"


@dataclass(frozen=True)
class RentPayment:
    payment_date: date
    term: RentTerm


@dataclass(frozen=True)
class SecurityDeposit:
    refund_date: date | None


OrderType = RentPayment | SecurityDeposit


@dataclass(frozen=True)
class OrderItem:
    order_item_id: str
    service_id: str
    price: str  # as first given: "100.00" stays "100.00"
    period_start_date: date
    period_end_date: date | None

    @property
    def amount(self) -> Decimal:
        return Decimal(self.price)


@dataclass(frozen=True)
class PromoActivation:
    promo_id: str
    user_id: str


@dataclass
class Order:
    order_id: str
    status: OrderStatus
    created_at: datetime
    updated_at: datetime
    version: int
    entity_id: str | None = None
    type: OrderType | None = None
    promo: PromoActivation | None = None
    owner_id: str | None = None  # the customer that made it (SPEC §9); None: made by a service
    items: list[OrderItem] = field(default_factory=list)
    cancelled_items: list[OrderItem] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.items), Decimal(0))

    @property
    def earliest_start(self) -> date | None:
        return min((item.period_start_date for item in self.items), default=None)

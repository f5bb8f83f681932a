"""The domain's enums, registered as GraphQL enums once, before any type refers to them."""

from __future__ import annotations

import strawberry

from domain.errors import ErrorCode
from domain.events import EventType
from domain.order import OrderStatus, RentTerm

strawberry.enum(OrderStatus, description="Where an order is in its life.")
strawberry.enum(RentTerm, description="A full or a short rent term.")
strawberry.enum(EventType, name="OrderEventType", description="What happened to an order.")
strawberry.enum(ErrorCode, description="A stable error code.")

__all__ = ["ErrorCode", "EventType", "OrderStatus", "RentTerm"]

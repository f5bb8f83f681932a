"""Order events: past-tense facts appended to an order's stream (SPEC §3.3)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class EventType(enum.Enum):
    ORDER_CREATED = "ORDER_CREATED"
    PROMO_RESERVED = "PROMO_RESERVED"
    ITEM_ADDED = "ITEM_ADDED"
    ORDER_UPDATED = "ORDER_UPDATED"
    ITEM_CANCELLED = "ITEM_CANCELLED"
    ORDER_DECLINED = "ORDER_DECLINED"
    ORDER_RESTORED = "ORDER_RESTORED"
    PROMO_RELEASED = "PROMO_RELEASED"
    PROMO_REDEEMED = "PROMO_REDEEMED"
    ORDER_COMPLETED = "ORDER_COMPLETED"
    ORDER_CANCELLED = "ORDER_CANCELLED"


class ReleaseReason(enum.Enum):
    CANCELLED = "cancelled"
    DECLINED = "declined"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Event:
    """What happened to an order, and where in its history: its order and its 1-based place
    there (eventsourcing's originator id and version), known wherever an event is read."""

    id: str
    order_id: str
    version: int
    type: EventType
    at: datetime
    data: dict[str, Any]

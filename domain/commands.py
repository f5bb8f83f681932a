"""What clients ask for, as given (not yet checked): the shapes resolvers validate.

Protocols, so a GraphQL input object or a plain dataclass can be handed over as it is.
"""

from __future__ import annotations

from typing import Any, Protocol


class RawItem(Protocol):
    order_item_id: str
    service_id: str
    price: str
    period_start_date: Any
    period_end_date: Any


class RawRentPayment(Protocol):
    payment_date: Any
    term: Any


class RawSecurityDeposit(Protocol):
    refund_date: Any


class RawType(Protocol):
    rent_payment: RawRentPayment | None
    security_deposit: RawSecurityDeposit | None

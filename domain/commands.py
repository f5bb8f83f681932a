"""What clients ask for, as given (not yet checked): the shapes resolvers validate.

Read-only protocols, so a GraphQL input object or a plain dataclass can be handed over as is.
"""

from __future__ import annotations

from typing import Any, Protocol


class RawItem(Protocol):
    @property
    def order_item_id(self) -> str: ...
    @property
    def service_id(self) -> str: ...
    @property
    def price(self) -> str: ...
    @property
    def period_start_date(self) -> Any: ...
    @property
    def period_end_date(self) -> Any: ...


class RawRentPayment(Protocol):
    @property
    def payment_date(self) -> Any: ...
    @property
    def term(self) -> Any: ...


class RawSecurityDeposit(Protocol):
    @property
    def refund_date(self) -> Any: ...


class RawType(Protocol):
    @property
    def rent_payment(self) -> RawRentPayment | None: ...
    @property
    def security_deposit(self) -> RawSecurityDeposit | None: ...


class RawPromo(Protocol):
    @property
    def promo_id(self) -> str: ...
    @property
    def user_id(self) -> str | None: ...  # omitted: the customer's own id (SPEC §9)

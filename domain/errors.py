"""The error taxonomy of SPEC §5: every failure has a stable code, an HTTP-style status and a
default message, in one table (ErrorCode). Each API style answers a code its own way, by a
table of the shape `Style` gives: REST's and GraphQL's are ordo/errors.py's STYLES."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.order import OrderStatus


class ErrorCode(enum.Enum):
    """code = its HTTP-style status, its default message."""

    INVALID_INPUT = 400, "invalid input"
    DUPLICATE_ITEM_ID = 400, "two items in the request share an id"
    ITEM_ADDED_AND_CANCELLED = 400, "an item id is both added and cancelled"
    ORDER_NOT_FOUND_FOR_RESTORE = 400, "there is no order with this id to restore"
    QUERY_TOO_COSTLY = 400, "the query costs more than ORDO_MAX_QUERY_COST"
    UNAUTHENTICATED = 401, "an admin bearer token is required"
    FORBIDDEN = 403, "the admin bearer token is wrong"
    USER_NOT_AUTHORIZED = 403, "the user is not known"
    ORDER_NOT_FOUND = 404, "order not found"
    PROMO_NOT_FOUND = 404, "promo code not found"
    ITEM_NOT_FOUND = 404, "the order has no item with this id"
    ORDER_DECLINED = 409, "the order is declined"
    ORDER_CLOSED = 409, "the order is closed"
    ORDER_CONFLICT = 409, "an order with this id exists with other content"
    TYPE_KIND_CHANGE = 409, "the order type cannot change to another kind"
    ITEM_ID_REUSED = 409, "an item with this id exists with other content"
    VERSION_CONFLICT = 409, "the order's version differs from expectedVersion"
    IDEMPOTENCY_KEY_REUSED = 409, "the idempotency key was used with another input"
    PROMO_EXISTS = 409, "a promo code with this id exists"
    PROMO_COUNT_BELOW_LOCKED = 409, "count cannot go below the reserved activations"
    PROMO_NOT_ACTIVE = 409, "the promo code is outside its validity window"
    PROMO_EXHAUSTED = 409, "the promo code has no activation left"
    PROMO_USER_LIMIT = 409, "the user has no activation of this promo code left"
    PERSISTED_QUERY_NOT_FOUND = 404, "PersistedQueryNotFound"
    PERSISTED_QUERY_NOT_ALLOWED = 400, "only the trusted documents may run"
    PERSISTED_QUERY_HASH_MISMATCH = 400, "the document's SHA-256 is not the hash sent"
    CURSOR_EXPIRED = 410, "the cursor is older than the change feed keeps"
    INVALID_CURSOR = 400, "the cursor was not given for this listing, or was altered"
    ROUTE_NOT_FOUND = 404, "no route has this path"
    METHOD_NOT_ALLOWED = 405, "the path does not take this method"
    PAYLOAD_TOO_LARGE = 413, "the request body is over 1 MiB"
    UNSUPPORTED_MEDIA_TYPE = 415, "only application/json is supported"
    HEADERS_TOO_LARGE = 431, "the request's head is over 16 KiB"
    UNAVAILABLE = 503, "the store is unavailable"

    # Several codes share a status, so enum aliasing must not merge them.
    def __new__(cls, status: int, message: str) -> ErrorCode:
        member = object.__new__(cls)
        member._value_ = len(cls.__members__)
        member.status = status
        member.message = message
        return member

    status: int
    message: str


# SPEC §3.2, the one rule in Python (lua/lib/prelude.lua's not_open_code is Lua's): the code
# refusing a change that needs the order OPEN.
_NOT_OPEN = {
    OrderStatus.DECLINED: ErrorCode.ORDER_DECLINED,
    OrderStatus.COMPLETED: ErrorCode.ORDER_CLOSED,
    OrderStatus.CANCELLED: ErrorCode.ORDER_CLOSED,
}


def not_open_code(status: OrderStatus) -> ErrorCode | None:
    """None for an OPEN order."""
    return _NOT_OPEN.get(status)


class OrdoError(Exception):
    """An expected failure: reported to clients as data, never as a crash."""

    def __init__(
        self, code: ErrorCode, message: str | None = None, field: Sequence[str] | None = None
    ) -> None:
        self.code = code
        self.message = message or code.message
        self.field = tuple(field) if field is not None else None
        super().__init__(f"{code.name}: {self.message}")

    @property
    def status(self) -> int:
        return self.code.status


class Unavailable(Exception):
    """The store could not be reached in time: a failure of the service, not of the request."""


Status = TypeVar("Status")
Body = TypeVar("Body")


@dataclass(frozen=True)
class Style(Generic[Status, Body]):
    """How one API style answers an error: the status its transport gives each code (an entry
    for every code: tests/unit/test_error_table.py), and its one builder of an answer's body
    (or details) from the error."""

    name: str
    status: Mapping[ErrorCode, Status]
    body: Callable[[OrdoError], Body]

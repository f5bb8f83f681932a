"""The error taxonomy of SPEC §5: every failure has a stable code and an HTTP-style status."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from domain.order import OrderStatus


class ErrorCode(enum.Enum):
    INVALID_INPUT = 400
    DUPLICATE_ITEM_ID = 400
    ITEM_ADDED_AND_CANCELLED = 400
    ORDER_NOT_FOUND_FOR_RESTORE = 400
    QUERY_TOO_COSTLY = 400
    UNAUTHENTICATED = 401
    FORBIDDEN = 403
    USER_NOT_AUTHORIZED = 403
    ORDER_NOT_FOUND = 404
    PROMO_NOT_FOUND = 404
    ITEM_NOT_FOUND = 404
    ORDER_DECLINED = 409
    ORDER_CLOSED = 409
    ORDER_CONFLICT = 409
    TYPE_KIND_CHANGE = 409
    ITEM_ID_REUSED = 409
    VERSION_CONFLICT = 409
    IDEMPOTENCY_KEY_REUSED = 409
    PROMO_EXISTS = 409
    PROMO_COUNT_BELOW_LOCKED = 409
    PROMO_NOT_ACTIVE = 409
    PROMO_EXHAUSTED = 409
    PROMO_USER_LIMIT = 409
    PERSISTED_QUERY_NOT_FOUND = 404
    PERSISTED_QUERY_NOT_ALLOWED = 400
    PERSISTED_QUERY_HASH_MISMATCH = 400
    CURSOR_EXPIRED = 410
    INVALID_CURSOR = 400
    ROUTE_NOT_FOUND = 404
    METHOD_NOT_ALLOWED = 405
    PAYLOAD_TOO_LARGE = 413
    UNSUPPORTED_MEDIA_TYPE = 415
    HEADERS_TOO_LARGE = 431
    UNAVAILABLE = 503

    # Several codes share a status, so enum aliasing must not merge them.
    def __new__(cls, status: int) -> ErrorCode:
        member = object.__new__(cls)
        member._value_ = len(cls.__members__)
        member.status = status
        return member

    status: int


_MESSAGES = {
    ErrorCode.INVALID_INPUT: "invalid input",
    ErrorCode.DUPLICATE_ITEM_ID: "two items in the request share an id",
    ErrorCode.ITEM_ADDED_AND_CANCELLED: "an item id is both added and cancelled",
    ErrorCode.ORDER_NOT_FOUND_FOR_RESTORE: "there is no order with this id to restore",
    ErrorCode.QUERY_TOO_COSTLY: "the query costs more than ORDO_MAX_QUERY_COST",
    ErrorCode.UNAUTHENTICATED: "an admin bearer token is required",
    ErrorCode.FORBIDDEN: "the admin bearer token is wrong",
    ErrorCode.USER_NOT_AUTHORIZED: "the user is not known",
    ErrorCode.ORDER_NOT_FOUND: "order not found",
    ErrorCode.PROMO_NOT_FOUND: "promo code not found",
    ErrorCode.ITEM_NOT_FOUND: "the order has no item with this id",
    ErrorCode.ORDER_DECLINED: "the order is declined",
    ErrorCode.ORDER_CLOSED: "the order is closed",
    ErrorCode.ORDER_CONFLICT: "an order with this id exists with other content",
    ErrorCode.TYPE_KIND_CHANGE: "the order type cannot change to another kind",
    ErrorCode.ITEM_ID_REUSED: "an item with this id exists with other content",
    ErrorCode.VERSION_CONFLICT: "the order's version differs from expectedVersion",
    ErrorCode.IDEMPOTENCY_KEY_REUSED: "the idempotency key was used with another input",
    ErrorCode.PROMO_EXISTS: "a promo code with this id exists",
    ErrorCode.PROMO_COUNT_BELOW_LOCKED: "count cannot go below the reserved activations",
    ErrorCode.PROMO_NOT_ACTIVE: "the promo code is outside its validity window",
    ErrorCode.PROMO_EXHAUSTED: "the promo code has no activation left",
    ErrorCode.PROMO_USER_LIMIT: "the user has no activation of this promo code left",
    ErrorCode.PERSISTED_QUERY_NOT_FOUND: "PersistedQueryNotFound",
    ErrorCode.PERSISTED_QUERY_NOT_ALLOWED: "only the trusted documents may run",
    ErrorCode.PERSISTED_QUERY_HASH_MISMATCH: "the document's SHA-256 is not the hash sent",
    ErrorCode.CURSOR_EXPIRED: "the cursor is older than the change feed keeps",
    ErrorCode.INVALID_CURSOR: "the cursor was not given for this listing, or was altered",
    ErrorCode.ROUTE_NOT_FOUND: "no route has this path",
    ErrorCode.METHOD_NOT_ALLOWED: "the path does not take this method",
    ErrorCode.PAYLOAD_TOO_LARGE: "the request body is over 1 MiB",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: "only application/json is supported",
    ErrorCode.HEADERS_TOO_LARGE: "the request's head is over 16 KiB",
    ErrorCode.UNAVAILABLE: "the store is unavailable",
}


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
        self.message = message or _MESSAGES[code]
        self.field = tuple(field) if field is not None else None
        super().__init__(f"{code.name}: {self.message}")

    @property
    def status(self) -> int:
        return self.code.status


class Unavailable(Exception):
    """The store could not be reached in time: a failure of the service, not of the request."""

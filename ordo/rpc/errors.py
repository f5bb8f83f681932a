"""How failures reach gRPC clients (AIP-193; SPEC §11): the one table from ordo's ErrorCode to
a gRPC status code, and the google.rpc.Status each error carries in grpc-status-details-bin.

The status code is the one google/rpc/code.proto describes for the failure: a refusal that
depends on the order's or promo's state is FAILED_PRECONDITION (retrying cannot help until the
state changes), an id taken with other content ALREADY_EXISTS, a lost optimistic check
ABORTED (read again, then retry), a cursor the feed no longer reaches OUT_OF_RANGE (as etcd
answers a watch from a compacted revision). The seed's 400s stay INVALID_ARGUMENT, even where
gRPC would say NOT_FOUND (ORDER_NOT_FOUND_FOR_RESTORE): the seed's callers branch on them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import grpc
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from domain.errors import ErrorCode, OrdoError, Style

DOMAIN = "ordo"
C = grpc.StatusCode

# The table: every ErrorCode, the gRPC code it is sent as (tests/unit/test_grpc_errors.py
# checks it is whole). Codes of HTTP's own edge (routes, media types) cannot arise over gRPC;
# they are here so that the table is whole, with the code gRPC gives the same failure.
STATUS: dict[ErrorCode, grpc.StatusCode] = {
    ErrorCode.INVALID_INPUT: C.INVALID_ARGUMENT,
    ErrorCode.DUPLICATE_ITEM_ID: C.INVALID_ARGUMENT,
    ErrorCode.ITEM_ADDED_AND_CANCELLED: C.INVALID_ARGUMENT,
    ErrorCode.ORDER_NOT_FOUND_FOR_RESTORE: C.INVALID_ARGUMENT,
    ErrorCode.QUERY_TOO_COSTLY: C.INVALID_ARGUMENT,
    ErrorCode.INVALID_CURSOR: C.INVALID_ARGUMENT,
    ErrorCode.PERSISTED_QUERY_NOT_ALLOWED: C.INVALID_ARGUMENT,
    ErrorCode.PERSISTED_QUERY_HASH_MISMATCH: C.INVALID_ARGUMENT,
    ErrorCode.UNAUTHENTICATED: C.UNAUTHENTICATED,
    ErrorCode.FORBIDDEN: C.PERMISSION_DENIED,
    ErrorCode.USER_NOT_AUTHORIZED: C.PERMISSION_DENIED,
    ErrorCode.ORDER_NOT_FOUND: C.NOT_FOUND,
    ErrorCode.PROMO_NOT_FOUND: C.NOT_FOUND,
    ErrorCode.ITEM_NOT_FOUND: C.NOT_FOUND,
    ErrorCode.PERSISTED_QUERY_NOT_FOUND: C.NOT_FOUND,
    ErrorCode.ORDER_CONFLICT: C.ALREADY_EXISTS,
    ErrorCode.ITEM_ID_REUSED: C.ALREADY_EXISTS,
    ErrorCode.PROMO_EXISTS: C.ALREADY_EXISTS,
    ErrorCode.ORDER_DECLINED: C.FAILED_PRECONDITION,
    ErrorCode.ORDER_CLOSED: C.FAILED_PRECONDITION,
    ErrorCode.TYPE_KIND_CHANGE: C.FAILED_PRECONDITION,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: C.FAILED_PRECONDITION,
    ErrorCode.PROMO_COUNT_BELOW_LOCKED: C.FAILED_PRECONDITION,
    ErrorCode.PROMO_NOT_ACTIVE: C.FAILED_PRECONDITION,
    # Not RESOURCE_EXHAUSTED: gRPC clients read that as "back off and retry" (a rate limit),
    # and a used-up promo does not come back by waiting.
    ErrorCode.PROMO_EXHAUSTED: C.FAILED_PRECONDITION,
    ErrorCode.PROMO_USER_LIMIT: C.FAILED_PRECONDITION,
    ErrorCode.VERSION_CONFLICT: C.ABORTED,
    ErrorCode.CURSOR_EXPIRED: C.OUT_OF_RANGE,
    ErrorCode.ROUTE_NOT_FOUND: C.UNIMPLEMENTED,
    ErrorCode.METHOD_NOT_ALLOWED: C.UNIMPLEMENTED,
    ErrorCode.PAYLOAD_TOO_LARGE: C.RESOURCE_EXHAUSTED,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: C.INVALID_ARGUMENT,
    ErrorCode.HEADERS_TOO_LARGE: C.RESOURCE_EXHAUSTED,
    ErrorCode.UNAVAILABLE: C.UNAVAILABLE,
}

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def field_path(path: Sequence[str], renamed: Mapping[str, str] | None = None) -> str:
    """A resolver's field path (GraphQL's names: input.items.0.orderItemId) as the proto's
    (items[0].order_item_id): no `input` wrapper, snake_case, indexes in brackets. `renamed`:
    an argument the proto names otherwise (GetOrders' first is page_size)."""
    parts: list[str] = []
    for index, name in enumerate(path):
        if index == 0 and name == "input" and len(path) > 1:
            continue
        if name.isdigit() and parts:
            parts[-1] += f"[{name}]"
            continue
        name = (renamed or {}).get(name, name)
        parts.append(_CAMEL.sub(r"_\1", name).lower())
    return ".".join(parts)


def status_of(
    code: ErrorCode,
    message: str,
    field: Sequence[str] | None = None,
    renamed: Mapping[str, str] | None = None,
    code_sent: grpc.StatusCode | None = None,
) -> grpc.Status:
    """The error as grpcio-status sends it: the code, the message, and the details.
    `code_sent`: a gRPC code of gRPC's own failures (DEADLINE_EXCEEDED, INTERNAL), sent with
    the ErrorCode HTTP answers the same failure with."""
    grpc_code = code_sent or STATUS[code]
    info = error_details_pb2.ErrorInfo(reason=code.name, domain=DOMAIN)
    path = field_path(field, renamed) if field else ""
    if path:
        info.metadata["field"] = path
    status = status_pb2.Status(code=grpc_code.value[0], message=message)
    status.details.add().Pack(info)
    if grpc_code is C.INVALID_ARGUMENT and path:
        violation = error_details_pb2.BadRequest.FieldViolation(
            field=path, description=message, reason=code.name
        )
        status.details.add().Pack(error_details_pb2.BadRequest(field_violations=[violation]))
    return rpc_status.to_status(status)


def status_of_error(error: OrdoError, renamed: Mapping[str, str] | None = None) -> grpc.Status:
    return status_of(error.code, error.message, error.field, renamed)


# gRPC's row of the error table (ordo/errors.py:STYLES): a status code per ErrorCode, and the
# google.rpc.Status each error is sent with.
GRPC: Style[grpc.StatusCode, grpc.Status] = Style("grpc", status=STATUS, body=status_of_error)

# google.rpc.Code's numbers are gRPC's: checked once here rather than trusted.
assert C.FAILED_PRECONDITION.value[0] == code_pb2.FAILED_PRECONDITION

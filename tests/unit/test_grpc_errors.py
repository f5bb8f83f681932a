"""The one table from ordo's ErrorCode to gRPC's status codes (ordo/rpc/errors.py, SPEC §11),
and the AIP-193 details each status carries."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from domain.errors import ErrorCode
from ordo.rpc.errors import STATUS, field_path, status_of

C = grpc.StatusCode

# The and the seed's: each HTTP-style status of SPEC §5 to the gRPC codes it may be.
BY_HTTP_STATUS = {
    400: {C.INVALID_ARGUMENT},
    401: {C.UNAUTHENTICATED},
    403: {C.PERMISSION_DENIED},
    404: {C.NOT_FOUND, C.UNIMPLEMENTED},
    409: {C.FAILED_PRECONDITION, C.ALREADY_EXISTS, C.ABORTED},
    410: {C.OUT_OF_RANGE},
    503: {C.UNAVAILABLE},
}


def test_every_error_code_has_a_grpc_code() -> None:
    assert set(STATUS) == set(ErrorCode)


@pytest.mark.parametrize("code", [c for c in ErrorCode if c.status in BY_HTTP_STATUS])
def test_the_seed_s_statuses_map_to_the_grpc_codes_code_proto_gives_them(code: ErrorCode) -> None:
    assert STATUS[code] in BY_HTTP_STATUS[code.status]


def test_an_id_taken_with_other_content_already_exists_and_a_lost_version_check_aborts() -> None:
    assert STATUS[ErrorCode.ORDER_CONFLICT] is C.ALREADY_EXISTS
    assert STATUS[ErrorCode.VERSION_CONFLICT] is C.ABORTED
    assert STATUS[ErrorCode.ORDER_DECLINED] is C.FAILED_PRECONDITION


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (["input", "items", "1", "orderItemId"], "items[1].order_item_id"),
        (["input", "promo", "userId"], "promo.user_id"),
        (["input", "type", "rentPayment", "paymentDate"], "type.rent_payment.payment_date"),
        (["orderId"], "order_id"),
        (["input"], "input"),
    ],
)
def test_a_field_path_is_the_proto_s(path: list[str], expected: str) -> None:
    assert field_path(path) == expected


def test_a_renamed_argument_is_named_as_the_proto_names_it() -> None:
    assert field_path(["first"], {"first": "page_size"}) == "page_size"


def _details(status: grpc.Status) -> status_pb2.Status:
    [(key, value)] = status.trailing_metadata
    assert key == "grpc-status-details-bin"
    return status_pb2.Status.FromString(value)


def test_invalid_input_carries_error_info_and_a_bad_request() -> None:
    sent = _details(status_of(ErrorCode.DUPLICATE_ITEM_ID, "two", ["input", "items", "1", "x"]))
    assert sent.code == C.INVALID_ARGUMENT.value[0] and sent.message == "two"
    info, bad = error_details_pb2.ErrorInfo(), error_details_pb2.BadRequest()
    assert sent.details[0].Unpack(info) and sent.details[1].Unpack(bad)
    assert (info.reason, info.domain, dict(info.metadata)) == (
        "DUPLICATE_ITEM_ID", "ordo", {"field": "items[1].x"},
    )  # fmt: skip
    assert [(v.field, v.reason) for v in bad.field_violations] == [
        ("items[1].x", "DUPLICATE_ITEM_ID")
    ]


def test_other_errors_carry_error_info_alone() -> None:
    sent = _details(status_of(ErrorCode.ORDER_NOT_FOUND, "gone", ["orderId"]))
    assert len(sent.details) == 1
    unfielded = _details(status_of(ErrorCode.UNAVAILABLE, "away"))
    info = error_details_pb2.ErrorInfo()
    assert unfielded.details[0].Unpack(info) and dict(info.metadata) == {}

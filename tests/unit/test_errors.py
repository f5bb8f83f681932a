"""The error taxonomy: SPEC §5's codes with their statuses (and §6/§7's 413 and 415)."""

from __future__ import annotations

import pytest
from lupa import LuaRuntime

from domain.errors import ErrorCode, OrdoError, not_open_code
from domain.order import OrderStatus
from tests.support import ROOT

# SPEC §5 table, as written there.
SPEC_STATUS = {
    "INVALID_INPUT": 400,
    "DUPLICATE_ITEM_ID": 400,
    "ITEM_ADDED_AND_CANCELLED": 400,
    "ORDER_NOT_FOUND_FOR_RESTORE": 400,
    "QUERY_TOO_COSTLY": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "USER_NOT_AUTHORIZED": 403,
    "ORDER_NOT_FOUND": 404,
    "PROMO_NOT_FOUND": 404,
    "ITEM_NOT_FOUND": 404,
    "ORDER_DECLINED": 409,
    "ORDER_CLOSED": 409,
    "ORDER_CONFLICT": 409,
    "TYPE_KIND_CHANGE": 409,
    "ITEM_ID_REUSED": 409,
    "VERSION_CONFLICT": 409,
    "IDEMPOTENCY_KEY_REUSED": 409,
    "PROMO_EXISTS": 409,
    "PROMO_COUNT_BELOW_LOCKED": 409,
    "PROMO_NOT_ACTIVE": 409,
    "PROMO_EXHAUSTED": 409,
    "PROMO_USER_LIMIT": 409,
    "PERSISTED_QUERY_NOT_FOUND": 404,
    "PERSISTED_QUERY_NOT_ALLOWED": 400,
    "PERSISTED_QUERY_HASH_MISMATCH": 400,
    "CURSOR_EXPIRED": 410,
    "INVALID_CURSOR": 400,
    "UNAVAILABLE": 503,
}
# Added beyond the GraphQL enum for the HTTP edge: body over 1 MiB (§7), not JSON (§6), no
# route or a method the path does not take (§6), a request head over 16 KiB (§7).
EDGE_STATUS = {
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "ROUTE_NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "HEADERS_TOO_LARGE": 431,
}


@pytest.mark.parametrize(("name", "status"), sorted(SPEC_STATUS.items()))
def test_every_spec_code_exists_with_its_status(name: str, status: int) -> None:
    assert ErrorCode[name].status == status


def test_every_code_has_a_status_the_spec_names() -> None:
    assert {code.name: code.status for code in ErrorCode} == SPEC_STATUS | EDGE_STATUS


def test_codes_sharing_a_status_stay_distinct_members() -> None:
    assert len(ErrorCode) == len(SPEC_STATUS) + len(EDGE_STATUS)
    assert len({ErrorCode.PROMO_EXHAUSTED, ErrorCode.PROMO_USER_LIMIT}) == 2
    assert ErrorCode["PROMO_USER_LIMIT"].name == "PROMO_USER_LIMIT"


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_code_has_a_default_message(code: ErrorCode) -> None:
    error = OrdoError(code)
    assert error.message
    assert error.status == code.status
    assert error.field is None
    assert code.name in str(error)


def test_error_keeps_its_message_and_field_path() -> None:
    error = OrdoError(ErrorCode.INVALID_INPUT, "price is bad", ["input", "items", "1", "price"])
    assert error.message == "price is bad"
    assert error.field == ("input", "items", "1", "price")


@pytest.mark.parametrize("status", list(OrderStatus), ids=lambda status: status.name)
def test_lua_refuses_an_order_that_is_not_open_with_pythons_code(status: OrderStatus) -> None:
    # "Not OPEN -> which 409" is one rule written in each language: the two must agree.
    lua = LuaRuntime()
    prelude = (ROOT / "lua" / "lib" / "prelude.lua").read_text()
    lua_code = lua.execute(prelude + "\nreturn not_open_code")(status.name)
    expected = not_open_code(status)
    assert lua_code == (expected.name if expected else None)

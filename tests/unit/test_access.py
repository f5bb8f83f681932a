"""The rule table of SPEC §9 (domain/access.py): who acts for whom, who sees which order."""

from __future__ import annotations

import pytest

from domain import access
from domain.access import Caller, Role
from domain.errors import ErrorCode, OrdoError
from ordo.settings import load_settings

CUSTOMER = Caller(Role.CUSTOMER, "u1")
SERVICE = Caller(Role.SERVICE, "billing")
ADMIN = Caller(Role.ADMIN, "ops")
UNVERIFIED = Caller(Role.UNVERIFIED)
FIELD = ["input", "userId"]


def code_of(call: object, *args: object) -> ErrorCode | None:
    try:
        call(*args)  # type: ignore[operator]
    except OrdoError as error:
        return error.code
    return None


def test_a_customer_acts_only_as_itself_and_by_default_for_itself() -> None:
    assert access.acting_user(CUSTOMER, None, FIELD) == "u1"
    assert access.acting_user(CUSTOMER, "u1", FIELD) == "u1"
    with pytest.raises(OrdoError) as refused:
        access.acting_user(CUSTOMER, "u2", FIELD)
    assert (refused.value.code, refused.value.field) == (ErrorCode.FORBIDDEN, tuple(FIELD))


@pytest.mark.parametrize("caller", [access.ANONYMOUS, UNVERIFIED, SERVICE, ADMIN])
def test_every_other_caller_acts_for_whoever_it_names_and_reaches_every_order(
    caller: Caller,
) -> None:
    assert access.acting_user(caller, "u2", FIELD) == "u2"
    assert access.acting_user(caller, None, FIELD) is None
    assert access.owner(caller) is None
    assert access.may_see(caller, "u2") and access.may_see(caller, None)


def test_a_customer_owns_what_it_makes_and_sees_only_that() -> None:
    assert access.owner(CUSTOMER) == "u1"
    assert access.may_see(CUSTOMER, "u1")
    assert not access.may_see(CUSTOMER, "u2")
    assert not access.may_see(CUSTOMER, None)  # made by a service: not the customer's
    assert code_of(access.ensure_visible, CUSTOMER, "u2") is ErrorCode.ORDER_NOT_FOUND


ADMIN_ANSWERS = {
    Role.ANONYMOUS: ErrorCode.UNAUTHENTICATED,
    Role.UNVERIFIED: ErrorCode.FORBIDDEN,
    Role.CUSTOMER: ErrorCode.FORBIDDEN,
    Role.SERVICE: ErrorCode.FORBIDDEN,
    Role.ADMIN: None,
}
SERVICE_ANSWERS = {**ADMIN_ANSWERS, Role.SERVICE: None}


@pytest.mark.parametrize("role", list(Role))
def test_admin_and_service_operations_by_role(role: Role) -> None:
    caller = Caller(role, "x")
    assert code_of(access.require_admin, caller) is ADMIN_ANSWERS[role]
    assert code_of(access.require_service, caller) is SERVICE_ANSWERS[role]


def test_claims_name_the_caller_customer_by_default() -> None:
    assert access.caller_from_claims({"sub": "u1"}) == CUSTOMER
    assert access.caller_from_claims({"sub": "b", "role": "service"}) == Caller(Role.SERVICE, "b")
    assert access.caller_from_claims({"sub": "o", "role": "admin"}) == Caller(Role.ADMIN, "o")


@pytest.mark.parametrize(
    "claims",
    [{}, {"sub": ""}, {"sub": "a b"}, {"sub": 7}, {"sub": "u1", "role": "anonymous"},
     {"sub": "u1", "role": "unverified"}, {"sub": "u1", "role": ["admin"]}],
)  # fmt: skip
def test_claims_no_caller_has_are_refused(claims: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        access.caller_from_claims(claims)


@pytest.mark.parametrize(
    "env",
    [{"ORDO_JWT_SECRET": "x" * 32, "ORDO_JWT_JWKS": "/k.json"}, {"ORDO_JWT_SECRET": "short"}],
)
def test_settings_refuse_two_key_sources_and_a_short_secret(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        load_settings(env)


def test_jwt_verification_is_off_by_default() -> None:
    settings = load_settings({})
    assert (settings.jwt_secret, settings.jwt_jwks, settings.rest_require_service_token) == (
        None,
        None,
        False,
    )

"""Who may act for whom (SPEC §9): the one rule table, and the rules resolvers apply with it.

The edge (ordo/auth.py) verifies a request's credentials and names its Caller; everything
below it asks these functions, so a rule lives here once and not in each resolver.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.errors import ErrorCode, OrdoError
from domain.validation import is_id


class Role(enum.Enum):
    ANONYMOUS = "anonymous"  # JWT verification off, no bearer: the seeds' open service
    UNVERIFIED = "unverified"  # JWT verification off, a bearer that is not ORDO_ADMIN_TOKEN
    CUSTOMER = "customer"  # an end user: acts only as itself, sees only its own orders
    SERVICE = "service"  # a backend: acts for any user
    ADMIN = "admin"  # a service that also has the admin operations


@dataclass(frozen=True)
class Rights:
    acts_for_anyone: bool  # may name any userId, and reach orders of any owner (or none)
    service: bool  # a verified backend: may call the legacy REST routes when they ask for one
    admin: bool  # createUser, createPromo, updatePromo, the promo query
    refusal: ErrorCode  # the answer to what it may not do: 401 without credentials, else 403


_401, _403 = ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN

# The one rule table.
RULES: dict[Role, Rights] = {
    Role.ANONYMOUS: Rights(acts_for_anyone=True, service=False, admin=False, refusal=_401),
    Role.UNVERIFIED: Rights(acts_for_anyone=True, service=False, admin=False, refusal=_403),
    Role.CUSTOMER: Rights(acts_for_anyone=False, service=False, admin=False, refusal=_403),
    Role.SERVICE: Rights(acts_for_anyone=True, service=True, admin=False, refusal=_403),
    Role.ADMIN: Rights(acts_for_anyone=True, service=True, admin=True, refusal=_403),
}

# The roles a token's `role` claim may name; absent, it is a customer's.
CLAIMED = {role.value: role for role in (Role.CUSTOMER, Role.SERVICE, Role.ADMIN)}


@dataclass(frozen=True)
class Caller:
    role: Role
    subject: str | None = None  # the token's `sub`: the user id a customer acts as

    @property
    def rights(self) -> Rights:
        return RULES[self.role]


# No token to show: the seeds' open API, and the resolvers' default for their callers that
# ask no one (the command line, the seed import, the tests).
ANONYMOUS = Caller(Role.ANONYMOUS)


def caller_from_claims(claims: Mapping[str, Any]) -> Caller:
    """A verified token's caller: `sub` is the user id, `role` customer (the default),
    service or admin. ValueError for claims no caller has."""
    subject, role = claims.get("sub"), claims.get("role", Role.CUSTOMER.value)
    if not isinstance(subject, str) or not is_id(subject):
        raise ValueError("sub must be a user id (SPEC §7)")
    if not isinstance(role, str) or role not in CLAIMED:
        raise ValueError(f"role must be one of {sorted(CLAIMED)}")
    return Caller(CLAIMED[role], subject)


def require_admin(caller: Caller) -> None:
    rights = caller.rights
    if not rights.admin:
        raise OrdoError(rights.refusal, _ADMIN_REFUSED[rights.refusal])


def require_service(caller: Caller) -> None:
    """The legacy REST routes behind ORDO_REST_REQUIRE_SERVICE_TOKEN."""
    rights = caller.rights
    if not rights.service:
        raise OrdoError(rights.refusal, _SERVICE_REFUSED[rights.refusal])


_ADMIN_REFUSED = {
    _401: "an admin bearer token is required",
    _403: "the bearer token does not grant the admin operations",
}
_SERVICE_REFUSED = {
    _401: "a service bearer token is required",
    _403: "the bearer token is not a service's",
}


def acting_user(caller: Caller, user_id: str | None, field: Sequence[str]) -> str | None:
    """The user a promo is activated for. A customer names itself or no one (then it is
    its `sub`); naming another user is FORBIDDEN, before any reservation is tried."""
    if caller.rights.acts_for_anyone:
        return user_id
    if user_id is not None and user_id != caller.subject:
        raise OrdoError(ErrorCode.FORBIDDEN, "a customer acts only for itself", field=field)
    return caller.subject


def owner(caller: Caller) -> str | None:
    """The owner an order made by this caller records, and the owner an order must have for
    this caller to see or change it: a customer's own id; None (any, and none) otherwise."""
    return None if caller.rights.acts_for_anyone else caller.subject


def may_see(caller: Caller, owner_id: str | None) -> bool:
    """A customer sees only orders it owns: not another's, not one made without an owner."""
    expected = owner(caller)
    return expected is None or owner_id == expected


def ensure_visible(caller: Caller, owner_id: str | None) -> None:
    """A hidden order is refused exactly as a missing one, so its existence is not revealed."""
    if not may_see(caller, owner_id):
        raise OrdoError(ErrorCode.ORDER_NOT_FOUND, field=["orderId"])

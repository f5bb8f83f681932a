"""What every resolver gets: the store and the caller's admin credentials."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from domain.errors import ErrorCode, OrdoError
from resolvers.store import Store


@dataclass(frozen=True)
class Context:
    store: Store
    admin_token: str
    authorization: str | None  # the request's Authorization header

    def require_admin(self) -> None:
        scheme, _, token = (self.authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise OrdoError(ErrorCode.UNAUTHENTICATED)
        # Constant-time: the comparison must not tell how much of a guess was right.
        if not hmac.compare_digest(token.strip().encode(), self.admin_token.encode()):
            raise OrdoError(ErrorCode.FORBIDDEN)

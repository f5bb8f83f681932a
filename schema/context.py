"""What every resolver gets: the store and the caller, as the edge verified it (ordo/auth.py)."""

from __future__ import annotations

from dataclasses import dataclass

from domain import access
from domain.access import Caller
from domain.errors import OrdoError
from resolvers.store import Store


@dataclass(frozen=True)
class Context:
    store: Store
    caller: Caller | OrdoError  # an OrdoError: why the request acts as no one (SPEC §9)

    def who(self) -> Caller:
        """The caller, or its refusal raised (inside the operation, so a mutation reports it
        in its payload and a query as a top-level error)."""
        if isinstance(self.caller, OrdoError):
            raise OrdoError(self.caller.code, self.caller.message)
        return self.caller

    def require_admin(self) -> None:
        access.require_admin(self.who())

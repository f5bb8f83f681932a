"""What every resolver gets: the store and the caller, as the edge verified it (ordo/auth.py),
and for subscriptions the process's live events and the socket they go out on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain import access
from domain.access import Caller
from domain.errors import OrdoError
from feed.live import Hub
from feed.reader import RETENTION_SECONDS
from store import Store


@dataclass
class Context:
    store: Store
    caller: Caller | OrdoError  # an OrdoError: why the request acts as no one (SPEC §9)
    hub: Hub | None = None  # live events (SPEC §10); None where the app serves none
    feed_retention: float = RETENTION_SECONDS  # older cursors are CURSOR_EXPIRED
    socket: Any = None  # a subscription's WebSocket: closed when its client falls behind
    connection_params: dict[str, Any] | None = None  # connection_init's payload (Strawberry)

    def who(self) -> Caller:
        """The caller, or its refusal raised (inside the operation, so a mutation reports it
        in its payload and a query as a top-level error)."""
        if isinstance(self.caller, OrdoError):
            raise OrdoError(self.caller.code, self.caller.message)
        return self.caller

    def require_admin(self) -> None:
        access.require_admin(self.who())

    def live(self) -> Hub:
        assert self.hub is not None, "subscriptions are served only by the app (ordo/app.py)"
        return self.hub

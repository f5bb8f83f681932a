"""Opt-in durability: WAIT after the writes, on their connection, for enough replicas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from domain.errors import Unavailable
from metrics.counters import REDIS_ERRORS


@dataclass(frozen=True)
class Durability:
    """WAIT after each write until `replicas` replicas have it (0: answer at once).

    Redis replicates asynchronously: a master that dies before its replica got a write
    loses it on failover. WAIT narrows that window; it does not make a write transactional
    (a write that timed out waiting is still applied, and the caller is told 503). WAIT counts
    the replicas that have its own connection's writes, so it must follow them on that
    connection, sent to the node that took them.
    """

    replicas: int = 0
    timeout_ms: int = 1000

    @property
    def wait(self) -> tuple[tuple[str, int, int], ...]:
        """The command to send after the writes: none when nothing is to be waited for."""
        return (("WAIT", self.replicas, self.timeout_ms),) if self.replicas else ()

    def confirm(self, acknowledged: Any) -> None:
        """Unavailable unless WAIT's reply counted enough replicas."""
        if isinstance(acknowledged, Exception):
            unconfirmed(f"WAIT failed: {acknowledged}")
        if int(acknowledged) < self.replicas:
            unconfirmed(
                f"the write reached {acknowledged} of {self.replicas} replicas"
                f" in {self.timeout_ms} ms"
            )


def unconfirmed(reason: str) -> NoReturn:
    REDIS_ERRORS.labels("WaitUnconfirmed").inc()
    raise Unavailable(reason)


NO_WAIT = Durability()

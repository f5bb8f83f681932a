"""Idempotency keys of createOrder (SPEC §3.2): one namespace for GraphQL and REST, 24 h.

A key is bound to an order id *before* the order is created, and the create script answers
an existing order instead of reserving again. So a retry, concurrent or after a crash between
the two steps, lands on the same order and reserves once.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import ErrorCode, OrdoError
from resolvers.keys import idempotency_key
from resolvers.store import Store

TTL_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Claim:
    key: str
    order_id: str
    claimed: bool  # False: an earlier request with the same input holds the key


async def claim(store: Store, key: str, fingerprint: str, order_id: str) -> Claim:
    reply = await store.run(
        "claim_idempotency_key", [idempotency_key(key)], [fingerprint, order_id, TTL_SECONDS]
    )
    if reply[0] == "reused":
        raise OrdoError(ErrorCode.IDEMPOTENCY_KEY_REUSED, field=["input", "idempotencyKey"])
    return Claim(key, reply[1], claimed=reply[0] == "claimed")


async def forget(store: Store, held: Claim) -> None:
    """A request that failed is not remembered."""
    if held.claimed:
        await store.run("release_idempotency_key", [idempotency_key(held.key)], [held.order_id])

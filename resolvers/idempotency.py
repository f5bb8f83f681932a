"""Idempotency keys of createOrder (SPEC §3.2): one namespace for GraphQL and REST, 24 h.

A key is bound to an order id *before* the order is created, and the create script answers
an existing order instead of reserving again. So a retry, concurrent or after a crash between
the two steps, lands on the same order and reserves once.
"""

from __future__ import annotations

from dataclasses import dataclass

from store import Store
from store.argv import IdempotencyClaimArgs, IdempotencyReleaseArgs
from store.keys import idempotency_keys
from store.replies import Outcome, reply_of

TTL_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Claim:
    key: str
    order_id: str
    claimed: bool  # False: an earlier request with the same input holds the key


async def claim(store: Store, key: str, fingerprint: str, order_id: str) -> Claim:
    """The key's order id; IDEMPOTENCY_KEY_REUSED if it was bound to another input."""
    args = IdempotencyClaimArgs(fingerprint, order_id, TTL_SECONDS)
    raw = await store.run("claim_idempotency_key", idempotency_keys(key), args)
    reply = reply_of(raw, ["input"])
    (bound,) = reply.payload
    return Claim(key, bound, claimed=reply.outcome is Outcome.CLAIMED)


async def forget(store: Store, held: Claim) -> None:
    """A request that failed is not remembered."""
    if held.claimed:
        args = IdempotencyReleaseArgs(held.order_id)
        raw = await store.run("release_idempotency_key", idempotency_keys(held.key), args)
        reply_of(raw)

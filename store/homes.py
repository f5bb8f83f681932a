"""Where an order lives, across slots: its home claim, the fence, the entity's index entry.

An order with items lives under its promo's or its entity's hash tag; the claim
`{o:<id>}:home` (with a generation) and the entry in `{e:<entity>}:orders` live in other
slots, so no script can write all three at once. The steps, each one atomic script:

1. claim the home (or find the home already claimed);
2. a claimed home that holds no order (its create failed or its process died) is *fenced*
   for the claim's generation, then the claim moves here with a higher generation;
3. index the order under its entity, with the generation (a late, older write is ignored);
4. create the order under its home, carrying the generation: refused if that home was
   fenced for it since, and then the steps start again.

So an order exists only where its claim points, a process dying between steps leaves only
entries that point at nothing (readers check each one against the order's own events), and
of two concurrent creates of one id under two homes at most one writes (docs/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import ErrorCode, OrdoError
from store import Call, Store
from store.argv import FenceArgs, HomeClaimArgs, IndexOrderArgs, UnindexOrderArgs
from store.keys import (
    Home,
    entity_index_keys,
    fence_keys,
    home_claim_keys,
    home_generation_key,
    index_order_keys,
)
from store.replies import Outcome, reply_of

TAKEOVERS = 5  # claims taken from one another by concurrent creates before giving up
GRACE_SECONDS = 60.0  # an index entry younger than this may belong to a create in flight


@dataclass(frozen=True)
class Claim:
    home: Home
    generation: int


async def between_steps(step: str, order_id: str) -> None:
    """Test-only seam between the steps of a cross-slot write ("claimed", "indexed"): tests
    replace it to stop the work there, as a process dying between the steps would. The
    service leaves it as it is: doing nothing."""


def claim_call(order_id: str, home: Home, replaces: Claim | Home | None = None) -> Call:
    """The claim script's call. `replaces`: a claim whose home was fenced (a Home alone, as
    older callers give it, takes over whatever generation the claim has)."""
    own = Home.of_order(order_id)
    replaced = replaces.home if isinstance(replaces, Claim) else replaces
    generation = str(replaces.generation) if isinstance(replaces, Claim) else ""
    args = HomeClaimArgs(home.tag, own.tag, replaced.tag if replaced else "", generation)
    return ("claim_order_home", home_claim_keys(order_id), args)


async def claim(
    store: Store, order_id: str, home: Home, replaces: Claim | Home | None = None
) -> Claim:
    raw = await store.run(*claim_call(order_id, home, replaces))
    tag, generation = reply_of(raw).payload  # the home recorded, and its generation
    return Claim(Home(tag), int(generation))


async def fence(store: Store, order_id: str, held: Claim) -> bool:
    """Refuse, at the claim's home, every create still carrying its generation. False: the
    order already lives there, so the claim must stay."""
    args = FenceArgs(held.generation)
    raw = await store.run("fence_order_home", fence_keys(held.home, order_id), args)
    return reply_of(raw).outcome is Outcome.FENCED


async def hold(store: Store, order_id: str, home: Home, stale: Claim | None = None) -> Claim:
    """The claim on `home`, taking over a recorded home that holds no order. Answers the claim
    of the home where the order already lives if it lives elsewhere. `stale`: this create's
    own claim, found fenced by the create script, to be claimed again with a new generation.
    """
    held = await claim(store, order_id, home, replaces=stale)
    for _ in range(TAKEOVERS):
        if held.home == home or not await fence(store, order_id, held):
            return held
        held = await claim(store, order_id, home, replaces=held)
    raise OrdoError(ErrorCode.ORDER_CONFLICT, field=["input", "orderId"])


async def index(store: Store, entity_id: str, order_id: str, held: Claim) -> None:
    args = IndexOrderArgs(order_id, held.home.tag, held.generation)
    raw = await store.run("index_order", index_order_keys(entity_id), args)
    reply_of(raw)  # STALE: a newer claim's entry is there, which stays


async def drop_stale_entries(
    store: Store, entity_id: str, missing: dict[str, Home], foreign: dict[str, Home]
) -> None:
    """Drop the entity's index entries that can never lead to one of its orders.

    `foreign`: the order under the listed home names another entity (an order's entity never
    changes). `missing`: no order under the listed home, and none can ever be written there,
    because the claim moved on to a newer generation (that home was fenced first), or because
    the entry is older than the grace period and fencing its home now finds no order.
    Each drop holds only if the entry was not written again since.
    """
    listed = {**missing, **foreign}
    ids = list(listed)
    keys = entity_index_keys(entity_id)
    index, claims = keys
    homes, entries, (now, _), *claimed = await store.read_many(
        [("HMGET", index, *ids), ("HMGET", claims, *ids), ("TIME",)]
        + [("GET", home_generation_key(order_id)) for order_id in ids]
    )
    for order_id, home, entry, current in zip(ids, homes, entries, claimed, strict=True):
        if home != listed[order_id].tag:
            continue  # written again since it was read
        generation, written = (int(part) for part in (entry or "0 0").split())
        held = Claim(listed[order_id], generation)
        if order_id in foreign or await _never_written(
            store, order_id, held, int(current or 0), int(now) - written
        ):
            args = UnindexOrderArgs(order_id, generation)
            reply_of(await store.run("unindex_order", keys, args))


async def _never_written(store: Store, order_id: str, held: Claim, current: int, age: int) -> bool:
    if current > held.generation:
        return True  # the claim moved on, and this home was fenced for this generation first
    return age >= GRACE_SECONDS and await fence(store, order_id, held)

"""`ordo import-mongo`: seed 000's users, orders and promos written through the scripts.

Users first, then plain orders, then each promo: its counters (createPromo), the activations
its users redeemed before ordo (import_promo_usage), then its open orders (createOrder with
their own ids, each reserving as a client's would). Every document is checked whole before
anything of it is written; each step is idempotent, so a second import changes nothing and a
rerun after an interrupted one completes it.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.errors import ErrorCode, OrdoError
from domain.order import PromoActivation
from domain.seed import SeedPromo, SeedRefused, read_plain_order, read_promo, read_user
from resolvers import orders as order_ops
from resolvers import promos, users
from store import Store
from store.keys import promo_keys, promo_usage_keys, user_key
from store.replies import promo_from_fields, reply_of

Labeled = tuple[str, Any]  # where a document came from ("promos.json #3"), the document


@dataclass(frozen=True)
class SeedDocuments:
    users: Sequence[Labeled] = ()
    orders: Sequence[Labeled] = ()
    promos: Sequence[Labeled] = ()

    def __len__(self) -> int:
        return len(self.users) + len(self.orders) + len(self.promos)


class Outcome(enum.Enum):
    CREATED = "created"
    PRESENT = "already present"
    REFUSED = "refused"


@dataclass
class ImportReport:
    tally: Counter[tuple[str, Outcome]] = field(default_factory=Counter)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (label, reason)

    def count(self, kind: str, outcome: Outcome) -> int:
        return self.tally[kind, outcome]


class _Refused(Exception):
    def __init__(self, *reasons: str) -> None:
        self.reasons = reasons


async def import_seed(
    store: Store, docs: SeedDocuments, step: Callable[[], None] = lambda: None
) -> ImportReport:
    """Import every document in order, calling `step` after each (a progress bar)."""
    run = _Import(store)
    steps: list[tuple[str, Sequence[Labeled], Callable[[Any, str], Awaitable[Outcome]]]] = [
        ("users", docs.users, run.user),
        ("orders", docs.orders, run.plain_order),
        ("promos", docs.promos, run.promo),
    ]
    for kind, labeled, one in steps:
        for label, doc in labeled:
            try:
                run.report.tally[kind, await one(doc, label)] += 1
            except (_Refused, SeedRefused, OrdoError) as refusal:
                run.report.tally[kind, Outcome.REFUSED] += 1
                run.report.refused += [(label, reason) for reason in _reasons(refusal)]
            step()
    return run.report


def _reasons(refusal: Exception) -> Sequence[str]:
    if isinstance(refusal, _Refused | SeedRefused):
        return refusal.reasons
    assert isinstance(refusal, OrdoError)
    return [str(refusal)]


class _Import:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.report = ImportReport()
        self.taken: dict[str, str] = {}  # order id -> label of the document that brought it

    async def user(self, doc: Any, label: str) -> Outcome:
        user_id = read_user(doc)
        known = await self.store.read("EXISTS", user_key(user_id))
        await users.create_user(self.store, user_id)
        return Outcome.PRESENT if known else Outcome.CREATED

    async def plain_order(self, doc: Any, label: str) -> Outcome:
        order_id = read_plain_order(doc)
        present = await _existing(self.store, order_id, None)
        self.taken.setdefault(order_id, label)  # the same plain order twice is one order
        await order_ops.create_order_with_id(self.store, order_id)
        return Outcome.PRESENT if present else Outcome.CREATED

    async def promo(self, doc: Any, label: str) -> Outcome:
        promo = read_promo(doc)
        await _check_users_known(self.store, promo)
        present = await _check_orders(self.store, promo, label, self.taken)
        created = await _create_promo(self.store, promo)
        written = await _import_usage(self.store, promo)
        for order in promo.open_orders:
            activation = PromoActivation(promo.promo_id, order.user_id)
            await order_ops.create_order_with_id(self.store, order.order_id, activation)
            self.taken[order.order_id] = label
        new_orders = len(promo.open_orders) - len(present)
        self.report.tally["promo orders", Outcome.CREATED] += new_orders
        self.report.tally["promo orders", Outcome.PRESENT] += len(present)
        return Outcome.CREATED if created or written or new_orders else Outcome.PRESENT


async def _existing(store: Store, order_id: str, promo: PromoActivation | None) -> bool:
    """Whether the order is already there; one with another promo (or an entity) is refused."""
    order = await order_ops.find_order(store, order_id)
    if order is not None and (order.promo != promo or order.entity_id is not None):
        raise _Refused(f"order {order_id} exists with other content")
    return order is not None


async def _check_users_known(store: Store, promo: SeedPromo) -> None:
    named = sorted(promo.users)
    exists = await store.read_many([("EXISTS", user_key(user_id)) for user_id in named])
    unknown = [user_id for user_id, found in zip(named, exists, strict=True) if not found]
    if unknown:
        raise _Refused(*(f"unknown user {user_id}" for user_id in unknown))


async def _check_orders(
    store: Store, promo: SeedPromo, label: str, taken: Mapping[str, str]
) -> set[str]:
    """The promo's orders already imported; refused if one of them belongs to another."""
    reasons = [
        f"order {order.order_id} is also in {taken[order.order_id]}"
        for order in promo.open_orders
        if taken.get(order.order_id, label) != label
    ]
    if reasons:
        raise _Refused(*reasons)
    present = set()
    for order in promo.open_orders:
        activation = PromoActivation(promo.promo_id, order.user_id)
        if await _existing(store, order.order_id, activation):
            present.add(order.order_id)
    return present


async def _create_promo(store: Store, promo: SeedPromo) -> bool:
    """True when created; an existing promo must have the same perUserCount (its count may
    have moved since: redeems lower it)."""
    try:
        await promos.create_promo(store, promo.promo_id, promo.count, promo.per_user_count)
        return True
    except OrdoError as error:
        if error.code is not ErrorCode.PROMO_EXISTS:
            raise
    stored = promo_from_fields(
        promo.promo_id, await store.read("HGETALL", promo_keys(promo.promo_id).promo_key)
    )
    if stored.per_user_count != promo.per_user_count:
        raise _Refused(f"promo exists with perUserCount {stored.per_user_count}") from None
    return False


async def _import_usage(store: Store, promo: SeedPromo) -> int:
    """Redeemed activations with no order in ordo; returns how many users were written."""
    if not promo.used:
        return 0
    # (user id, used) pairs: the whole of the script's ARGV, its rest (store/argv.py).
    args: list[str | int] = [value for pair in promo.used for value in pair]
    raw = await store.run("import_promo_usage", promo_usage_keys(promo.promo_id), args)
    (written,) = reply_of(raw).payload
    return int(written)

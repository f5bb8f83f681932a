"""`ordo verify`: every order's stored state against its folded events, and every promo's
counters against its OPEN orders (SPEC §2, §3.3), and every entity's order against the
pages' listing of its home (its current version there, its home among the entity's). It only
reads.

Each order, and each promo with its OPEN orders, is read by one script (an atomic snapshot),
so a change made while verify runs is not mistaken for a discrepancy: a promo's snapshot is
taken again with any open order it did not know of yet.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from domain.audit import PromoSnapshot, order_discrepancies, promo_discrepancies
from store import Store
from store.argv import NoArgs
from store.keys import (
    Home,
    entity_homes_key,
    home_key,
    order_key_pattern,
    order_listing_keys,
    order_of_key,
    promo_key_pattern,
    promo_of_key,
    promo_state_keys,
)
from store.keyspace import scan_keys
from store.replies import order_from_entries, reply_of

BATCH = 100  # orders read concurrently
ATTEMPTS = 5  # snapshots of one busy promo before it is reported as unsettled


@dataclass
class Verification:
    orders: int = 0
    promos: int = 0
    discrepancies: list[str] = field(default_factory=list)
    unsettled: list[str] = field(default_factory=list)  # promos that kept changing


@dataclass
class _PromoOrders:
    """What the order pass saw of one promo's orders."""

    open: set[str] = field(default_factory=set)
    redeemed: Counter[str] = field(default_factory=Counter)


async def verify_store(store: Store) -> Verification:
    """Every order and every promo the keyspace holds."""
    return await verify(store, await _all_orders(store), await _all_promos(store))


async def verify(
    store: Store, located: list[tuple[Home, str]], promo_ids: set[str]
) -> Verification:
    """These orders (home, id) and these promos, checked against the promos' orders."""
    result = Verification()
    seen: defaultdict[str, _PromoOrders] = defaultdict(_PromoOrders)
    for start in range(0, len(located), BATCH):
        await _verify_orders(store, located[start : start + BATCH], result, seen)
    for promo_id in sorted(set(seen) - promo_ids):
        result.discrepancies.append(f"promo {promo_id}: has orders but no counters")
    ordered = sorted(promo_ids)
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        found = await asyncio.gather(
            *(_verify_promo(store, p, seen.get(p, _PromoOrders())) for p in batch)
        )
        for promo_id, problems in zip(batch, found, strict=True):
            _record_promo(result, promo_id, problems)
    return result


def _record_promo(result: Verification, promo_id: str, problems: list[str] | None) -> None:
    if problems is None:
        result.unsettled.append(promo_id)
        return
    result.promos += 1
    result.discrepancies += [f"promo {promo_id}: {problem}" for problem in problems]


async def _all_orders(store: Store) -> list[tuple[Home, str]]:
    keys = await scan_keys(store, order_key_pattern())
    return [found for found in map(order_of_key, keys) if found is not None]


async def _all_promos(store: Store) -> set[str]:
    keys = await scan_keys(store, promo_key_pattern())
    return {promo_id for promo_id in map(promo_of_key, keys) if promo_id is not None}


def _pairs(flat: list[Any]) -> dict[str, str]:
    return dict(zip(flat[::2], flat[1::2], strict=True))


async def _verify_orders(
    store: Store,
    batch: list[tuple[Home, str]],
    result: Verification,
    seen: defaultdict[str, _PromoOrders],
) -> None:
    snapshots = await asyncio.gather(
        *(
            store.run("read_order_state", order_listing_keys(home, order_id), NoArgs())
            for home, order_id in batch
        )
    )
    recorded = await store.read_many([("GET", home_key(order_id)) for _, order_id in batch])
    states = [reply_of(raw).payload for raw in snapshots]
    # Read after the states: index_order adds a home before any order is created under it.
    homes = await store.read_many(
        [
            ("SISMEMBER", entity_homes_key(entity), home.tag)
            for (home, _), (fields, *_) in zip(batch, states, strict=True)
            if (entity := _pairs(fields).get("entityId"))
        ]
    )
    shown = iter(homes)
    for (home, order_id), payload, tag in zip(batch, states, recorded, strict=True):
        state_fields, item_fields, entries, in_listing = payload
        state, items = _pairs(state_fields), _pairs(item_fields)
        problems = _home_discrepancies(home, order_id, state, tag)
        if state.get("entityId") and not (int(next(shown)) and int(in_listing)):
            problems.append(
                f"is missing from entity {state['entityId']}'s page index (`ordo reindex`)"
            )
        try:
            problems += order_discrepancies(order_from_entries(order_id, entries), state, items)
        except (ValueError, KeyError, TypeError) as error:
            problems.append(f"its events cannot be folded: {error!r}")
        result.orders += 1
        result.discrepancies += [f"order {order_id}: {problem}" for problem in problems]
        if home.promo_id and state.get("promoId") == home.promo_id:
            _tally(seen[home.promo_id], order_id, state)


def _home_discrepancies(
    home: Home, order_id: str, state: dict[str, str], recorded: str | None
) -> list[str]:
    """An order lives under the home its state names, and its id leads there."""
    own = Home.of_order(order_id)
    if state.get("promoId"):
        belongs = Home.of_promo(state["promoId"])
    else:
        belongs = Home.of_entity(state["entityId"]) if state.get("entityId") else own
    problems = []
    if belongs != home:
        problems.append(f"is stored under {{{home.tag}}} but belongs under {{{belongs.tag}}}")
    if (recorded or own.tag) != home.tag:
        problems.append(f"is stored under {{{home.tag}}} but its id leads to {{{recorded}}}")
    return problems


def _tally(promo: _PromoOrders, order_id: str, state: dict[str, str]) -> None:
    if state.get("status") == "OPEN":
        promo.open.add(order_id)
    elif state.get("status") == "COMPLETED":
        promo.redeemed[state.get("userId", "")] += 1


async def _verify_promo(store: Store, promo_id: str, orders: _PromoOrders) -> list[str] | None:
    """The promo's discrepancies; None if it changed in every snapshot taken."""
    candidates = set(orders.open)
    for _ in range(ATTEMPTS):
        ids = sorted(candidates)
        raw = await store.run("read_promo_state", promo_state_keys(promo_id, ids), NoArgs())
        fields, used, open_by_user, members, statuses = reply_of(raw).payload
        if unknown := set(members) - candidates:
            candidates |= unknown  # opened since the order pass: read it in the same snapshot
            continue
        snapshot = PromoSnapshot(
            fields=_pairs(fields),
            used=_pairs(used),
            open_by_user=_pairs(open_by_user),
            open_orders=frozenset(members),
            open_order_users={
                order_id: user
                for order_id, (status, user) in zip(ids, statuses, strict=True)
                if status == "OPEN"
            },
            redeemed=orders.redeemed,
        )
        return promo_discrepancies(snapshot)
    return None

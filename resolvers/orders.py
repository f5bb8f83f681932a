"""Promo orders (seed 000): create, complete, cancel, and reading an order by id."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from typing import TypeVar

from domain.errors import ErrorCode, OrdoError
from domain.order import Order, PromoActivation
from domain.validation import check_id, invalid
from resolvers import homes, idempotency
from resolvers.keys import Home, events_key, home_key, order_promo_keys, promo_keys
from resolvers.metrics import measured
from resolvers.replies import Raw, order_from_entries, order_from_reply, order_id_from_reply
from resolvers.store import Call, Store
from resolvers.users import ensure_user_known

INPUT = ("input",)
T = TypeVar("T")
Answer = Callable[[str, Raw, Sequence[str]], T]  # what a caller reads from a script's reply
_PLAIN_CREATED = json.dumps({"entityId": None, "type": None})


def new_order_id() -> str:
    """128 random bits as 32 hex digits, like a uuid4's hex without building a UUID."""
    return secrets.token_hex(16)


def _promo_input(user_id: str | None, promo_id: str | None) -> PromoActivation | None:
    if user_id is not None:
        check_id(user_id, [*INPUT, "userId"])
    if promo_id is not None:
        check_id(promo_id, [*INPUT, "promoId"])
    if (user_id is None) != (promo_id is None):
        missing = "promoId" if promo_id is None else "userId"
        raise invalid([*INPUT, missing], "userId and promoId come together or not at all")
    return PromoActivation(promo_id, user_id) if promo_id and user_id else None


@measured("createOrder")
async def create_order(
    store: Store,
    user_id: str | None = None,
    promo_id: str | None = None,
    idempotency_key: str | None = None,
) -> Order:
    return await _create(store, user_id, promo_id, idempotency_key, order_from_reply)


@measured("createOrder")
async def create_order_id(
    store: Store,
    user_id: str | None = None,
    promo_id: str | None = None,
    idempotency_key: str | None = None,
) -> str:
    """createOrder for a caller that answers only the new order's id (legacy REST)."""
    return await _create(store, user_id, promo_id, idempotency_key, order_id_from_reply)


async def _create(
    store: Store,
    user_id: str | None,
    promo_id: str | None,
    idempotency_key: str | None,
    answer: Answer[T],
) -> T:
    promo = _promo_input(user_id, promo_id)
    if idempotency_key is not None:
        check_id(idempotency_key, [*INPUT, "idempotencyKey"])
    if promo:
        await ensure_user_known(store, promo.user_id, [*INPUT, "userId"])
    if idempotency_key is None:
        return await _open(store, new_order_id(), promo, answer)
    fingerprint = json.dumps([promo.promo_id, promo.user_id] if promo else None)
    try:
        held = await idempotency.claim(store, idempotency_key, fingerprint, new_order_id())
    except OrdoError:
        if promo:  # a missing promo (404) outranks a reused key (409)
            await ensure_promo_exists(store, promo.promo_id, [*INPUT, "promoId"])
        raise
    try:
        return await _open(store, held.order_id, promo, answer)
    except OrdoError:
        await idempotency.forget(store, held)
        raise


async def create_order_with_id(
    store: Store, order_id: str, promo: PromoActivation | None = None
) -> Order:
    """createOrder under an id chosen elsewhere (the seed import). The same id with the same
    promo answers the order as it is; an id living under another home or with another
    activation is ORDER_CONFLICT."""
    check_id(order_id, ["orderId"])
    if promo:
        check_id(promo.promo_id, ["promoId"])
        check_id(promo.user_id, ["userId"])
        await ensure_user_known(store, promo.user_id, ["userId"])
    home = Home.of_promo(promo.promo_id) if promo else Home.of_order(order_id)
    if await claim_home(store, order_id, home) != home:
        raise OrdoError(ErrorCode.ORDER_CONFLICT, field=["orderId"])
    order = await _open(store, order_id, promo, order_from_reply)
    if order.promo != promo:
        raise OrdoError(ErrorCode.ORDER_CONFLICT, field=["orderId"])
    return order


async def ensure_promo_exists(store: Store, promo_id: str, field: list[str]) -> None:
    """For a refusal that a missing promo (404) outranks (SPEC §3.1)."""
    if not await store.read("EXISTS", promo_keys(promo_id).promo_key):
        raise OrdoError(ErrorCode.PROMO_NOT_FOUND, field=field)


async def _open(
    store: Store,
    order_id: str,
    promo: PromoActivation | None,
    answer: Answer[T],
) -> T:
    home = Home.of_promo(promo.promo_id) if promo else Home.of_order(order_id)
    args = [order_id, promo.promo_id, promo.user_id] if promo else [order_id, "", ""]
    create: Call = ("create_order", order_promo_keys(home, order_id), [*args, _PLAIN_CREATED])
    if not promo:
        return answer(order_id, await store.run(*create), INPUT)
    # The id is new (or an idempotent repeat with this very promo), so the claim cannot find
    # another home; it only has to land before the order does.
    _, reply = await store.run_in_order([homes.claim_call(order_id, home), create])
    return answer(order_id, reply, INPUT)


async def claim_home(store: Store, order_id: str, home: Home, replaces: Home | None = None) -> Home:
    """Record the order's home before writing it there; returns the home already recorded.

    `replaces`: a recorded home found to hold no order, to be taken over (resolvers/homes.py
    takes over only after fencing it).
    """
    return (await homes.claim(store, order_id, home, replaces)).home


async def locate(store: Store, order_id: str) -> Home:
    tag = await store.read("GET", home_key(order_id))
    return Home(tag) if tag else Home.of_order(order_id)


async def read_order(store: Store, order_id: str, home: Home) -> Order | None:
    entries = await store.read("XRANGE", events_key(home, order_id), "-", "+")
    return order_from_entries(order_id, entries)


async def find_order(store: Store, order_id: str) -> Order | None:
    return await read_order(store, order_id, await locate(store, order_id))


@measured("order")
async def get_order(store: Store, order_id: str) -> Order:
    check_id(order_id, ["orderId"])
    order = await find_order(store, order_id)
    if order is None:
        raise OrdoError(ErrorCode.ORDER_NOT_FOUND, field=["orderId"])
    return order


async def _close(store: Store, script: str, order_id: str) -> Order:
    check_id(order_id, ["orderId"])
    home = await locate(store, order_id)
    reply = await store.run(script, order_promo_keys(home, order_id), [order_id])
    return order_from_reply(order_id, reply)


@measured("completeOrder")
async def complete_order(store: Store, order_id: str) -> Order:
    return await _close(store, "complete_order", order_id)


@measured("cancelOrder")
async def cancel_order(store: Store, order_id: str) -> Order:
    return await _close(store, "cancel_order", order_id)

"""Promo orders (seed 000): create, complete, cancel, and reading an order by id."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from domain import access
from domain.access import Caller
from domain.errors import ErrorCode, OrdoError
from domain.order import Order, PromoActivation
from domain.validation import check_id, invalid
from metrics.counters import measured
from resolvers import idempotency
from resolvers.memory import memory
from resolvers.order_reads import read_orders
from resolvers.users import ensure_user_known
from store import Call, Store, homes
from store.argv import ChangeArgs, CreateOrderArgs
from store.keys import Home, home_key, order_promo_keys, promo_keys
from store.replies import Raw, order_from_reply, order_id_from_reply

INPUT = ("input",)
T = TypeVar("T")
Answer = Callable[[str, Raw, Sequence[str]], T]  # what a caller reads from a script's reply


def created_data(data: Mapping[str, object], owner: str | None) -> str:
    """ORDER_CREATED's data; `ownerId` only on an order a customer made (SPEC §3.3, §9)."""
    return json.dumps({**data, "ownerId": owner} if owner else data)


_PLAIN = {"entityId": None, "type": None}
_PLAIN_CREATED = created_data(_PLAIN, None)  # the common case, made once


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
    caller: Caller = access.ANONYMOUS,
) -> Order:
    return await _create(store, user_id, promo_id, idempotency_key, caller, order_from_reply)


@measured("createOrder")
async def create_order_id(
    store: Store,
    user_id: str | None = None,
    promo_id: str | None = None,
    idempotency_key: str | None = None,
    caller: Caller = access.ANONYMOUS,
) -> str:
    """createOrder for a caller that answers only the new order's id (legacy REST)."""
    return await _create(store, user_id, promo_id, idempotency_key, caller, order_id_from_reply)


async def _create(
    store: Store,
    user_id: str | None,
    promo_id: str | None,
    idempotency_key: str | None,
    caller: Caller,
    answer: Answer[T],
) -> T:
    if user_id is not None or promo_id is not None:  # an activation is asked for: whose?
        user_id = access.acting_user(caller, user_id, [*INPUT, "userId"])
    owner = access.owner(caller)
    promo = _promo_input(user_id, promo_id)
    if idempotency_key is not None:
        check_id(idempotency_key, [*INPUT, "idempotencyKey"])
    if promo:
        await ensure_user_known(store, promo.user_id, [*INPUT, "userId"])
    if idempotency_key is None:
        return await _open(store, new_order_id(), promo, answer, owner)
    fingerprint = json.dumps([promo.promo_id, promo.user_id] if promo else None)
    if owner:  # the key answers only its owner: another customer's repeat is a reuse (409)
        fingerprint = json.dumps([fingerprint, owner])
    try:
        held = await idempotency.claim(store, idempotency_key, fingerprint, new_order_id())
    except OrdoError:
        if promo:  # a missing promo (404) outranks a reused key (409)
            await ensure_promo_exists(store, promo.promo_id, [*INPUT, "promoId"])
        raise
    try:
        return await _open(store, held.order_id, promo, answer, owner)
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
    owner: str | None = None,
) -> T:
    home = Home.of_promo(promo.promo_id) if promo else Home.of_order(order_id)
    promo_id, user_id = (promo.promo_id, promo.user_id) if promo else ("", "")
    created = created_data(_PLAIN, owner) if owner else _PLAIN_CREATED
    args = CreateOrderArgs(order_id, promo_id, user_id, created, owner or "")
    create: Call = ("create_order", order_promo_keys(home, order_id), args)
    if not promo:
        return answer(order_id, await store.run(*create), INPUT)
    # The id is new (or an idempotent repeat with this very promo), so the claim cannot find
    # another home; it only has to land before the order does.
    _, reply = await store.run_in_order([homes.claim_call(order_id, home), create])
    return answer(order_id, reply, INPUT)


async def claim_home(store: Store, order_id: str, home: Home, replaces: Home | None = None) -> Home:
    """Record the order's home before writing it there; returns the home already recorded.

    `replaces`: a recorded home found to hold no order, to be taken over (store/homes.py
    takes over only after fencing it).
    """
    return (await homes.claim(store, order_id, home, replaces)).home


async def locate(store: Store, order_id: str) -> Home:
    tag = await store.read("GET", home_key(order_id))
    return Home(tag) if tag else Home.of_order(order_id)


async def read_order(store: Store, order_id: str, home: Home) -> Order | None:
    (order,) = await read_orders(store, [(order_id, home)])
    return order


async def find_order(store: Store, order_id: str) -> Order | None:
    kept = memory(store).folded.home(order_id)
    if kept is not None:
        order = await read_order(store, order_id, kept)
        if order is not None:
            return order
    return await read_order(store, order_id, await locate(store, order_id))


@measured("order")
async def get_order(store: Store, order_id: str, caller: Caller = access.ANONYMOUS) -> Order:
    check_id(order_id, ["orderId"])
    order = await find_order(store, order_id)
    if order is None:
        raise OrdoError(ErrorCode.ORDER_NOT_FOUND, field=["orderId"])
    access.ensure_visible(caller, order.owner_id)
    return order


def change_args(order_id: str, caller: Caller) -> ChangeArgs:
    """The first ARGV of every script that changes an order: its id, and the owner it must
    have for this caller ('' for any), which the script checks before it writes."""
    return ChangeArgs(order_id, access.owner(caller) or "")


async def _close(store: Store, script: str, order_id: str, caller: Caller) -> Order:
    check_id(order_id, ["orderId"])
    home = await locate(store, order_id)
    reply = await store.run(script, order_promo_keys(home, order_id), change_args(order_id, caller))
    return order_from_reply(order_id, reply)


@measured("completeOrder")
async def complete_order(store: Store, order_id: str, caller: Caller = access.ANONYMOUS) -> Order:
    return await _close(store, "complete_order", order_id, caller)


@measured("cancelOrder")
async def cancel_order(store: Store, order_id: str, caller: Caller = access.ANONYMOUS) -> Order:
    return await _close(store, "cancel_order", order_id, caller)

"""Orders with items (seed 003): create, update, decline, restore, list by entity."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from domain import access
from domain.access import Caller
from domain.codec import canonical_json, item_fingerprint, item_to_json, type_kind, type_to_json
from domain.commands import RawItem, RawPromo, RawType
from domain.errors import ErrorCode, OrdoError, not_open_code
from domain.order import Order, OrderItem, OrderStatus, OrderType, PromoActivation
from domain.validation import check_count, check_id, check_ids, invalid, parse_items, parse_type
from metrics.counters import measured
from resolvers.order_reads import read_orders
from resolvers.orders import change_args, created_data, ensure_promo_exists, locate, read_order
from resolvers.users import ensure_user_known
from store import Store, homes
from store.argv import ItemsCreateArgs, UpdateOrderArgs
from store.keys import (
    Home,
    entity_orders_key,
    items_create_keys,
    listed_order_keys,
    listed_order_promo_keys,
)
from store.replies import Outcome, order_from_reply, order_unless

INPUT = ("input",)


def _item_args(items: Sequence[OrderItem]) -> list[str | int]:
    """A triple per item: id, content fingerprint (what scripts compare), ITEM_ADDED data."""
    args: list[str | int] = []
    for item in items:
        data = json.dumps({"item": item_to_json(item)})
        args += [item.order_item_id, item_fingerprint(item), data]
    return args


def _type_args(order_type: OrderType | None) -> tuple[str, str, str]:
    """kind, canonical type content (what scripts compare), and the event data naming it."""
    if order_type is None:
        return "", "", ""
    content = type_to_json(order_type)
    return type_kind(order_type), canonical_json(content), json.dumps({"type": content})


_PROMO_USER = (*INPUT, "promo", "userId")


def _promo(promo_id: str, user_id: str | None) -> PromoActivation:
    check_id(promo_id, [*INPUT, "promo", "promoId"])
    if user_id is None:  # omitted by a caller that acts for anyone: whom for is unknown
        raise invalid(_PROMO_USER, "userId is required")
    check_id(user_id, _PROMO_USER)
    return PromoActivation(promo_id, user_id)


@measured("createOrderWithItems")
async def create_order_with_items(
    store: Store,
    order_id: str,
    entity_id: str,
    raw_type: RawType,
    raw_items: Sequence[RawItem],
    promo: RawPromo | None = None,
    caller: Caller = access.ANONYMOUS,
) -> Order:
    user_id = access.acting_user(caller, promo.user_id, _PROMO_USER) if promo else None
    check_id(order_id, [*INPUT, "orderId"])
    check_id(entity_id, [*INPUT, "entityId"])
    order_type = parse_type(raw_type, [*INPUT, "type"])
    items = parse_items(raw_items, [*INPUT, "items"])
    activation = _promo(promo.promo_id, user_id) if promo else None
    if activation:
        await ensure_user_known(store, activation.user_id, _PROMO_USER)
    home = Home.of_promo(activation.promo_id) if activation else Home.of_entity(entity_id)
    kind, content, _ = _type_args(order_type)
    owner = access.owner(caller)
    created = created_data({"entityId": entity_id, "type": type_to_json(order_type)}, owner)
    promo_id, user_id = (activation.promo_id, activation.user_id) if activation else ("", "")
    keys = items_create_keys(home, order_id)
    item_args = _item_args(items)
    held: homes.Claim | None = None
    for _ in range(homes.TAKEOVERS):
        held = await _settle_home(store, order_id, entity_id, home, stale=held)
        args = ItemsCreateArgs(
            order_id, entity_id, kind, content, promo_id, user_id, owner or "", created,
            generation=held.generation, item_count=len(items),
        )  # fmt: skip
        reply = await store.run("create_order_with_items", keys, [*args, *item_args])
        if order := order_unless(Outcome.FENCED, order_id, reply, INPUT):
            return order
        # Another create took the claim over since this one held it: claim again.
    raise OrdoError(ErrorCode.ORDER_CONFLICT, field=[*INPUT, "orderId"])


async def _settle_home(
    store: Store, order_id: str, entity_id: str, home: Home, stale: homes.Claim | None
) -> homes.Claim:
    """Hold the order's home claim, then list it under its entity: both before writing it
    (store/homes.py). Listing only after the claim holds keeps a refused create from
    re-pointing the entry of an order that lives elsewhere.
    """
    held = await homes.hold(store, order_id, home, stale)
    if held.home != home:
        raise await _exists_elsewhere(store, await read_order(store, order_id, held.home), home)
    await homes.between_steps("claimed", order_id)
    await homes.index(store, entity_id, order_id, held)
    await homes.between_steps("indexed", order_id)
    return held


async def _exists_elsewhere(store: Store, existing: Order | None, home: Home) -> OrdoError:
    """An order with this id lives under another promo or entity, so its content differs;
    but a promo asked for that does not exist is reported first (404 outranks 409, §3.1)."""
    if home.promo_id is not None:
        await ensure_promo_exists(store, home.promo_id, [*INPUT, "promo", "promoId"])
    code = not_open_code(existing.status) if existing else None
    return OrdoError(code or ErrorCode.ORDER_CONFLICT, field=[*INPUT, "orderId"])


@measured("updateOrder")
async def update_order(
    store: Store,
    order_id: str,
    raw_type: RawType | None = None,
    cancel_item_ids: Sequence[str] | None = None,
    raw_add_items: Sequence[RawItem] | None = None,
    expected_version: int | None = None,
    caller: Caller = access.ANONYMOUS,
) -> Order:
    check_id(order_id, [*INPUT, "orderId"])
    order_type = parse_type(raw_type, [*INPUT, "type"]) if raw_type else None
    cancel_ids = check_ids(list(cancel_item_ids or []), [*INPUT, "cancelItemIds"])
    add_items = parse_items(list(raw_add_items or []), [*INPUT, "addItems"])
    for index, item in enumerate(add_items):
        if item.order_item_id in cancel_ids:
            where = [*INPUT, "addItems", str(index), "orderItemId"]
            raise OrdoError(ErrorCode.ITEM_ADDED_AND_CANCELLED, field=where)
    if expected_version is not None:
        check_count(expected_version, [*INPUT, "expectedVersion"])
    home = await locate(store, order_id)
    version = "" if expected_version is None else str(expected_version)
    kind, content, updated = _type_args(order_type)
    args = UpdateOrderArgs(
        *change_args(order_id, caller), version, kind, content, updated,
        cancel_count=len(cancel_ids), add_count=len(add_items),
    )  # fmt: skip
    rest = [*cancel_ids, *_item_args(add_items)]
    reply = await store.run("update_order", listed_order_keys(home, order_id), [*args, *rest])
    return order_from_reply(order_id, reply, INPUT)


@measured("declineOrder")
async def decline_order(
    store: Store, order_id: str, caller: Caller = access.ANONYMOUS
) -> Order | None:
    """Unknown order (or one hidden from the caller): no error, no order (the seed names no
    failure of decline)."""
    check_id(order_id, ["orderId"])
    home = await locate(store, order_id)
    args = change_args(order_id, caller)
    reply = await store.run("decline_order", listed_order_promo_keys(home, order_id), args)
    return order_unless(Outcome.ABSENT, order_id, reply)


@measured("restoreOrder")
async def restore_order(store: Store, order_id: str, caller: Caller = access.ANONYMOUS) -> Order:
    check_id(order_id, ["orderId"])
    home = await locate(store, order_id)
    args = change_args(order_id, caller)
    reply = await store.run("restore_order", listed_order_promo_keys(home, order_id), args)
    return order_from_reply(order_id, reply)


def _listing_key(order: Order) -> tuple[bool, date, str]:
    start = order.earliest_start
    return (start is None, start or date.max, order.order_id)


@measured("orders")
async def list_orders(
    store: Store,
    entity_id: str,
    include_declined: bool = False,
    caller: Caller = access.ANONYMOUS,
) -> list[Order]:
    """The entity's orders by earliest active period start; orders without items last. A
    customer's listing holds only the orders it owns."""
    check_id(entity_id, ["entityId"])
    listed = await store.read("HGETALL", entity_orders_key(entity_id))
    ids = list(listed)
    read = await read_orders(store, [(order_id, Home(listed[order_id])) for order_id in ids])
    found = dict(zip(ids, read, strict=True))
    # An entry is trusted only if the order's own events name this entity (SPEC: index first);
    # one that provably never will is dropped.
    missing = {order_id: Home(listed[order_id]) for order_id, o in found.items() if o is None}
    foreign = {
        order_id: Home(listed[order_id])
        for order_id, o in found.items()
        if o is not None and o.entity_id != entity_id
    }
    if missing or foreign:
        await homes.drop_stale_entries(store, entity_id, missing, foreign)
    orders = [
        order
        for order in found.values()
        if order is not None
        and order.entity_id == entity_id
        and (include_declined or order.status is not OrderStatus.DECLINED)
        and access.may_see(caller, order.owner_id)
    ]
    return sorted(orders, key=_listing_key)

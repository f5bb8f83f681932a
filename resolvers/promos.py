"""Admin operations on promo codes and the promo query."""

from __future__ import annotations

import enum
from datetime import datetime

from domain.errors import ErrorCode, OrdoError
from domain.promo import Promo
from domain.validation import check_count, check_id, check_window, invalid
from metrics.counters import measured
from store import Store
from store.argv import CreatePromoArgs, RegisterPromoArgs, UpdatePromoArgs
from store.keys import promo_counter_keys, promo_keys, registry_keys
from store.replies import datetime_to_micros, promo_from_fields, promo_from_reply, reply_of

INPUT = ("input",)


class Keep(enum.Enum):
    """An update field that was not given: the stored value stays."""

    KEEP = "keep"


KEEP = Keep.KEEP


def _micros(value: datetime | None) -> str:
    return str(datetime_to_micros(value)) if value is not None else ""


@measured("createPromo")
async def create_promo(
    store: Store,
    promo_id: str,
    count: int,
    per_user_count: int,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Promo:
    check_id(promo_id, [*INPUT, "promoId"])
    check_count(count, [*INPUT, "count"])
    check_count(per_user_count, [*INPUT, "perUserCount"])
    if per_user_count < 1:
        raise invalid([*INPUT, "perUserCount"], "perUserCount must be at least 1")
    check_window(starts_at, ends_at, INPUT)
    reply_of(await store.run("register_promo", registry_keys(), RegisterPromoArgs(promo_id)))
    args = CreatePromoArgs(count, per_user_count, _micros(starts_at), _micros(ends_at))
    raw = await store.run("create_promo", promo_counter_keys(promo_id), args)
    return promo_from_reply(promo_id, raw, INPUT)


def _update_arg(value: int | datetime | Keep | None) -> str:
    if value is KEEP:
        return "keep"
    if value is None:
        return "clear"
    return f"set:{_micros(value) if isinstance(value, datetime) else value}"


@measured("updatePromo")
async def update_promo(
    store: Store,
    promo_id: str,
    count: int | Keep | None = KEEP,
    starts_at: datetime | Keep | None = KEEP,
    ends_at: datetime | Keep | None = KEEP,
) -> Promo:
    check_id(promo_id, [*INPUT, "promoId"])
    if count is None:
        raise invalid([*INPUT, "count"], "count cannot be cleared")
    if count is not KEEP:
        check_count(count, [*INPUT, "count"])
    if isinstance(starts_at, datetime) and isinstance(ends_at, datetime):
        check_window(starts_at, ends_at, INPUT)
    args = UpdatePromoArgs(_update_arg(count), _update_arg(starts_at), _update_arg(ends_at))
    raw = await store.run("update_promo", promo_counter_keys(promo_id), args)
    return promo_from_reply(promo_id, raw, INPUT)


@measured("promo")
async def get_promo(store: Store, promo_id: str) -> Promo:
    check_id(promo_id, ["promoId"])
    fields = await store.read("HGETALL", promo_keys(promo_id).promo_key)
    if not fields:
        raise OrdoError(ErrorCode.PROMO_NOT_FOUND, field=["promoId"])
    return promo_from_fields(promo_id, fields)


async def promo_used(store: Store, promo_id: str, user_id: str) -> int:
    """Activations the user has redeemed (0 for a user without any)."""
    check_id(user_id, ["userId"])
    used = await store.read("HGET", promo_keys(promo_id).used_key, user_id)
    return int(used or 0)

"""`ordo user`, `ordo promo` and `ordo order`: the admin API's operations from a shell.

They call the resolvers the API calls, so a rule holds the same way from both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from domain.order import Order
from domain.promo import Promo
from domain.validation import parse_datetime
from ordo.commands.common import AsJson, RedisUrl, on_store, reported
from ordo.commands.present import echo_json, echo_order, echo_promo, order_json, promo_json
from resolvers import orders, promos, users
from resolvers.promos import KEEP, Keep
from store import Store

user_app = typer.Typer(help="Users: only a known user may activate a promo code.")
promo_app = typer.Typer(help="Promo codes and their counters.")
order_app = typer.Typer(help="Orders: their state and event history.")

PromoId = Annotated[str, typer.Argument(help="The promo code's id.")]
When = Annotated[
    str | None, typer.Option(help='ISO 8601 with an offset, e.g. "2026-12-01T00:00:00Z".')
]
Clear = Annotated[bool, typer.Option(help="Remove this bound of the window.")]


@user_app.command("add")
def add_user(
    user_id: Annotated[str, typer.Argument(help="The user's id.")], redis_url: RedisUrl = None
) -> None:
    """Make a user known (createUser). A known user stays known; adding it again changes nothing."""
    on_store(redis_url, lambda store: users.create_user(store, user_id))
    typer.echo(f"user {user_id} is known")


def _instant(value: str | None, name: str) -> datetime | None:
    return parse_datetime(value, [name]) if value is not None else None


@promo_app.command("create")
def create_promo(
    promo_id: PromoId,
    count: Annotated[int, typer.Option(help="Activations not yet redeemed (SPEC §2).")],
    per_user_count: Annotated[
        int, typer.Option(help="Most activations one user may hold, used and open together.")
    ],
    starts_at: When = None,
    ends_at: When = None,
    redis_url: RedisUrl = None,
    as_json: AsJson = False,
) -> None:
    """Create a promo code (createPromo); --starts-at is inclusive, --ends-at exclusive."""

    with reported():
        starts, ends = _instant(starts_at, "startsAt"), _instant(ends_at, "endsAt")

    async def create(store: Store) -> Promo:
        return await promos.create_promo(store, promo_id, count, per_user_count, starts, ends)

    _print_promo(on_store(redis_url, create), {}, as_json)


def _change(value: str | None, clear: bool, option: str, name: str) -> datetime | Keep | None:
    """A window bound to set, to clear (None), or to keep as it is."""
    if value is not None and clear:
        raise typer.BadParameter("give a bound or clear it, not both", param_hint=f"--{option}")
    if clear:
        return None
    with reported():
        return KEEP if value is None else _instant(value, name)


@promo_app.command("update")
def update_promo(
    promo_id: PromoId,
    count: Annotated[
        int | None, typer.Option(help="The new count (not below lockedCount).")
    ] = None,
    starts_at: When = None,
    clear_starts_at: Clear = False,
    ends_at: When = None,
    clear_ends_at: Clear = False,
    redis_url: RedisUrl = None,
    as_json: AsJson = False,
) -> None:
    """Change a promo code's count or window (updatePromo); what is not given stays."""
    starts = _change(starts_at, clear_starts_at, "starts-at", "startsAt")
    ends = _change(ends_at, clear_ends_at, "ends-at", "endsAt")
    if count is None and starts is KEEP and ends is KEEP:
        raise typer.BadParameter(
            "nothing to change: give --count, a window bound or a --clear-… option",
            param_hint="--count",
        )

    async def update(store: Store) -> Promo:
        return await promos.update_promo(
            store, promo_id, KEEP if count is None else count, starts, ends
        )

    _print_promo(on_store(redis_url, update), {}, as_json)


@promo_app.command("show")
def show_promo(
    promo_id: PromoId,
    user: Annotated[
        list[str] | None, typer.Option(help="Also show used(USER); may be given again.")
    ] = None,
    redis_url: RedisUrl = None,
    as_json: AsJson = False,
) -> None:
    """Show a promo code's counters: count, perUserCount, lockedCount, available, window."""

    async def read(store: Store) -> tuple[Promo, dict[str, int]]:
        promo = await promos.get_promo(store, promo_id)
        return promo, {u: await promos.promo_used(store, promo_id, u) for u in user or []}

    _print_promo(*on_store(redis_url, read), as_json)


def _print_promo(promo: Promo, used: dict[str, int], as_json: bool) -> None:
    if as_json:
        echo_json(promo_json(promo, used))
    else:
        echo_promo(promo, used)


@order_app.command("show")
def show_order(
    order_id: Annotated[str, typer.Argument(help="The order's id.")],
    redis_url: RedisUrl = None,
    as_json: AsJson = False,
) -> None:
    """Show an order: its state, built from its events, and the events themselves."""
    order: Order = on_store(redis_url, lambda store: orders.get_order(store, order_id))
    if as_json:
        echo_json(order_json(order))
    else:
        echo_order(order)

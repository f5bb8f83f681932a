"""`ordo verify`: the store's audit (jobs/verify.py) from a shell."""

from __future__ import annotations

import typer

from jobs.verify import ATTEMPTS, verify_store
from ordo.commands.common import RedisUrl, on_store


def verify(redis_url: RedisUrl = None) -> None:
    """Check every order against its events and every promo against its OPEN orders.

    Each order's stored state (status, promo, user, entity, type, items) must equal the fold
    of its events; each promo's lockedCount, open-orders set and per-user open counts must
    equal its OPEN orders, with 0 <= lockedCount <= count and used + open <= perUserCount for
    every user. Prints each discrepancy and exits 1 if there is any. Safe on a live store: it
    only reads, and reads each order and each promo atomically.
    """
    result = on_store(redis_url, verify_store)
    for line in result.discrepancies:
        typer.echo(line)
    for promo_id in result.unsettled:
        typer.echo(f"promo {promo_id}: changed in each of {ATTEMPTS} reads, not verified")
    found = len(result.discrepancies)
    typer.echo(f"checked {result.orders} orders and {result.promos} promos: {found} discrepancies")
    if result.discrepancies or result.unsettled:
        raise typer.Exit(1)

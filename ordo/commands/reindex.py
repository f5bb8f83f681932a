"""`ordo reindex`: the pages' listings backfilled (jobs/reindex.py) from a shell."""

from __future__ import annotations

import typer

from jobs.reindex import reindex_store
from ordo.commands.common import RedisUrl, on_store


def reindex(redis_url: RedisUrl = None) -> None:
    """List every entity's orders that `entityOrders` does not show yet.

    Orders written before the pages' listings existed (an upgrade) are in `orders(entityId)`
    but not in `entityOrders` until they are listed. For each entity's index this adds the
    homes its orders live under and lists each order that has no version, by one script per
    order that reads the order as it is now: safe on a live store, and a second run lists
    nothing. `ordo verify` reports an order still missing.
    """
    result = on_store(redis_url, reindex_store)
    typer.echo(
        f"reindexed {result.entities} entities: {result.listed} orders listed, "
        f"{result.kept} already listed, {result.absent} index entries without their order"
    )

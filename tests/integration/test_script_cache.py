"""The scripts as Redis sees them: each one compiles on both backends, and an emptied script
cache (a restarted or failed-over Redis) is reloaded without the caller noticing."""

from __future__ import annotations

import hashlib

import pytest

from domain.order import OrderStatus
from resolvers import orders
from store import Store
from store.scripts import script_names, source
from tests.integration.helpers import new_promo, new_user


def sha(store: Store, name: str) -> str:
    return hashlib.sha1(source(name, shebang=store.shebang).encode()).hexdigest()


@pytest.mark.parametrize("name", script_names())
async def test_every_script_compiles_on_the_store(store: Store, name: str) -> None:
    loaded = await store.client.script_load(source(name, shebang=store.shebang))
    assert loaded == sha(store, name)


async def test_flushed_script_cache_is_reloaded_transparently(store: Store) -> None:
    user, promo = await new_user(store), await new_promo(store, 5, 5)
    await orders.create_order(store, user, promo)
    await store.client.script_flush()
    assert await store.client.script_exists(sha(store, "create_order")) == [False]
    order = await orders.create_order(store, user, promo)
    assert order.status is OrderStatus.OPEN
    assert await store.client.script_exists(sha(store, "create_order")) == [True]
    # One word: a cluster client then sends it to every primary.
    await store.client.execute_command("SCRIPT FLUSH")
    assert (await orders.complete_order(store, order.order_id)).status is OrderStatus.COMPLETED


async def test_a_script_missing_midway_through_scripts_in_order_runs_after_those_before(
    store: Store,
) -> None:
    """The cache flushed, then the first script loaded again (by another client): the claim
    runs, the create misses and is loaded and sent again, after the claim."""
    user, promo = await new_user(store), await new_promo(store, 5, 5)
    await store.client.script_flush()
    await store.client.script_load(source("claim_order_home", shebang=store.shebang))
    order = await orders.create_order(store, user, promo)
    assert (await orders.get_order(store, order.order_id)).promo is not None
    assert await store.client.script_exists(sha(store, "create_order")) == [True]

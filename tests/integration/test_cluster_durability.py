"""Opt-in durability (ORDO_REDIS_WAIT_REPLICAS): each write waits until that many replicas
have it, asked of the node that owns the written slot; a write that no replica confirmed in
time is reported unavailable (503), though Redis keeps it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from domain.errors import Unavailable
from ordo.connect import connect
from ordo.settings import load_settings
from resolvers import orders, users
from store import Store
from store.keys import Home, order_keys, promo_keys, user_key
from tests.integration.helpers import new_promo, new_user
from tests.support import RedisCluster, RedisServer, unique


def waiting_store(url: str, replicas: int, timeout: str = "1") -> Store:
    env = {"ORDO_REDIS_URL": url, "ORDO_ADMIN_TOKEN": "x"}
    env |= {"ORDO_REDIS_WAIT_REPLICAS": str(replicas), "ORDO_REDIS_WAIT_TIMEOUT": timeout}
    return connect(load_settings(env))


@pytest.fixture
async def one_replica(redis_cluster: RedisCluster) -> AsyncIterator[Store]:
    made = waiting_store(redis_cluster.url, 1)
    yield made
    await made.close()


async def test_an_acknowledged_create_is_already_on_the_replica_of_its_slot(
    one_replica: Store, redis_cluster: RedisCluster
) -> None:
    user, promo = await new_user(one_replica), await new_promo(one_replica)
    order = await orders.create_order(one_replica, user, promo)
    state_key = order_keys(Home.of_promo(promo), order.order_id)[0]
    master = redis_cluster.owner(state_key)
    assert redis_cluster.read_replica(master, "HGET", state_key, "status") == "OPEN"
    assert redis_cluster.read_replica(master, "HGET", promo_keys(promo)[0], "lockedCount") == "1"


async def test_waiting_asks_the_node_owning_the_written_slot(
    redis_cluster: RedisCluster,
) -> None:
    """With the replica of one slot's master frozen, a write there goes unconfirmed, while a
    write to a slot of another master is confirmed at the same time."""
    store = waiting_store(redis_cluster.url, 1, timeout="0.2")
    stalled, other = unique("u"), unique("u")
    master = redis_cluster.owner(user_key(stalled))
    while redis_cluster.owner(user_key(other)) == master:
        other = unique("u")
    try:
        with redis_cluster.replica_of(master).frozen():
            with pytest.raises(Unavailable, match="0 of 1 replicas"):
                await users.create_user(store, stalled)
            await users.create_user(store, other)
    finally:
        await store.close()


async def test_a_write_more_replicas_than_exist_never_confirm_is_unavailable_yet_kept(
    redis_cluster: RedisCluster, cluster_store: Store
) -> None:
    user_id = unique("u")
    too_many = waiting_store(redis_cluster.url, 2, timeout="0.05")
    try:
        with pytest.raises(Unavailable, match="1 of 2 replicas"):
            await users.create_user(too_many, user_id)
    finally:
        await too_many.close()
    assert await cluster_store.read("GET", user_key(user_id)) == "1"


async def test_on_a_single_redis_without_replicas_waiting_writes_are_unavailable(
    redis_server: RedisServer,
) -> None:
    user_id, plain = unique("u"), waiting_store(redis_server.url, 0)
    store = waiting_store(redis_server.url, 1, timeout="0.05")
    try:
        with pytest.raises(Unavailable, match="0 of 1 replicas"):
            await users.create_user(store, user_id)
        assert await plain.read("GET", user_key(user_id)) == "1"
    finally:
        await store.close()
        await plain.close()


async def test_a_waiting_write_to_a_node_that_lost_its_script_cache_runs_and_is_confirmed(
    one_replica: Store, redis_cluster: RedisCluster
) -> None:
    user, promo = await new_user(one_replica), await new_promo(one_replica)
    node = one_replica.client.get_node_from_key(promo_keys(promo)[0])
    await one_replica.client.execute_command("SCRIPT FLUSH", target_nodes=node)
    order = await orders.create_order(one_replica, user, promo)
    state_key = order_keys(Home.of_promo(promo), order.order_id)[0]
    assert redis_cluster.read_replica(redis_cluster.owner(state_key), "EXISTS", state_key) == 1


async def test_on_a_single_redis_a_waiting_write_reloads_a_flushed_script_cache(
    redis_server: RedisServer,
) -> None:
    user_id, store = unique("u"), waiting_store(redis_server.url, 1, timeout="0.05")
    try:
        await store.client.script_flush()
        with pytest.raises(Unavailable, match="0 of 1 replicas"):  # ran, then WAIT answered
            await users.create_user(store, user_id)
        assert await store.read("GET", user_key(user_id)) == "1"
    finally:
        await store.close()

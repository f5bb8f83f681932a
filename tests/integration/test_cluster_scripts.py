"""What only a real Redis Cluster shows: a `#!lua` script may touch its own slot only, even
where another slot sits on the same node; EVALSHA finds its node by its keys and survives a
node that lost its script cache; reads of many slots, keyless commands and SCAN reach the
right nodes; a burst waits for a connection instead of failing."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import pytest
from redis.exceptions import ResponseError

from ordo.connect import connect
from ordo.settings import load_settings
from resolvers import orders
from store import Store
from store.keys import promo_keys, user_key
from store.scripts import SHEBANG, source
from tests.integration.helpers import new_promo, new_user
from tests.support import RedisCluster, unique

TOUCH_OTHER_SLOT = "redis.call('EXISTS', KEYS[1])\nreturn redis.call('EXISTS', ARGV[1])"


def neighbour(store: Store, key: str) -> str:
    """A key of another slot served by the same node as `key`."""
    client = store.client
    node, slot = client.get_node_from_key(key), client.keyslot(key)
    return next(
        other
        for other in (promo_keys(f"n{i}")[0] for i in range(10_000))
        if client.keyslot(other) != slot and client.get_node_from_key(other) == node
    )


def spread(store: Store) -> list[str]:
    """One promo key on each primary."""
    client, found = store.client, {}
    for i in range(10_000):
        key = promo_keys(f"s{i}")[0]
        found.setdefault(client.get_node_from_key(key).name, key)
        if len(found) == len(client.get_primaries()):
            return list(found.values())
    raise AssertionError("no key found on some primary")


async def _eval_on_node(store: Store, script: str, key: str, other: str) -> Any:
    node = store.client.get_node_from_key(key)
    return await store.client.execute_command("EVAL", script, 1, key, other, target_nodes=node)


async def test_a_shebang_script_touching_another_slot_on_its_node_is_refused(
    cluster_store: Store,
) -> None:
    await cluster_store.client.initialize()
    key = promo_keys(unique("p"))[0]
    other = neighbour(cluster_store, key)
    with pytest.raises(ResponseError, match="do not hash to the same slot"):
        await _eval_on_node(cluster_store, f"{SHEBANG}\n{TOUCH_OTHER_SLOT}", key, other)
    # What the shebang is for: without it the same script passes, since the node serves both.
    assert await _eval_on_node(cluster_store, TOUCH_OTHER_SLOT, key, other) == 0


async def test_a_script_declaring_keys_of_two_slots_is_refused_by_the_node(
    cluster_store: Store,
) -> None:
    await cluster_store.client.initialize()
    key = promo_keys(unique("p"))[0]
    other = neighbour(cluster_store, key)
    node = cluster_store.client.get_node_from_key(key)
    script = f"{SHEBANG}\nreturn redis.call('EXISTS', KEYS[1], KEYS[2])"
    with pytest.raises(ResponseError, match="hash to the same slot"):  # CROSSSLOT
        await cluster_store.client.execute_command("EVAL", script, 2, key, other, target_nodes=node)


async def test_the_loader_sends_every_script_with_its_shebang_to_a_cluster(
    cluster_store: Store,
) -> None:
    for name in ("create_order", "claim_order_home", "index_order"):
        assert source(name, shebang=cluster_store.shebang).startswith(f"{SHEBANG}\n")


async def test_a_primary_that_lost_its_script_cache_loads_the_script_again(
    cluster_store: Store,
) -> None:
    user, promo = await new_user(cluster_store), await new_promo(cluster_store, 5, 5)
    await orders.create_order(cluster_store, user, promo)
    node = cluster_store.client.get_node_from_key(promo_keys(promo)[0])
    sha = hashlib.sha1(source("create_order").encode()).hexdigest()
    await cluster_store.client.execute_command("SCRIPT FLUSH", target_nodes=node)
    assert await _cached(cluster_store, node, sha) is False
    order = await orders.create_order(cluster_store, user, promo)
    assert (await orders.get_order(cluster_store, order.order_id)).promo is not None
    assert await _cached(cluster_store, node, sha) is True


async def _cached(store: Store, node: Any, sha: str) -> bool:
    (exists,) = await store.client.execute_command("SCRIPT EXISTS", sha, target_nodes=node)
    return bool(exists)


async def test_reads_of_keys_on_every_primary_come_back_in_the_order_asked(
    cluster_store: Store,
) -> None:
    keys = spread(cluster_store)
    for value, key in enumerate(keys):
        await cluster_store.client.set(key, str(value))
    replies = await cluster_store.read_many([("GET", key) for key in reversed(keys)])
    assert replies == [str(value) for value in reversed(range(len(keys)))]


async def test_keyless_commands_go_to_one_node_and_ping_to_every_primary(
    cluster_store: Store,
) -> None:
    seconds, micros = await cluster_store.read("TIME")
    assert int(seconds) > 0 and int(micros) >= 0
    assert await cluster_store.read("CONFIG", "GET", "appendonly") == {"appendonly": "no"}
    await cluster_store.ping()


async def test_scan_keys_walks_every_primary(cluster_store: Store) -> None:
    marker = unique("scan")
    keys = [f"{key}:{marker}" for key in spread(cluster_store)]
    for key in keys:
        await cluster_store.client.set(key, "1")
    found = {key async for key in cluster_store.scan_keys(f"*:{marker}")}
    assert found == set(keys)
    assert len({cluster_store.client.get_node_from_key(key).name for key in found}) == 3


async def test_a_burst_beyond_the_pool_waits_for_a_connection(redis_cluster: RedisCluster) -> None:
    env = {"ORDO_REDIS_URL": redis_cluster.url, "ORDO_REDIS_MAX_CONNECTIONS": "4"}
    small = connect(load_settings({**env, "ORDO_ADMIN_TOKEN": "x"}))
    try:
        user_id = await new_user(small)
        replies = await asyncio.gather(*(small.read("GET", user_key(user_id)) for _ in range(300)))
        assert replies == ["1"] * 300
    finally:
        await small.close()

"""ORDO_REDIS_URL=redis+cluster://…: one or more seed nodes, any live one enough."""

from __future__ import annotations

import pytest

from ordo.connect import cluster_seeds, connect
from ordo.settings import load_settings
from resolvers import users
from store import ClusterStore
from store.keys import user_key
from tests.support import RedisCluster, free_port, unique


def test_a_cluster_url_names_its_seeds_and_credentials() -> None:
    seeds = cluster_seeds("redis+cluster://ordo:s%40cret@10.0.0.1:7000,10.0.0.2,[::1]:7002/0")
    assert [(node.host, node.port) for node in seeds.nodes] == [
        ("10.0.0.1", 7000),
        ("10.0.0.2", 6379),
        ("::1", 7002),
    ]
    assert (seeds.username, seeds.password) == ("ordo", "s@cret")


def test_a_cluster_url_without_a_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="no seed node"):
        cluster_seeds("redis+cluster://")


async def test_the_store_starts_from_whichever_seed_answers(redis_cluster: RedisCluster) -> None:
    live = redis_cluster.nodes[0].port
    url = f"redis+cluster://127.0.0.1:{free_port()},127.0.0.1:{live}"
    store = connect(load_settings({"ORDO_REDIS_URL": url, "ORDO_ADMIN_TOKEN": "x"}))
    try:
        await store.ping()
        assert isinstance(store, ClusterStore)
        # A script for a key of each master, each written on the master owning its slot: a
        # store on the one seed node would be refused the others' (MOVED).
        by_owner: dict[int, str] = {}
        while len(by_owner) < len(redis_cluster.masters()):
            user_id = unique("u")
            by_owner.setdefault(redis_cluster.owner(user_key(user_id)).port, user_id)
        for user_id in by_owner.values():
            await users.create_user(store, user_id)
        for port, user_id in by_owner.items():
            (owner,) = [node for node in redis_cluster.nodes if node.port == port]
            with redis_cluster.client(owner) as node:
                assert node.execute_command("GET", user_key(user_id)) == "1"
    finally:
        await store.close()

"""ORDO_REDIS_URL=redis+cluster://…: one or more seed nodes, any live one enough."""

from __future__ import annotations

import pytest

from ordo.connect import cluster_seeds, connect
from ordo.settings import load_settings
from tests.support import RedisCluster, free_port


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
        assert store.cluster
    finally:
        await store.close()

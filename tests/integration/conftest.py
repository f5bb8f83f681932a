"""The store, in-process, on each backend: scripts and resolvers tested without HTTP.

Here the backends are three: a Redis Cluster (three masters, one replica each) joins the
single Redis and the embedded store, so every script and resolver also runs where keys of
different slots live apart and a script may touch only its own slot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ordo.connect import connect
from ordo.settings import load_settings
from resolvers.store import Store
from tests.conftest import BACKENDS
from tests.support import RedisCluster, RedisServer

INTEGRATION_BACKENDS = [*BACKENDS, "cluster"]


@pytest.fixture(scope="session", params=INTEGRATION_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def connect_to(url: str) -> Store:
    return connect(load_settings({"ORDO_REDIS_URL": url, "ORDO_ADMIN_TOKEN": "x"}))


@pytest.fixture(scope="session")
async def store(
    backend: str, redis_server: RedisServer, request: pytest.FixtureRequest
) -> AsyncIterator[Store]:
    if backend == "cluster":  # started only when a cluster test runs
        url = request.getfixturevalue("redis_cluster").url
    else:
        url = redis_server.url if backend == "redis" else ""
    made = connect_to(url)
    yield made
    await made.close()


@pytest.fixture(scope="session")
async def cluster_store(redis_cluster: RedisCluster) -> AsyncIterator[Store]:
    """The store on the cluster alone, for what only a cluster can show."""
    made = connect_to(redis_cluster.url)
    yield made
    await made.close()

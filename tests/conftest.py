"""Fixtures shared by every test: a private redis-server, and both backends.

Every integration and e2e test runs twice: on the real Redis the tests started, and on the
embedded store (fakeredis with Lua) that `ordo serve` uses when no Redis is configured. The
integration tests also run a third time, on a Redis Cluster of the tests' own
(tests/integration/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import RedisCluster, RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def redis_cluster() -> Iterator[RedisCluster]:
    """Three masters with a replica each, started only when a test asks for the cluster."""
    cluster = RedisCluster()
    cluster.start()
    yield cluster
    cluster.cleanup()


@pytest.fixture
def fresh_cluster() -> Iterator[RedisCluster]:
    """A cluster of the test's own, to kill or reshard (about two seconds to start)."""
    cluster = RedisCluster()
    cluster.start()
    yield cluster
    cluster.cleanup()


BACKENDS = ["redis", "embedded"]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)

"""Fixtures shared by every test: a private redis-server, and both backends.

Every integration and e2e test runs twice: on the real Redis the tests started, and on the
embedded store (fakeredis with Lua) that `ordo serve` uses when no Redis is configured.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.support import RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.cleanup()


BACKENDS = ["redis", "embedded"]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)

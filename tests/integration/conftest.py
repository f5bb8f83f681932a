"""The store, in-process, on each backend: scripts and resolvers tested without HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ordo.connect import connect
from ordo.settings import load_settings
from resolvers.store import Store
from tests.support import RedisServer


@pytest.fixture(scope="session")
async def store(backend: str, redis_server: RedisServer) -> AsyncIterator[Store]:
    url = redis_server.url if backend == "redis" else ""
    made = connect(load_settings({"ORDO_REDIS_URL": url, "ORDO_ADMIN_TOKEN": "x"}))
    yield made
    await made.close()

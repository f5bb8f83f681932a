"""The server as a subprocess on each backend, and clients for GraphQL and REST over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import BACKENDS
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer


@pytest.fixture(scope="session")
def server(backend: str, redis_server: RedisServer) -> Iterator[OrdoServer]:
    made = OrdoServer(redis_server.url if backend == "redis" else None)
    made.start()
    yield made
    made.stop()


@pytest.fixture(scope="module", params=[*BACKENDS, "cluster"])
def live_url(request: pytest.FixtureRequest, redis_server: RedisServer) -> str | None:
    """The store of the live-event suites, which run on the 3x2 cluster too (None: embedded)."""
    if request.param == "cluster":
        return str(request.getfixturevalue("redis_cluster").url)
    return redis_server.url if request.param == "redis" else None


@pytest.fixture(scope="module")
def live_server(live_url: str | None) -> Iterator[OrdoServer]:
    made = OrdoServer(live_url)
    made.start()
    yield made
    made.stop()


class Api:
    """GraphQL and REST calls against one running server."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        admin: bool = False,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = dict(headers or {})
        if admin:
            sent["Authorization"] = f"Bearer {ADMIN_TOKEN}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
        body: dict[str, Any] = response.json()
        return body

    async def mutate(
        self, name: str, query: str, variables: dict[str, Any] | None = None, *, admin: bool = False
    ) -> dict[str, Any]:
        """The payload of one mutation (asserting no top-level errors)."""
        body = await self.graphql(query, variables, admin=admin)
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"][name]
        return payload


@pytest.fixture
async def api(server: OrdoServer) -> AsyncIterator[Api]:
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=300)
    async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as http:
        yield Api(http)

"""ordo/edge.py: a prepared document's POST and a REST create are answered by the short way
in, without Starlette's router (nor, for GraphQL, Strawberry's request handling); what it
declines reaches the generic path with its body intact; the edge (request id, CORS) applies
to both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.routing import Route, Router

from ordo.app import create_app
from ordo.edge import FAST_LANE
from ordo.graphql import OrdoGraphQL
from ordo.settings import load_settings
from tests.support import ADMIN_TOKEN

CREATE = "mutation { createOrder { order { status } errors { code } } }"
SHOP = "https://shop.example"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(load_settings({"ORDO_ADMIN_TOKEN": ADMIN_TOKEN, "ORDO_CORS_ORIGINS": SHOP}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ordo") as client:
        yield client
    await app.state.store.close()


async def test_a_prepared_post_does_not_go_through_the_generic_view(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await http.post("/graphql", json={"query": CREATE})  # runs, and is compiled
    assert first.json()["data"]["createOrder"]["order"]["status"] == "OPEN"

    async def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the generic view was used")

    monkeypatch.setattr(OrdoGraphQL, "run", refused)
    again = await http.post("/graphql", json={"query": CREATE}, headers={"Origin": SHOP})
    assert again.status_code == 200, again.text
    assert again.json()["data"]["createOrder"]["order"]["status"] == "OPEN"
    assert again.headers["access-control-allow-origin"] == SHOP  # CORS is around both ways
    assert again.headers["x-request-id"]


async def test_what_it_declines_reaches_the_generic_path_with_its_body(
    http: httpx.AsyncClient,
) -> None:
    for body in (
        {"query": "{ __typename }"},  # not compiled yet
        {"query": CREATE, "variables": []},  # refused by the generic path, naming why
    ):
        answer = await http.post("/graphql", json=body)
        assert answer.status_code in (200, 400), answer.text
        assert ("errors" in answer.json()) == (answer.status_code == 400)


async def test_a_chunked_body_is_read_whole(http: httpx.AsyncClient) -> None:
    await http.post("/graphql", json={"query": CREATE})

    async def chunks() -> AsyncIterator[bytes]:
        for part in (b'{"query": "mutation { createOrder { order ', b'{ status } } }"}'):
            yield part

    answer = await http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.json()["data"] == {"createOrder": {"order": {"status": "OPEN"}}}


async def test_a_rest_create_goes_to_its_endpoint_without_the_router(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The route's own endpoint, and the app's own exception handlers for its refusals."""

    async def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the router was used")

    monkeypatch.setattr(Router, "__call__", refused)
    created = await http.post("/orders", json={})
    assert created.status_code == 200 and created.json()["orderId"]
    bad = await http.post("/orders", json={"promoId": 7})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "INVALID_INPUT" and "promoId" in bad.text
    unknown = await http.post("/orders", json={"userId": "nobody", "promoId": "P"})
    assert unknown.json()["error"]["code"] == "USER_NOT_AUTHORIZED"


def test_each_path_of_the_fast_lane_is_a_post_route_of_the_table() -> None:
    """The fast lane (ordo/edge.py's FAST_LANE) answers only what the route table would: each of
    its paths is a route there taking POST, which answers what the lane declines."""
    app = create_app(load_settings({"ORDO_ADMIN_TOKEN": ADMIN_TOKEN}))
    posts = {
        route.path
        for route in app.routes
        if isinstance(route, Route) and (route.methods is None or "POST" in route.methods)
    }
    assert set(FAST_LANE) <= posts
    assert set(FAST_LANE) == {"/graphql", "/orders"}

"""With ORDO_RESERVATION_TTL set, the server itself expires abandoned promo orders."""

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer, running, unique

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def reaping(redis_server: RedisServer) -> Iterator[OrdoServer]:
    server = OrdoServer(redis_server.url, env={"ORDO_RESERVATION_TTL": "0.5"})
    with running(server):
        yield server


def _admin(server: OrdoServer, query: str) -> None:
    body = httpx.post(f"{server.url}/graphql", json={"query": query}, headers=ADMIN).json()
    assert "errors" not in body, body


def test_an_abandoned_promo_order_is_cancelled_by_the_server(reaping: OrdoServer) -> None:
    user, promo = unique("u"), unique("p")
    _admin(reaping, f'mutation {{ createUser(userId: "{user}") {{ userId }} }}')
    promo_input = f'{{promoId: "{promo}", count: 1, perUserCount: 1}}'
    _admin(reaping, f"mutation {{ createPromo(input: {promo_input}) {{ promo {{ count }} }} }}")
    created = httpx.post(f"{reaping.url}/orders", json={"userId": user, "promoId": promo})
    order_id = created.json()["orderId"]
    deadline = time.monotonic() + 20  # bounded wait for a background task, not a timed assertion
    status = "in progress"
    while status == "in progress" and time.monotonic() < deadline:
        time.sleep(0.1)
        status = httpx.get(f"{reaping.url}/orders/{order_id}").json()["status"]
    assert status == "cancel"

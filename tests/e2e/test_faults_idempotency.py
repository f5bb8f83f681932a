"""Creates retried with one idempotency key after the client timed out (Redis frozen, so the
first attempts are still pending in the server when the retries arrive), and retried
concurrently through REST and GraphQL: one order, one reservation.
(tests/e2e/test_races.py covers concurrent retries without a timeout.)"""

import asyncio

import httpx
import pytest

from tests.e2e.faults import PATIENCE, Stack, settled_audit, stack
from tests.e2e.helpers import CREATE_ORDER
from tests.support import unique

GIVE_UP = 0.3  # the client's timeout for the first attempts


async def rest_create(s: Stack, promo: dict[str, str], key: str, patience: float) -> str:
    answer = await s.http.post(
        "/orders", json=promo, headers={"Idempotency-Key": key}, timeout=patience
    )
    order_id: str = answer.json()["orderId"]
    return order_id


async def graphql_create(s: Stack, promo: dict[str, str], key: str, patience: float) -> str:
    body = {"query": CREATE_ORDER, "variables": {"input": {**promo, "idempotencyKey": key}}}
    answer = await s.http.post("/graphql", json=body, timeout=patience)
    order_id: str = answer.json()["data"]["createOrder"]["order"]["orderId"]
    return order_id


async def test_creates_retried_after_a_client_timeout_make_one_order_and_reserve_once() -> None:
    # The server waits for Redis longer than the freeze lasts: the first attempts succeed late.
    async with stack(server_env={"ORDO_REDIS_TIMEOUT": "10"}) as s:
        promo = {"userId": s.load.users[0], "promoId": s.load.promos[0]}
        key = unique("k")
        with s.redis.frozen():
            for create in (rest_create, graphql_create):
                with pytest.raises(httpx.TimeoutException):
                    await create(s, promo, key, GIVE_UP)
        retries = [create(s, promo, key, PATIENCE) for create in [rest_create, graphql_create] * 5]
        made = set(await asyncio.gather(*retries))
        stored = await settled_audit(s.store)
    assert len(made) == 1
    held = [
        order.order_id for order in stored.orders.values() if order.promo_id == promo["promoId"]
    ]
    assert held == list(made)
    assert stored.promos[promo["promoId"]].locked == 1

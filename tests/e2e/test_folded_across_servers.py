"""Two servers on one Redis: each keeps the orders it has read folded (resolvers/folded.py),
and each still answers a change made through the other at once — by `order`, `orders` and a
page of `entityOrders`."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Api
from tests.e2e.helpers import complete, create, item, ok, read
from tests.support import OrdoServer, RedisServer, running, unique

PAGE = (
    "query($e: ID!) { entityOrders(entityId: $e, first: 5) "
    "{ edges { node { orderId status items { orderItemId } } } } }"
)
LISTING = "query($e: ID!) { orders(entityId: $e) { orderId status } }"


async def _views(api: Api, order_id: str, entity_id: str) -> tuple[str, str, str]:
    page = (await api.graphql(PAGE, {"e": entity_id}))["data"]["entityOrders"]["edges"]
    listing = (await api.graphql(LISTING, {"e": entity_id}))["data"]["orders"]
    return (await read(api, order_id))["status"], page[0]["node"]["status"], listing[0]["status"]


async def test_a_change_through_one_server_is_read_through_the_other(
    backend: str, redis_server: RedisServer, api: Api
) -> None:
    if backend == "embedded":
        pytest.skip("the embedded store lives in one process")
    order_id, entity_id = unique("o"), unique("e")
    ok(await create(api, order_id, entity_id, [item("i1")]), "order")
    assert await _views(api, order_id, entity_id) == ("OPEN", "OPEN", "OPEN")  # now kept
    other = OrdoServer(redis_server.url)
    with running(other):
        async with httpx.AsyncClient(base_url=other.url, timeout=30) as http:
            ok(await complete(Api(http), order_id), "order")
    assert await _views(api, order_id, entity_id) == ("COMPLETED",) * 3

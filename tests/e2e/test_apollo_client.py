"""Apollo Client from Node against the running server: what a frontend's client sees."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import Api
from tests.e2e.helpers import counters, create, item, ok, user_and_promo
from tests.node_clients import run_node
from tests.support import OrdoServer, unique


async def test_apollo_client_creates_reads_and_completes_a_promo_order(
    server: OrdoServer, api: Api
) -> None:
    promo = await user_and_promo(api)
    args = (server.url, server.admin_token or "", promo["userId"], promo["promoId"])
    seen = await asyncio.to_thread(run_node, "apollo_orders.mjs", *args)

    created = seen["created"]
    assert created["errors"] == []
    assert created["order"]["status"] == "OPEN"
    assert created["order"]["promo"] == {"__typename": "PromoActivation", **promo}
    assert seen["read"]["orderId"] == created["order"]["orderId"]
    assert [e["type"] for e in seen["read"]["events"]] == ["ORDER_CREATED", "PROMO_RESERVED"]
    assert seen["completed"]["order"]["status"] == "COMPLETED"
    assert seen["completed"]["order"]["version"] == 4
    assert seen["refused"]["order"] is None
    [error] = seen["refused"]["errors"]
    assert (error["code"], error["status"], error["field"]) == (
        "PROMO_NOT_FOUND",
        404,
        ["input", "promoId"],
    )
    assert seen["missing"] == [{"code": "ORDER_NOT_FOUND", "status": 404}]
    assert await counters(api, promo) == (4, 0, 1)


async def test_apollo_cache_normalises_orders_by_their_global_id_without_type_policies(
    server: OrdoServer, api: Api
) -> None:
    entity_id = unique("e")
    order_ids = [unique("o") for _ in range(3)]
    for order_id in order_ids:
        ok(await create(api, order_id, entity_id, [item("a")]))
    seen = await asyncio.to_thread(run_node, "apollo_cache.mjs", server.url, entity_id, *order_ids)

    assert sorted(seen["keys"]) == sorted(["ROOT_QUERY", *(f"Order:{id}" for id in seen["ids"])])
    for global_id, order_id in zip(seen["ids"], sorted(order_ids), strict=True):
        entry = seen["orders"][f"Order:{global_id}"]
        # One entry holds what all three queries read of the order.
        assert entry["orderId"] == order_id and entry["status"] == "OPEN"
        assert (entry["total"], entry["version"]) == ("100.00", 2)
    edges = next(v for k, v in seen["root"].items() if k.startswith("entityOrders"))["edges"]
    assert [edge["node"] for edge in edges] == [{"__ref": f"Order:{id}"} for id in seen["ids"]]

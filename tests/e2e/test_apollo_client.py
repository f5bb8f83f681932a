"""Apollo Client from Node against the running server: what a frontend's client sees."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import Api
from tests.e2e.helpers import counters, user_and_promo
from tests.node_clients import run_node
from tests.support import OrdoServer


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

"""The graphql-ws npm client (what Apollo Client's GraphQLWsLink and urql use) subscribes to an
order's events over ordo's WebSocket endpoint: history, then resumed after the last id."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.conftest import Api
from tests.e2e.helpers import create, item, ok, update
from tests.e2e.live_helpers import ws_url
from tests.node_clients import run_node
from tests.support import OrdoServer, unique


@pytest.fixture(scope="module")
def server(live_server: OrdoServer) -> OrdoServer:
    """On the real Redis, the embedded store and the 3x2 cluster."""
    return live_server


async def test_graphql_ws_reads_an_orders_events_and_resumes(server: OrdoServer, api: Api) -> None:
    order_id = unique("o")
    ok(await create(api, order_id, unique("e"), [item("a")]))
    first = await asyncio.to_thread(
        run_node, "graphql_ws_events.mjs", ws_url(server.url), order_id, "2"
    )
    assert [(e["type"], e["version"]) for e in first] == [("ORDER_CREATED", 1), ("ITEM_ADDED", 2)]
    ok(await update(api, order_id, addItems=[item("b")]))
    rest = await asyncio.to_thread(
        run_node, "graphql_ws_events.mjs", ws_url(server.url), order_id, "1", first[-1]["id"]
    )
    assert [(e["type"], e["version"], e["orderId"]) for e in rest] == [("ITEM_ADDED", 3, order_id)]

"""entityOrders and node(id) over HTTP, on each backend: Relay pages in the order of
`orders`, a snapshot that concurrent changes cannot break, and Relay's global ids."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.helpers import ORDERS, create, decline, item, ok, top_level_error, update
from tests.support import unique

PAGE = """
query($entityId: ID!, $first: Int, $after: String, $includeDeclined: Boolean) {
  entityOrders(entityId: $entityId, first: $first, after: $after,
               includeDeclined: $includeDeclined) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id orderId status items { periodStartDate } } }
  }
}"""
DEFAULT_PAGE = "query($e: ID!) { entityOrders(entityId: $e) { edges { node { orderId } } } }"
NODE = """
query($id: ID!) {
  node(id: $id) { __typename id ... on Order { orderId status } }
}"""
ORDER_ID = "query($o: ID!) { order(orderId: $o) { id orderId } }"


async def _make(api: Api, entity_id: str, start: str) -> str:
    order_id = unique("o")
    items = [item("a", start=start), item("b", start="2030-01-01")]
    ok(await create(api, order_id, entity_id, items))
    return order_id


async def _page(api: Api, entity_id: str, first: Any = 20, after: Any = None, **more: Any) -> Any:
    variables = {"entityId": entity_id, "first": first, "after": after, **more}
    return await api.graphql(PAGE, variables)


async def _walk(api: Api, entity_id: str, first: int) -> tuple[list[dict[str, Any]], list[str]]:
    pages, after = [], None
    while True:
        body = await _page(api, entity_id, first, after)
        assert "errors" not in body, body
        pages.append(page := body["data"]["entityOrders"])
        if not page["pageInfo"]["hasNextPage"]:
            return pages, [e["node"]["orderId"] for p in pages for e in p["edges"]]
        after = page["pageInfo"]["endCursor"]


async def _listed(api: Api, entity_id: str) -> list[str]:
    body = await api.graphql(ORDERS, {"entityId": entity_id})
    return [order["orderId"] for order in body["data"]["orders"]]


async def test_pages_list_the_entity_in_the_order_of_orders(api: Api) -> None:
    entity_id = unique("e")
    for day in (5, 1, 9, 3, 7, 2, 8):
        await _make(api, entity_id, f"2026-06-{day:02d}")
    pages, ids = await _walk(api, entity_id, 3)
    assert ids == await _listed(api, entity_id)
    assert [len(p["edges"]) for p in pages] == [3, 3, 1]
    assert {p["totalCount"] for p in pages} == {7}
    info = pages[0]["pageInfo"]
    assert info["startCursor"] == pages[0]["edges"][0]["cursor"]
    assert info["hasPreviousPage"] is False
    # endCursor: sealed on its own (another string), it goes on where the last edge's does.
    assert info["endCursor"] != pages[0]["edges"][-1]["cursor"]
    from_edge = await _page(api, entity_id, 3, pages[0]["edges"][-1]["cursor"])
    following = [e["node"]["orderId"] for e in from_edge["data"]["entityOrders"]["edges"]]
    assert following == ids[3:6]
    default = await api.graphql(DEFAULT_PAGE, {"e": entity_id})
    assert len(default["data"]["entityOrders"]["edges"]) == 7  # first: 20


async def test_pages_after_changes_and_concurrent_changes_list_the_snapshot(api: Api) -> None:
    entity_id = unique("e")
    made = [await _make(api, entity_id, f"2026-07-{n + 1:02d}") for n in range(12)]
    first = (await _page(api, entity_id, 4))["data"]["entityOrders"]
    assert [e["node"]["orderId"] for e in first["edges"]] == made[:4]
    # Before the next pages: one order jumps before the cursor, one behind, one is declined.
    ok(await update(api, made[9], cancelItemIds=["a"], addItems=[item("c", start="2020-01-01")]))
    ok(await update(api, made[1], cancelItemIds=["a"], addItems=[item("c", start="2029-01-01")]))
    ok(await decline(api, made[6]))

    async def churn() -> None:
        for n in range(8):
            await _make(api, entity_id, f"2026-07-{n + 1:02d}")
            ok(await decline(api, made[10 - n % 2])) if n < 2 else None

    async def rest() -> list[str]:
        ids, after = [], first["pageInfo"]["endCursor"]
        while after:
            page = (await _page(api, entity_id, 4, after))["data"]["entityOrders"]
            ids += [e["node"]["orderId"] for e in page["edges"]]
            after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
        return ids

    later, _ = await asyncio.gather(rest(), churn())
    assert [e["node"]["orderId"] for e in first["edges"]] + later == made


@pytest.mark.parametrize("first", [0, 101, -5, None])
async def test_first_outside_1_to_100_is_a_400_naming_first(api: Api, first: Any) -> None:
    body = await _page(api, unique("e"), first)
    assert body["data"] is None
    assert top_level_error(body, "entityOrders") == ("INVALID_INPUT", 400)
    assert "first" in body["errors"][0]["message"]


async def test_a_malformed_or_foreign_cursor_is_an_invalid_cursor_naming_after(api: Api) -> None:
    entity_id = unique("e")
    for day in (1, 2):
        await _make(api, entity_id, f"2026-01-{day:02d}")
    cursor = (await _page(api, entity_id, 1))["data"]["entityOrders"]["pageInfo"]["endCursor"]
    forged = base64.urlsafe_b64encode(b'{"v":2}').decode()
    for entity, after, declined in [
        (entity_id, "not a cursor", False),
        (entity_id, forged, False),
        (unique("e"), cursor, False),
        (entity_id, cursor, True),
    ]:
        body = await _page(api, entity, 1, after, includeDeclined=declined)
        assert top_level_error(body, "entityOrders") == ("INVALID_CURSOR", 400), body
        assert "after" in body["errors"][0]["message"]


async def test_node_finds_an_order_by_the_id_every_answer_gives(api: Api) -> None:
    entity_id = unique("e")
    order_id = await _make(api, entity_id, "2026-01-01")
    read = (await api.graphql(ORDER_ID, {"o": order_id}))["data"]["order"]
    page = (await _page(api, entity_id))["data"]["entityOrders"]
    assert page["edges"][0]["node"]["id"] == read["id"]
    assert base64.b64decode(read["id"]) == f"Order:{order_id}".encode()
    found = (await api.graphql(NODE, {"id": read["id"]}))["data"]["node"]
    assert found == {"__typename": "Order", "id": read["id"], "orderId": order_id, "status": "OPEN"}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (base64.b64encode(b"Order:nowhere-at-all").decode(), ("ORDER_NOT_FOUND", 404)),
        ("%%%", ("INVALID_INPUT", 400)),
        (base64.b64encode(b"Promo:SPRING").decode(), ("INVALID_INPUT", 400)),
        (base64.b64encode(b"Order:bad id!").decode(), ("INVALID_INPUT", 400)),
    ],
)
async def test_node_of_an_unknown_or_malformed_id_is_null_and_an_error(
    api: Api, given: str, expected: tuple[str, int]
) -> None:
    body = await api.graphql(NODE, {"id": given})
    assert body["data"] == {"node": None}
    assert top_level_error(body, "node") == expected

"""orders(entityId): which orders it lists and in what order (SPEC §3.2 orders), and the
legacy REST view of orders with items (SPEC §6)."""

from tests.e2e.conftest import Api
from tests.e2e.helpers import ORDERS, create, decline, item, listed, ok, update, user_and_promo
from tests.support import unique


async def _order(api: Api, order_id: str, entity_id: str, *starts: str) -> None:
    items = [item(f"i{index}", start=start) for index, start in enumerate(starts)]
    ok(await create(api, order_id, entity_id, items))


async def test_orders_are_sorted_by_their_earliest_item_start(api: Api) -> None:
    entity_id = unique("e")
    await _order(api, "c-late", entity_id, "2026-03-01")
    await _order(api, "b-early", entity_id, "2026-05-01", "2026-01-15")
    await _order(api, "a-middle", entity_id, "2026-02-01", "2026-02-20")
    assert await listed(api, entity_id) == ["b-early", "a-middle", "c-late"]


async def test_orders_without_active_items_come_last(api: Api) -> None:
    entity_id = unique("e")
    await _order(api, "a-empty", entity_id)
    await _order(api, "b-dated", entity_id, "2099-12-31")
    assert await listed(api, entity_id) == ["b-dated", "a-empty"]


async def test_orders_starting_the_same_day_are_ordered_by_id(api: Api) -> None:
    entity_id = unique("e")
    for order_id in ("o-2", "o-3", "o-1"):
        await _order(api, order_id, entity_id, "2026-01-01")
    await _order(api, "o-0", entity_id)
    assert await listed(api, entity_id) == ["o-1", "o-2", "o-3", "o-0"]


async def test_cancelled_items_do_not_decide_an_orders_place(api: Api) -> None:
    entity_id = unique("e")
    await _order(api, "a", entity_id, "2026-01-01", "2026-06-01")
    await _order(api, "b", entity_id, "2026-03-01")
    ok(await update(api, "a", cancelItemIds=["i0"]))
    assert await listed(api, entity_id) == ["b", "a"]
    ok(await update(api, "a", cancelItemIds=["i1"]))
    ok(await update(api, "b", cancelItemIds=["i0"]))
    assert await listed(api, entity_id) == ["a", "b"]  # neither has active items: by id


async def test_other_entities_orders_are_not_listed(api: Api) -> None:
    mine, theirs = unique("e"), unique("e")
    await _order(api, unique("o"), theirs, "2026-01-01")
    order_id = unique("o")
    await _order(api, order_id, mine, "2026-01-01")
    assert await listed(api, mine) == [order_id]
    assert await listed(api, unique("e")) == []


async def test_an_order_with_a_promo_is_listed_under_its_entity(api: Api) -> None:
    promo = await user_and_promo(api)
    entity_id = unique("e")
    with_promo, without = unique("o"), unique("o")
    ok(await create(api, with_promo, entity_id, [item("a", start="2026-01-01")], promo=promo))
    ok(await create(api, without, entity_id, [item("a", start="2026-02-01")]))
    assert await listed(api, entity_id) == [with_promo, without]


async def test_a_refused_create_with_a_promo_keeps_the_order_listed(api: Api) -> None:
    promo = await user_and_promo(api)
    entity_id, order_id = unique("e"), unique("o")
    ok(await create(api, order_id, entity_id, [item("a")]))
    refused = await create(api, order_id, entity_id, [item("a")], promo=promo)
    assert refused["errors"][0]["code"] == "ORDER_CONFLICT"
    assert await listed(api, entity_id) == [order_id]


async def test_a_refused_create_without_the_promo_keeps_the_promo_order_listed(api: Api) -> None:
    promo = await user_and_promo(api)
    entity_id, order_id = unique("e"), unique("o")
    ok(await create(api, order_id, entity_id, [item("a")], promo=promo))
    refused = await create(api, order_id, entity_id, [item("a")])
    assert refused["errors"][0]["code"] == "ORDER_CONFLICT"
    assert await listed(api, entity_id) == [order_id]


async def test_a_refused_create_under_another_entity_lists_nothing_there(api: Api) -> None:
    order_id, owner, other = unique("o"), unique("e"), unique("e")
    ok(await create(api, order_id, owner, [item("a")]))
    refused = await create(api, order_id, other, [item("a")])
    assert refused["errors"][0]["code"] == "ORDER_CONFLICT"
    assert await listed(api, other) == []
    assert await listed(api, owner) == [order_id]


async def test_listing_with_a_malformed_entity_id_is_a_bad_request_error(api: Api) -> None:
    body = await api.graphql(ORDERS, {"entityId": "bad id!"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "status": 400}


async def test_rest_shows_an_open_order_with_items_in_progress(api: Api) -> None:
    order_id = unique("o")
    ok(await create(api, order_id, unique("e"), [item("a")]))
    response = await api.http.get(f"/orders/{order_id}")
    assert response.status_code == 200
    assert response.json() == {"status": "in progress"}


async def test_rest_shows_the_promo_of_an_order_with_items(api: Api) -> None:
    promo = await user_and_promo(api)
    order_id = unique("o")
    ok(await create(api, order_id, unique("e"), [item("a")], promo=promo))
    response = await api.http.get(f"/orders/{order_id}")
    assert response.json() == {**promo, "status": "in progress"}


async def test_rest_shows_a_declined_order_as_declined(api: Api) -> None:
    promo = await user_and_promo(api)
    order_id = unique("o")
    ok(await create(api, order_id, unique("e"), [item("a")], promo=promo))
    ok(await decline(api, order_id))
    response = await api.http.get(f"/orders/{order_id}")
    assert response.status_code == 200
    assert response.json() == {**promo, "status": "declined"}


async def test_rest_closes_an_order_with_items(api: Api) -> None:
    order_id = unique("o")
    ok(await create(api, order_id, unique("e"), [item("a")]))
    closed = await api.http.post(f"/orders/{order_id}", json={"new status": "success"})
    assert closed.json() == {"status": "OK"}
    assert (await api.http.get(f"/orders/{order_id}")).json() == {"status": "success"}

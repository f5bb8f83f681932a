"""declineOrder (soft delete) and restoreOrder over GraphQL (SPEC §3.2)."""

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    ORDER,
    cancel,
    complete,
    create,
    create_plain,
    decline,
    event_types,
    item,
    listed,
    ok,
    opened,
    read,
    refused,
    restore,
    update,
)
from tests.support import unique


async def test_decline_marks_the_order_declined_with_one_event(api: Api) -> None:
    order = await opened(api)
    declined = ok(await decline(api, order["orderId"]))
    assert declined["status"] == "DECLINED"
    assert event_types(declined)[order["version"] :] == ["ORDER_DECLINED"]
    assert declined["events"][-1]["data"] == {}
    assert declined["items"] == order["items"]


async def test_a_declined_order_is_still_returned_by_id_with_its_status(api: Api) -> None:
    order = await opened(api)
    declined = ok(await decline(api, order["orderId"]))
    assert await read(api, order["orderId"]) == declined


async def test_listing_hides_declined_orders_unless_asked(api: Api) -> None:
    entity_id = unique("e")
    kept = ok(await create(api, unique("o"), entity_id, [item("a", start="2026-01-02")]))
    hidden = ok(await create(api, unique("o"), entity_id, [item("a", start="2026-01-01")]))
    ok(await decline(api, hidden["orderId"]))
    assert await listed(api, entity_id) == [kept["orderId"]]
    assert await listed(api, entity_id, include_declined=False) == [kept["orderId"]]
    both = await listed(api, entity_id, include_declined=True)
    assert both == [hidden["orderId"], kept["orderId"]]


async def test_declining_twice_succeeds_without_new_events(api: Api) -> None:
    order = await opened(api)
    declined = ok(await decline(api, order["orderId"]))
    assert ok(await decline(api, order["orderId"])) == declined


async def test_declining_a_completed_or_cancelled_order_succeeds_without_change(api: Api) -> None:
    for close, status in ((complete, "COMPLETED"), (cancel, "CANCELLED")):
        order = await opened(api)
        closed = ok(await close(api, order["orderId"]))
        again = ok(await decline(api, order["orderId"]))
        assert again == closed and again["status"] == status


async def test_declining_an_unknown_order_succeeds_with_no_order(api: Api) -> None:
    assert await decline(api, unique("o")) == {"order": None, "errors": []}


async def test_declining_with_a_malformed_id_is_a_bad_request(api: Api) -> None:
    assert refused(await decline(api, "not an id!"))[1] == 400


async def test_restore_brings_a_declined_order_back_open_with_its_items(api: Api) -> None:
    entity_id = unique("e")
    order = ok(await create(api, unique("o"), entity_id, [item("a"), item("b")]))
    declined = ok(await decline(api, order["orderId"]))
    restored = ok(await restore(api, order["orderId"]))
    assert restored["status"] == "OPEN"
    assert event_types(restored)[declined["version"] :] == ["ORDER_RESTORED"]
    assert restored["events"][-1]["data"] == {}
    assert restored["items"] == order["items"]
    assert await listed(api, entity_id) == [order["orderId"]]


async def test_a_restored_order_can_be_updated_again(api: Api) -> None:
    order = await opened(api)
    ok(await decline(api, order["orderId"]))
    ok(await restore(api, order["orderId"]))
    changed = ok(await update(api, order["orderId"], addItems=[item("b")]))
    assert event_types(changed)[-1] == "ITEM_ADDED"


async def test_restoring_an_unknown_order_is_a_bad_request(api: Api) -> None:
    refusal = await restore(api, unique("o"))
    assert refused(refusal)[:2] == ("ORDER_NOT_FOUND_FOR_RESTORE", 400)


async def test_restoring_an_open_order_succeeds_without_new_events(api: Api) -> None:
    order = await opened(api)
    assert ok(await restore(api, order["orderId"])) == order


async def test_restoring_twice_appends_one_restore(api: Api) -> None:
    order = await opened(api)
    ok(await decline(api, order["orderId"]))
    restored = ok(await restore(api, order["orderId"]))
    assert ok(await restore(api, order["orderId"])) == restored


async def test_restoring_a_completed_or_cancelled_order_is_refused(api: Api) -> None:
    for close in (complete, cancel):
        order = await opened(api)
        closed = ok(await close(api, order["orderId"]))
        refusal = await restore(api, order["orderId"])
        assert refused(refusal)[:2] == ("ORDER_CLOSED", 409)
        assert await read(api, order["orderId"]) == closed


async def test_a_declined_order_cannot_be_completed_or_cancelled(api: Api) -> None:
    order = await opened(api)
    declined = ok(await decline(api, order["orderId"]))
    assert refused(await complete(api, order["orderId"]))[1] == 409
    assert refused(await cancel(api, order["orderId"]))[1] == 409
    assert await read(api, order["orderId"]) == declined


async def test_an_order_without_items_can_be_declined_and_restored(api: Api) -> None:
    plain = await create_plain(api)
    declined = ok(await decline(api, plain["orderId"]))
    assert declined["status"] == "DECLINED"
    restored = ok(await restore(api, plain["orderId"]))
    assert event_types(restored) == ["ORDER_CREATED", "ORDER_DECLINED", "ORDER_RESTORED"]


async def test_an_unknown_order_query_is_null_with_a_not_found_error(api: Api) -> None:
    body = await api.graphql(ORDER, {"orderId": unique("o")})
    assert body["data"] == {"order": None}
    assert body["errors"][0]["extensions"] == {"code": "ORDER_NOT_FOUND", "status": 404}

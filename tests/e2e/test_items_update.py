"""updateOrder over GraphQL: event order, idempotency, item ids (SPEC §3.2 updateOrder)."""

from tests.e2e.conftest import Api
from tests.e2e.helpers import event_types, ids, item, ok, opened, read, refused, rent, update


async def test_update_appends_type_change_then_cancels_then_adds_each_in_request_order(
    api: Api,
) -> None:
    order = await opened(api, [item("a"), item("b"), item("c")])
    changed = ok(
        await update(
            api,
            order["orderId"],
            type=rent("2026-03-15", "SHORT"),
            cancelItemIds=["c", "a"],
            addItems=[item("e"), item("d")],
        )
    )
    new_events = changed["events"][order["version"] :]
    assert event_types(changed)[order["version"] :] == [
        "ORDER_UPDATED",
        "ITEM_CANCELLED",
        "ITEM_CANCELLED",
        "ITEM_ADDED",
        "ITEM_ADDED",
    ]
    assert [event["data"] for event in new_events] == [
        {"type": {"rentPayment": {"paymentDate": "2026-03-15", "term": "SHORT"}}},
        {"orderItemId": "c"},
        {"orderItemId": "a"},
        {"item": item("e")},
        {"item": item("d")},
    ]
    assert ids(changed["items"]) == ["b", "e", "d"]
    assert ids(changed["cancelledItems"]) == ["c", "a"]
    assert changed["version"] == order["version"] + 5


async def test_repeated_update_appends_nothing_and_keeps_the_version(api: Api) -> None:
    order = await opened(api, [item("a")])
    change = {"type": rent("2026-09-01"), "cancelItemIds": ["a"], "addItems": [item("b")]}
    first = ok(await update(api, order["orderId"], **change))
    again = ok(await update(api, order["orderId"], **change))
    assert again == first
    assert (await read(api, order["orderId"]))["version"] == first["version"]


async def test_update_with_nothing_to_change_appends_nothing(api: Api) -> None:
    order = await opened(api)
    assert ok(await update(api, order["orderId"])) == order


async def test_cancelling_an_already_cancelled_item_is_skipped(api: Api) -> None:
    order = await opened(api, [item("a"), item("b")])
    first = ok(await update(api, order["orderId"], cancelItemIds=["a"]))
    again = ok(await update(api, order["orderId"], cancelItemIds=["a", "b"]))
    assert event_types(again)[first["version"] :] == ["ITEM_CANCELLED"]
    assert again["events"][-1]["data"] == {"orderItemId": "b"}
    assert ids(again["cancelledItems"]) == ["a", "b"] and again["items"] == []


async def test_adding_an_identical_present_item_is_skipped(api: Api) -> None:
    order = await opened(api, [item("a", price="100")])
    again = ok(
        await update(api, order["orderId"], addItems=[item("a", price="100.000"), item("b")])
    )
    assert event_types(again)[order["version"] :] == ["ITEM_ADDED"]
    assert ids(again["items"]) == ["a", "b"]
    assert again["items"][0]["price"] == "100"


async def test_adding_changed_content_under_a_present_id_is_refused_as_reused(api: Api) -> None:
    order = await opened(api, [item("a", price="100")])
    refusal = await update(api, order["orderId"], addItems=[item("b"), item("a", price="150")])
    assert refused(refusal) == ("ITEM_ID_REUSED", 409, ["input", "addItems", "1", "orderItemId"])
    assert await read(api, order["orderId"]) == order


async def test_a_cancelled_item_is_never_reactivated(api: Api) -> None:
    order = await opened(api, [item("a"), item("b")])
    cancelled = ok(await update(api, order["orderId"], cancelItemIds=["a"]))
    same = ok(await update(api, order["orderId"], addItems=[item("a")]))
    assert same == cancelled and ids(same["items"]) == ["b"]
    changed = await update(api, order["orderId"], addItems=[item("a", start="2026-06-01")])
    assert refused(changed)[:2] == ("ITEM_ID_REUSED", 409)


async def test_an_item_is_updated_by_cancelling_it_and_adding_it_under_a_new_id(api: Api) -> None:
    order = await opened(api, [item("a", price="100")])
    changed = ok(
        await update(api, order["orderId"], cancelItemIds=["a"], addItems=[item("a2", price="120")])
    )
    assert event_types(changed)[order["version"] :] == ["ITEM_CANCELLED", "ITEM_ADDED"]
    assert ids(changed["items"]) == ["a2"] and ids(changed["cancelledItems"]) == ["a"]
    assert changed["total"] == "120"


async def test_matching_expected_version_is_accepted(api: Api) -> None:
    order = await opened(api, [item("a")])
    changed = ok(
        await update(api, order["orderId"], expectedVersion=order["version"], addItems=[item("b")])
    )
    assert changed["version"] == order["version"] + 1


async def test_stale_expected_version_is_a_version_conflict_and_writes_nothing(api: Api) -> None:
    order = await opened(api, [item("a")])
    refusal = await update(
        api, order["orderId"], expectedVersion=order["version"] - 1, addItems=[item("b")]
    )
    assert refused(refusal) == ("VERSION_CONFLICT", 409, ["input", "expectedVersion"])
    assert await read(api, order["orderId"]) == order


async def test_rent_payment_date_and_term_change_through_update(api: Api) -> None:
    order = await opened(api, type_=rent("2026-02-01", "FULL"))
    changed = ok(await update(api, order["orderId"], type=rent("2026-02-10", "SHORT")))
    assert event_types(changed)[order["version"] :] == ["ORDER_UPDATED"]
    assert changed["type"] == {
        "__typename": "RentPayment",
        "paymentDate": "2026-02-10",
        "term": "SHORT",
    }
    assert (await read(api, order["orderId"]))["type"] == changed["type"]


async def test_only_the_term_changing_is_a_type_change(api: Api) -> None:
    order = await opened(api, type_=rent("2026-02-01", "FULL"))
    changed = ok(await update(api, order["orderId"], type=rent("2026-02-01", "SHORT")))
    assert event_types(changed)[order["version"] :] == ["ORDER_UPDATED"]
    assert changed["events"][-1]["data"] == {
        "type": {"rentPayment": {"paymentDate": "2026-02-01", "term": "SHORT"}}
    }


async def test_same_type_content_appends_no_order_updated(api: Api) -> None:
    order = await opened(api, type_=rent("2026-02-01", "FULL"))
    again = ok(
        await update(api, order["orderId"], type=rent("2026-02-01", "FULL"), addItems=[item("b")])
    )
    assert event_types(again)[order["version"] :] == ["ITEM_ADDED"]


async def test_security_deposit_order_is_created_and_its_refund_date_changes(api: Api) -> None:
    deposit = {"securityDeposit": {"refundDate": "2026-12-31"}}
    order = await opened(api, type_=deposit)
    assert order["type"] == {"__typename": "SecurityDeposit", "refundDate": "2026-12-31"}
    assert order["events"][0]["data"]["type"] == deposit
    cleared = ok(await update(api, order["orderId"], type={"securityDeposit": {}}))
    assert cleared["type"] == {"__typename": "SecurityDeposit", "refundDate": None}
    assert cleared["events"][-1]["data"] == {"type": {"securityDeposit": {"refundDate": None}}}


async def test_changing_the_type_to_the_other_kind_is_refused(api: Api) -> None:
    order = await opened(api, type_=rent())
    refusal = await update(api, order["orderId"], type={"securityDeposit": {"refundDate": None}})
    assert refused(refusal)[:2] == ("TYPE_KIND_CHANGE", 409)
    assert await read(api, order["orderId"]) == order
    deposit = await opened(api, type_={"securityDeposit": {}})
    assert refused(await update(api, deposit["orderId"], type=rent()))[1] == 409

"""updateOrder refusals and which one wins when several apply (SPEC §3.1, §3.2)."""

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    cancel,
    complete,
    create_plain,
    decline,
    item,
    ok,
    opened,
    read,
    refused,
    rent,
    update,
)
from tests.support import unique


async def test_update_of_an_unknown_order_is_not_found(api: Api) -> None:
    refusal = await update(api, unique("o"), addItems=[item("a")])
    assert refused(refusal)[:2] == ("ORDER_NOT_FOUND", 404)


async def test_update_of_a_declined_order_is_refused_as_declined(api: Api) -> None:
    order = await opened(api)
    ok(await decline(api, order["orderId"]))
    assert refused(await update(api, order["orderId"], addItems=[item("b")]))[:2] == (
        "ORDER_DECLINED",
        409,
    )


async def test_update_of_a_completed_or_cancelled_order_is_refused_as_closed(api: Api) -> None:
    for close in (complete, cancel):
        order = await opened(api)
        closed = ok(await close(api, order["orderId"]))
        refusal = await update(api, order["orderId"], addItems=[item("b")])
        assert refused(refusal)[:2] == ("ORDER_CLOSED", 409)
        assert await read(api, order["orderId"]) == closed


async def test_setting_a_type_on_an_order_created_without_one_is_refused(api: Api) -> None:
    plain = await create_plain(api)
    assert plain["type"] is None
    refusal = await update(api, plain["orderId"], type=rent())
    assert refused(refusal)[1] == 409
    assert (await read(api, plain["orderId"]))["type"] is None


async def test_items_can_be_added_to_an_order_created_without_a_type(api: Api) -> None:
    plain = await create_plain(api)
    changed = ok(await update(api, plain["orderId"], addItems=[item("a")]))
    assert changed["items"] == [item("a")] and changed["type"] is None


async def test_negative_added_price_is_a_bad_request_naming_the_field(api: Api) -> None:
    order = await opened(api)
    refusal = await update(api, order["orderId"], addItems=[item("b"), item("c", price="-5")])
    assert refused(refusal) == ("INVALID_INPUT", 400, ["input", "addItems", "1", "price"])


async def test_added_period_ending_before_it_starts_is_a_bad_request(api: Api) -> None:
    order = await opened(api)
    bad = item("b", start="2026-02-02", end="2026-02-01")
    refusal = await update(api, order["orderId"], addItems=[bad])
    assert refused(refusal) == ("INVALID_INPUT", 400, ["input", "addItems", "0", "periodEndDate"])


async def test_an_id_both_added_and_cancelled_is_a_bad_request(api: Api) -> None:
    order = await opened(api, [item("a")])
    refusal = await update(api, order["orderId"], cancelItemIds=["a"], addItems=[item("a")])
    assert refused(refusal)[:2] == ("ITEM_ADDED_AND_CANCELLED", 400)
    assert await read(api, order["orderId"]) == order


async def test_cancelling_an_item_the_order_never_had_is_not_found(api: Api) -> None:
    order = await opened(api, [item("a")])
    refusal = await update(api, order["orderId"], cancelItemIds=["a", "ghost"])
    assert refused(refusal) == ("ITEM_NOT_FOUND", 404, ["input", "cancelItemIds", "1"])
    assert await read(api, order["orderId"]) == order  # "a" was not cancelled either


async def test_duplicate_cancel_ids_are_a_bad_request(api: Api) -> None:
    order = await opened(api, [item("a"), item("b")])
    refusal = await update(api, order["orderId"], cancelItemIds=["a", "b", "a"])
    assert refused(refusal) == ("DUPLICATE_ITEM_ID", 400, ["input", "cancelItemIds", "2"])


async def test_duplicate_added_ids_are_a_bad_request(api: Api) -> None:
    order = await opened(api, [item("a")])
    refusal = await update(api, order["orderId"], addItems=[item("b"), item("b", price="1")])
    assert refused(refusal) == ("DUPLICATE_ITEM_ID", 400, ["input", "addItems", "1", "orderItemId"])


async def test_a_shape_error_wins_over_an_unknown_order(api: Api) -> None:
    unknown = unique("o")
    assert refused(await update(api, unknown, addItems=[item("b", price="-1")]))[1] == 400
    duplicate = await update(api, unknown, cancelItemIds=["x", "x"])
    assert refused(duplicate)[:2] == ("DUPLICATE_ITEM_ID", 400)
    both = await update(api, unknown, cancelItemIds=["x"], addItems=[item("x")])
    assert refused(both)[:2] == ("ITEM_ADDED_AND_CANCELLED", 400)


async def test_an_unknown_cancelled_item_wins_over_a_declined_order(api: Api) -> None:
    order = await opened(api, [item("a")])
    ok(await decline(api, order["orderId"]))
    refusal = await update(api, order["orderId"], cancelItemIds=["ghost"])
    assert refused(refusal)[:2] == ("ITEM_NOT_FOUND", 404)


async def test_an_unknown_cancelled_item_wins_over_a_closed_order(api: Api) -> None:
    order = await opened(api, [item("a")])
    ok(await complete(api, order["orderId"]))
    refusal = await update(api, order["orderId"], cancelItemIds=["ghost"])
    assert refused(refusal)[:2] == ("ITEM_NOT_FOUND", 404)


async def test_a_declined_order_wins_over_a_stale_version_and_a_kind_change(api: Api) -> None:
    order = await opened(api, [item("a")])
    ok(await decline(api, order["orderId"]))
    refusal = await update(api, order["orderId"], expectedVersion=0, type={"securityDeposit": {}})
    assert refused(refusal)[:2] == ("ORDER_DECLINED", 409)


async def test_a_bad_id_in_cancel_ids_names_its_position(api: Api) -> None:
    order = await opened(api, [item("a")])
    refusal = await update(api, order["orderId"], cancelItemIds=["a", "has space"])
    assert refused(refusal) == ("INVALID_INPUT", 400, ["input", "cancelItemIds", "1"])

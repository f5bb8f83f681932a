"""createOrderWithItems over GraphQL: its events, idempotency and every refusal (SPEC §3.2)."""

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    CREATE,
    DEPOSIT,
    RENT,
    cancel,
    complete,
    create,
    create_plain,
    decline,
    event_types,
    ids,
    item,
    ok,
    opened,
    read,
    refused,
    rent,
    update,
    user_and_promo,
)
from tests.support import unique


async def test_create_appends_order_created_then_one_item_added_per_item_in_request_order(
    api: Api,
) -> None:
    order = await opened(api, [item("c"), item("a"), item("b")])
    assert event_types(order) == ["ORDER_CREATED", "ITEM_ADDED", "ITEM_ADDED", "ITEM_ADDED"]
    added = [event["data"]["item"]["orderItemId"] for event in order["events"][1:]]
    assert added == ["c", "a", "b"]
    assert ids(order["items"]) == ["c", "a", "b"]
    assert order["status"] == "OPEN" and order["version"] == 4


async def test_create_with_promo_reserves_between_order_created_and_items(api: Api) -> None:
    promo = await user_and_promo(api)
    order = await opened(api, [item("a"), item("b")], promo=promo)
    assert event_types(order) == ["ORDER_CREATED", "PROMO_RESERVED", "ITEM_ADDED", "ITEM_ADDED"]
    assert order["events"][1]["data"] == promo
    assert order["promo"] == promo


async def test_event_data_names_entity_type_and_every_item_field_with_price_as_string(
    api: Api,
) -> None:
    order_id, entity_id = unique("o"), unique("e")
    given = item("a", price="1500.50", start="2026-03-01", end="2026-03-31", service="svc-x")
    order = ok(await create(api, order_id, entity_id, [given], rent("2026-04-05", "SHORT")))
    created, added = order["events"]
    assert created["data"] == {
        "entityId": entity_id,
        "type": {"rentPayment": {"paymentDate": "2026-04-05", "term": "SHORT"}},
    }
    assert added["data"] == {"item": given}
    assert isinstance(added["data"]["item"]["price"], str)
    assert order["total"] == "1500.50"


async def test_order_query_returns_the_same_order_and_events_as_the_create(api: Api) -> None:
    order = await opened(api, [item("a"), item("b", price="7")])
    assert await read(api, order["orderId"]) == order
    assert order["total"] == "107.00"


async def test_repeated_create_with_same_content_succeeds_without_new_events(api: Api) -> None:
    order = await opened(api, [item("a"), item("b")])
    again = ok(await create(api, order["orderId"], order["entityId"], [item("a"), item("b")]))
    assert again == order


async def test_repeated_create_compares_prices_by_value_and_items_as_a_set(api: Api) -> None:
    order_id, entity_id = unique("o"), unique("e")
    first = ok(await create(api, order_id, entity_id, [item("a", "100"), item("b", "5.5")]))
    again = ok(await create(api, order_id, entity_id, [item("b", "5.50"), item("a", "100.00")]))
    assert again["version"] == first["version"] == 3
    assert again["items"][0]["price"] == "100"  # returned as first stored


async def test_repeated_create_with_promo_reserves_nothing_more(api: Api) -> None:
    promo = await user_and_promo(api, count=1, per_user=1)
    order = await opened(api, promo=promo)
    again = ok(await create(api, order["orderId"], order["entityId"], [item("a")], promo=promo))
    assert again["version"] == order["version"]
    assert (await read(api, order["orderId"]))["version"] == order["version"]


async def test_create_on_a_declined_order_is_refused_as_declined(api: Api) -> None:
    order = await opened(api)
    ok(await decline(api, order["orderId"]))
    refusal = await create(api, order["orderId"], order["entityId"], [item("a")])
    assert refused(refusal)[:2] == ("ORDER_DECLINED", 409)


async def test_create_with_other_active_items_conflicts(api: Api) -> None:
    order = await opened(api, [item("a")])
    refusal = await create(api, order["orderId"], order["entityId"], [item("a"), item("b")])
    assert refused(refusal)[:2] == ("ORDER_CONFLICT", 409)


async def test_create_with_changed_item_content_conflicts(api: Api) -> None:
    order = await opened(api, [item("a", price="100")])
    refusal = await create(api, order["orderId"], order["entityId"], [item("a", price="101")])
    assert refused(refusal)[:2] == ("ORDER_CONFLICT", 409)


async def test_create_after_an_item_was_cancelled_compares_only_active_items(api: Api) -> None:
    order = await opened(api, [item("a"), item("b")])
    ok(await update(api, order["orderId"], cancelItemIds=["b"]))
    refusal = await create(api, order["orderId"], order["entityId"], [item("a"), item("b")])
    assert refused(refusal)[:2] == ("ORDER_CONFLICT", 409)
    again = ok(await create(api, order["orderId"], order["entityId"], [item("a")]))
    assert again["version"] == 4


async def test_create_with_other_type_conflicts(api: Api) -> None:
    order = await opened(api)
    refusal = await create(api, order["orderId"], order["entityId"], [item("a")], DEPOSIT)
    assert refused(refusal)[:2] == ("ORDER_CONFLICT", 409)
    other_date = await create(
        api, order["orderId"], order["entityId"], [item("a")], rent("2027-01-01")
    )
    assert refused(other_date)[:2] == ("ORDER_CONFLICT", 409)


async def test_create_with_other_entity_conflicts(api: Api) -> None:
    order = await opened(api)
    refusal = await create(api, order["orderId"], unique("e"), [item("a")])
    assert refused(refusal)[:2] == ("ORDER_CONFLICT", 409)


async def test_create_with_other_promo_or_without_the_promo_conflicts(api: Api) -> None:
    promo, other = await user_and_promo(api), await user_and_promo(api)
    order = await opened(api, promo=promo)
    args = (order["orderId"], order["entityId"], [item("a")])
    assert refused(await create(api, *args, promo=other))[:2] == ("ORDER_CONFLICT", 409)
    assert refused(await create(api, *args))[:2] == ("ORDER_CONFLICT", 409)


async def test_create_with_a_promo_over_an_order_without_one_conflicts(api: Api) -> None:
    promo = await user_and_promo(api)
    order = await opened(api)
    refusal = await create(api, order["orderId"], order["entityId"], [item("a")], promo=promo)
    assert refused(refusal)[:2] == ("ORDER_CONFLICT", 409)


async def test_create_on_a_completed_or_cancelled_order_is_refused(api: Api) -> None:
    for close in (complete, cancel):
        order = await opened(api)
        ok(await close(api, order["orderId"]))
        refusal = await create(api, order["orderId"], order["entityId"], [item("a")])
        assert refused(refusal)[:2] == ("ORDER_CLOSED", 409)


async def test_create_with_two_items_sharing_an_id_is_a_bad_request(api: Api) -> None:
    order_id = unique("o")
    refusal = await create(api, order_id, unique("e"), [item("a"), item("b"), item("a")])
    assert refused(refusal) == ("DUPLICATE_ITEM_ID", 400, ["input", "items", "2", "orderItemId"])
    assert refused(await update(api, order_id))[:2] == ("ORDER_NOT_FOUND", 404)


async def test_create_with_a_negative_price_names_the_price_field(api: Api) -> None:
    order_id = unique("o")
    refusal = await create(api, order_id, unique("e"), [item("a"), item("b", price="-0.01")])
    assert refused(refusal) == ("INVALID_INPUT", 400, ["input", "items", "1", "price"])
    assert refused(await update(api, order_id))[:2] == ("ORDER_NOT_FOUND", 404)


async def test_create_with_period_end_before_start_is_a_bad_request(api: Api) -> None:
    bad = item("a", start="2026-05-10", end="2026-05-09")
    refusal = await create(api, unique("o"), unique("e"), [bad])
    assert refused(refusal) == ("INVALID_INPUT", 400, ["input", "items", "0", "periodEndDate"])
    same_day = item("a", start="2026-05-10", end="2026-05-10")
    assert ok(await create(api, unique("o"), unique("e"), [same_day]))["items"][0] == same_day


async def test_create_shape_error_wins_over_a_declined_order(api: Api) -> None:
    order = await opened(api)
    ok(await decline(api, order["orderId"]))
    refusal = await create(api, order["orderId"], order["entityId"], [item("a"), item("a")])
    assert refused(refusal)[:2] == ("DUPLICATE_ITEM_ID", 400)


async def test_create_with_unknown_promo_user_is_forbidden_and_writes_nothing(api: Api) -> None:
    promo = await user_and_promo(api)
    order_id = unique("o")
    stranger = {"promoId": promo["promoId"], "userId": unique("nobody")}
    refusal = await create(api, order_id, unique("e"), [item("a")], promo=stranger)
    assert refused(refusal)[:2] == ("USER_NOT_AUTHORIZED", 403)
    assert refused(await update(api, order_id))[:2] == ("ORDER_NOT_FOUND", 404)


async def test_create_over_the_id_of_an_order_made_by_create_order_is_refused(api: Api) -> None:
    plain = await create_plain(api)
    refusal = await create(api, plain["orderId"], unique("e"), [item("a")])
    assert refused(refusal)[:2] == ("ORDER_CONFLICT", 409)
    assert await read(api, plain["orderId"]) == plain
    ok(await decline(api, plain["orderId"]))
    refusal = await create(api, plain["orderId"], unique("e"), [item("a")])
    assert refused(refusal)[:2] == ("ORDER_DECLINED", 409)


async def test_a_type_naming_both_kinds_is_a_bad_request_and_writes_nothing(api: Api) -> None:
    order_id = unique("o")
    both = {**RENT, **DEPOSIT}
    variables = {"orderId": order_id, "entityId": unique("e"), "type": both, "items": []}
    response = await api.http.post(
        "/graphql", json={"query": CREATE, "variables": {"input": variables}}
    )
    body = response.json()
    if response.status_code == 400:  # refused by GraphQL's own @oneOf validation
        assert body["data"] is None and body["errors"]
    else:  # or reported as data, naming the field
        payload = body["data"]["createOrderWithItems"]
        assert refused(payload)[:2] == ("INVALID_INPUT", 400)
    assert refused(await update(api, order_id))[:2] == ("ORDER_NOT_FOUND", 404)

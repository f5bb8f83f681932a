"""GraphQL createOrder (SPEC §3.2, §5): plain and promo orders, every error with its status and
field, and which error wins when several apply (§3.1)."""

from datetime import timedelta

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    CREATE_ORDER,
    CREATE_ORDER_WITHOUT_INPUT,
    counters,
    create_order,
    create_promo,
    create_user,
    event_types,
    instant,
    ok,
    open_order,
    read_order,
    refused,
    user_and_promo,
)
from tests.support import unique


async def test_plain_order_is_open_without_promo_and_has_only_the_created_event(api: Api) -> None:
    order = await open_order(api)
    assert order["status"] == "OPEN"
    assert order["promo"] is None
    assert order["entityId"] is None
    assert event_types(order) == ["ORDER_CREATED"]
    assert order["events"][0]["data"] == {"entityId": None, "type": None}
    assert order["version"] == 1


async def test_plain_order_is_created_with_no_input_and_with_null_input(api: Api) -> None:
    without = await api.mutate("createOrder", CREATE_ORDER_WITHOUT_INPUT)
    with_null = await api.mutate("createOrder", CREATE_ORDER, {"input": None})
    assert ok(without)["status"] == ok(with_null)["status"] == "OPEN"
    assert ok(without)["orderId"] != ok(with_null)["orderId"]


async def test_each_create_gets_a_new_server_generated_order_id(api: Api) -> None:
    ids = {(await open_order(api))["orderId"] for _ in range(5)}
    assert len(ids) == 5


async def test_promo_order_reserves_the_promo_and_records_both_events(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    order = await open_order(api, **promo)
    assert order["status"] == "OPEN"
    assert order["promo"] == promo
    assert event_types(order) == ["ORDER_CREATED", "PROMO_RESERVED"]
    assert order["events"][0]["data"] == {"entityId": None, "type": None}
    assert order["events"][1]["data"] == promo
    assert await counters(api, promo) == (3, 1, 0)


async def test_created_promo_order_reads_back_the_same(api: Api) -> None:
    promo = await user_and_promo(api)
    order = await open_order(api, **promo)
    assert await read_order(api, order["orderId"]) == order


async def test_user_without_promo_is_rejected_naming_promo_id(api: Api) -> None:
    user_id = await create_user(api)
    payload = await create_order(api, userId=user_id)
    assert refused(payload) == ("INVALID_INPUT", 400, ["input", "promoId"])


async def test_promo_without_user_is_rejected_naming_user_id(api: Api) -> None:
    promo_id = await create_promo(api)
    payload = await create_order(api, promoId=promo_id)
    assert refused(payload) == ("INVALID_INPUT", 400, ["input", "userId"])


async def test_unknown_user_is_not_authorized(api: Api) -> None:
    promo_id = await create_promo(api)
    payload = await create_order(api, userId=unique("nobody"), promoId=promo_id)
    assert refused(payload) == ("USER_NOT_AUTHORIZED", 403, ["input", "userId"])


async def test_unknown_promo_is_not_found(api: Api) -> None:
    user_id = await create_user(api)
    payload = await create_order(api, userId=user_id, promoId=unique("nopromo"))
    assert refused(payload) == ("PROMO_NOT_FOUND", 404, ["input", "promoId"])


async def test_promo_outside_its_window_is_not_active(api: Api) -> None:
    promo = await user_and_promo(api, startsAt=instant(timedelta(days=1)))
    payload = await create_order(api, **promo)
    assert refused(payload) == ("PROMO_NOT_ACTIVE", 409, ["input", "promoId"])


async def test_promo_without_available_activations_is_exhausted(api: Api) -> None:
    promo = await user_and_promo(api, count=0)
    payload = await create_order(api, **promo)
    assert refused(payload) == ("PROMO_EXHAUSTED", 409, ["input", "promoId"])


async def test_second_open_order_over_per_user_limit_is_rejected(api: Api) -> None:
    promo = await user_and_promo(api, count=5, per_user=1)
    await open_order(api, **promo)
    payload = await create_order(api, **promo)
    assert refused(payload) == ("PROMO_USER_LIMIT", 409, ["input", "promoId"])


async def test_bad_id_outranks_unknown_user(api: Api) -> None:
    payload = await create_order(api, userId=unique("nobody"), promoId="bad promo!")
    assert refused(payload) == ("INVALID_INPUT", 400, ["input", "promoId"])


async def test_missing_promo_id_outranks_unknown_user(api: Api) -> None:
    payload = await create_order(api, userId=unique("nobody"))
    assert refused(payload) == ("INVALID_INPUT", 400, ["input", "promoId"])


async def test_bad_idempotency_key_outranks_unknown_user(api: Api) -> None:
    promo_id = await create_promo(api)
    payload = await create_order(
        api, userId=unique("nobody"), promoId=promo_id, idempotencyKey="k k"
    )
    assert refused(payload) == ("INVALID_INPUT", 400, ["input", "idempotencyKey"])


async def test_unknown_user_outranks_unknown_promo(api: Api) -> None:
    payload = await create_order(api, userId=unique("nobody"), promoId=unique("nopromo"))
    assert refused(payload)[:2] == ("USER_NOT_AUTHORIZED", 403)


async def test_unknown_user_outranks_promo_rules(api: Api) -> None:
    promo_id = await create_promo(api, count=0)
    payload = await create_order(api, userId=unique("nobody"), promoId=promo_id)
    assert refused(payload)[:2] == ("USER_NOT_AUTHORIZED", 403)


async def test_inactive_window_outranks_exhausted(api: Api) -> None:
    past = {"startsAt": instant(-timedelta(days=2)), "endsAt": instant(-timedelta(days=1))}
    promo = await user_and_promo(api, count=0, **past)
    assert refused(await create_order(api, **promo))[0] == "PROMO_NOT_ACTIVE"


async def test_exhausted_outranks_per_user_limit(api: Api) -> None:
    promo = await user_and_promo(api, count=1, per_user=1)
    await open_order(api, **promo)
    assert refused(await create_order(api, **promo))[0] == "PROMO_EXHAUSTED"


async def test_refused_create_changes_no_counter(api: Api) -> None:
    promo = await user_and_promo(api, count=1, per_user=1)
    await open_order(api, **promo)
    for _ in range(3):
        assert refused(await create_order(api, **promo))[0] == "PROMO_EXHAUSTED"
    assert await counters(api, promo) == (1, 1, 0)

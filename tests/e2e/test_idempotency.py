"""Idempotent createOrder (SPEC §3.2): GraphQL `idempotencyKey` and REST `Idempotency-Key`
share one namespace; a repeat returns the same order and reserves nothing; another input is
IDEMPOTENCY_KEY_REUSED; a failed request is not remembered."""

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    close,
    counters,
    create_order,
    create_promo,
    event_types,
    ok,
    open_order,
    refused,
    rest_create,
    rest_error,
    update_promo,
    user_and_promo,
)
from tests.support import unique


async def test_repeat_with_the_same_key_returns_the_same_order_and_reserves_nothing(
    api: Api,
) -> None:
    promo, key = await user_and_promo(api, count=5), unique("k")
    first = await open_order(api, **promo, idempotencyKey=key)
    again = await open_order(api, **promo, idempotencyKey=key)
    assert again == first
    assert event_types(again) == ["ORDER_CREATED", "PROMO_RESERVED"]
    assert await counters(api, promo) == (5, 1, 0)


async def test_plain_order_repeat_with_the_same_key_returns_the_same_order(api: Api) -> None:
    key = unique("k")
    first = await open_order(api, idempotencyKey=key)
    assert await open_order(api, idempotencyKey=key) == first


async def test_repeat_succeeds_after_the_promo_ran_out(api: Api) -> None:
    promo, key = await user_and_promo(api, count=1, per_user=1), unique("k")
    first = await open_order(api, **promo, idempotencyKey=key)
    assert refused(await create_order(api, **promo))[0] == "PROMO_EXHAUSTED"
    assert (await open_order(api, **promo, idempotencyKey=key))["orderId"] == first["orderId"]
    assert await counters(api, promo) == (1, 1, 0)


async def test_repeat_returns_the_order_as_it_is_now(api: Api) -> None:
    promo, key = await user_and_promo(api, count=1), unique("k")
    first = await open_order(api, **promo, idempotencyKey=key)
    completed = ok(await close(api, first["orderId"], "success"))
    assert await open_order(api, **promo, idempotencyKey=key) == completed
    assert await counters(api, promo) == (0, 0, 1)


async def test_same_key_with_another_promo_is_reused(api: Api) -> None:
    promo, key = await user_and_promo(api), unique("k")
    await open_order(api, **promo, idempotencyKey=key)
    other = {**promo, "promoId": await create_promo(api)}
    payload = await create_order(api, **other, idempotencyKey=key)
    assert refused(payload) == ("IDEMPOTENCY_KEY_REUSED", 409, ["input", "idempotencyKey"])
    assert await counters(api, other) == (5, 0, 0)


async def test_same_key_without_the_promo_is_reused(api: Api) -> None:
    promo, key = await user_and_promo(api), unique("k")
    await open_order(api, **promo, idempotencyKey=key)
    payload = await create_order(api, idempotencyKey=key)
    assert refused(payload)[:2] == ("IDEMPOTENCY_KEY_REUSED", 409)


async def test_same_key_for_another_user_is_reused(api: Api) -> None:
    promo, key = await user_and_promo(api), unique("k")
    await open_order(api, **promo, idempotencyKey=key)
    other = {**promo, "userId": (await user_and_promo(api))["userId"]}
    assert (
        refused(await create_order(api, **other, idempotencyKey=key))[0] == "IDEMPOTENCY_KEY_REUSED"
    )
    assert await counters(api, promo) == (5, 1, 0)


async def test_unknown_promo_outranks_a_reused_key(api: Api) -> None:
    promo, key = await user_and_promo(api), unique("k")
    await open_order(api, **promo, idempotencyKey=key)
    payload = await create_order(api, **{**promo, "promoId": unique("nopromo")}, idempotencyKey=key)
    assert refused(payload) == ("PROMO_NOT_FOUND", 404, ["input", "promoId"])


async def test_unknown_user_outranks_a_reused_key(api: Api) -> None:
    promo, key = await user_and_promo(api), unique("k")
    await open_order(api, **promo, idempotencyKey=key)
    payload = await create_order(api, **{**promo, "userId": unique("nobody")}, idempotencyKey=key)
    assert refused(payload)[:2] == ("USER_NOT_AUTHORIZED", 403)


async def test_reused_key_outranks_promo_rules(api: Api) -> None:
    key = unique("k")
    await open_order(api, idempotencyKey=key)
    exhausted = await user_and_promo(api, count=0)
    assert refused(await create_order(api, **exhausted, idempotencyKey=key))[0] == (
        "IDEMPOTENCY_KEY_REUSED"
    )


async def test_a_failed_request_is_not_remembered(api: Api) -> None:
    promo, key = await user_and_promo(api, count=0), unique("k")
    assert refused(await create_order(api, **promo, idempotencyKey=key))[0] == "PROMO_EXHAUSTED"
    ok(await update_promo(api, promo["promoId"], count=1), "promo")
    order = await open_order(api, **promo, idempotencyKey=key)
    assert await open_order(api, **promo, idempotencyKey=key) == order
    assert await counters(api, promo) == (1, 1, 0)


async def test_a_key_that_failed_may_be_used_with_another_input(api: Api) -> None:
    exhausted, key = await user_and_promo(api, count=0), unique("k")
    assert refused(await create_order(api, **exhausted, idempotencyKey=key))[0] == "PROMO_EXHAUSTED"
    order = await open_order(api, idempotencyKey=key)
    assert order["promo"] is None


async def test_a_key_refused_for_an_unknown_user_is_not_remembered(api: Api) -> None:
    promo, key = await user_and_promo(api), unique("k")
    unknown = {**promo, "userId": unique("nobody")}
    assert (
        refused(await create_order(api, **unknown, idempotencyKey=key))[0] == "USER_NOT_AUTHORIZED"
    )
    assert (await open_order(api, **promo, idempotencyKey=key))["promo"] == promo


async def test_rest_repeat_with_the_same_header_returns_the_same_order_id(api: Api) -> None:
    promo, key = await user_and_promo(api), unique("k")
    first = await rest_create(api, promo, key)
    again = await rest_create(api, promo, key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert await counters(api, promo) == (5, 1, 0)


async def test_rest_same_header_with_another_input_is_reused(api: Api) -> None:
    promo, key = await user_and_promo(api), unique("k")
    assert (await rest_create(api, promo, key)).status_code == 200
    assert rest_error(await rest_create(api, {}, key), 409) == "IDEMPOTENCY_KEY_REUSED"


async def test_rest_failed_request_is_not_remembered(api: Api) -> None:
    promo, key = await user_and_promo(api, count=0), unique("k")
    assert rest_error(await rest_create(api, promo, key), 409) == "PROMO_EXHAUSTED"
    ok(await update_promo(api, promo["promoId"], count=1), "promo")
    assert (await rest_create(api, promo, key)).status_code == 200


async def test_graphql_key_and_rest_header_share_one_namespace(api: Api) -> None:
    promo, key = await user_and_promo(api), unique("k")
    order = await open_order(api, **promo, idempotencyKey=key)
    repeat = await rest_create(api, promo, key)
    assert repeat.json() == {"orderId": order["orderId"]}
    assert rest_error(await rest_create(api, {}, key), 409) == "IDEMPOTENCY_KEY_REUSED"
    assert await counters(api, promo) == (5, 1, 0)


async def test_rest_header_and_graphql_key_share_one_namespace(api: Api) -> None:
    promo, key = await user_and_promo(api), unique("k")
    order_id = (await rest_create(api, promo, key)).json()["orderId"]
    assert (await open_order(api, **promo, idempotencyKey=key))["orderId"] == order_id
    payload = await create_order(api, idempotencyKey=key)
    assert refused(payload)[0] == "IDEMPOTENCY_KEY_REUSED"
    assert await counters(api, promo) == (5, 1, 0)


async def test_orders_without_a_key_are_never_merged(api: Api) -> None:
    promo = await user_and_promo(api)
    first, second = await open_order(api, **promo), await open_order(api, **promo)
    assert first["orderId"] != second["orderId"]
    assert await counters(api, promo) == (5, 2, 0)

"""The legacy REST routes (SPEC §6): creating, reading and closing orders, with the SPEC's
bodies, status strings, and error statuses; REST and GraphQL see the same orders."""

import pytest

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    DECLINE_ORDER,
    close,
    counters,
    event_types,
    ok,
    open_order,
    read_order,
    rest_close,
    rest_create,
    rest_error,
    rest_status,
    user_and_promo,
)
from tests.support import unique

LEGACY = {"success": "success", "cancel": "cancel"}
OTHER_WAY = {"success": "cancel", "cancel": "success"}


async def test_plain_order_is_created_with_an_empty_body(api: Api) -> None:
    created = await rest_create(api, {})
    assert created.status_code == 200
    assert list(created.json()) == ["orderId"]
    order_id = created.json()["orderId"]
    read = await api.http.get(f"/orders/{order_id}")
    assert (read.status_code, read.json()) == (200, {"status": "in progress"})


async def test_promo_order_is_created_and_read_with_its_promo(api: Api) -> None:
    promo = await user_and_promo(api, count=2)
    created = await rest_create(api, promo)
    assert created.status_code == 200
    read = await api.http.get(f"/orders/{created.json()['orderId']}")
    assert read.status_code == 200
    assert read.json() == {**promo, "status": "in progress"}
    assert await counters(api, promo) == (2, 1, 0)


async def test_rest_promo_order_has_the_same_events_in_graphql(api: Api) -> None:
    promo = await user_and_promo(api)
    order_id = (await rest_create(api, promo)).json()["orderId"]
    order = await read_order(api, order_id)
    assert order["promo"] == promo
    assert event_types(order) == ["ORDER_CREATED", "PROMO_RESERVED"]


async def test_success_redeems_and_reads_back_as_success(api: Api) -> None:
    promo = await user_and_promo(api, count=2)
    order_id = (await rest_create(api, promo)).json()["orderId"]
    closed = await rest_close(api, order_id, "success")
    assert (closed.status_code, closed.json()) == (200, {"status": "OK"})
    assert (await api.http.get(f"/orders/{order_id}")).json() == {**promo, "status": "success"}
    assert await counters(api, promo) == (1, 0, 1)


async def test_cancel_releases_and_reads_back_as_cancel(api: Api) -> None:
    promo = await user_and_promo(api, count=2)
    order_id = (await rest_create(api, promo)).json()["orderId"]
    closed = await rest_close(api, order_id, "cancel")
    assert (closed.status_code, closed.json()) == (200, {"status": "OK"})
    assert (await api.http.get(f"/orders/{order_id}")).json() == {**promo, "status": "cancel"}
    assert await counters(api, promo) == (2, 0, 0)
    assert event_types(await read_order(api, order_id))[2:] == ["PROMO_RELEASED", "ORDER_CANCELLED"]


async def test_declined_order_reads_back_as_declined_and_cannot_be_closed(api: Api) -> None:
    order_id = (await rest_create(api, {})).json()["orderId"]
    ok(await api.mutate("declineOrder", DECLINE_ORDER, {"orderId": order_id}))
    assert await rest_status(api, order_id) == "declined"
    for new_status in ("success", "cancel"):
        assert rest_error(await rest_close(api, order_id, new_status), 409) == "ORDER_DECLINED"
    assert await rest_status(api, order_id) == "declined"


@pytest.mark.parametrize("new_status", ["success", "cancel"])
async def test_repeating_the_same_close_answers_ok_with_no_new_event(
    api: Api, new_status: str
) -> None:
    promo = await user_and_promo(api)
    order_id = (await rest_create(api, promo)).json()["orderId"]
    assert (await rest_close(api, order_id, new_status)).status_code == 200
    before = await read_order(api, order_id)
    again = await rest_close(api, order_id, new_status)
    assert (again.status_code, again.json()) == (200, {"status": "OK"})
    assert await read_order(api, order_id) == before
    assert before["version"] == 4


@pytest.mark.parametrize("new_status", ["success", "cancel"])
async def test_closing_the_other_way_is_409(api: Api, new_status: str) -> None:
    order_id = (await rest_create(api, {})).json()["orderId"]
    assert (await rest_close(api, order_id, new_status)).status_code == 200
    assert rest_error(await rest_close(api, order_id, OTHER_WAY[new_status]), 409) == "ORDER_CLOSED"
    assert await rest_status(api, order_id) == LEGACY[new_status]


async def test_rest_and_graphql_close_the_same_orders(api: Api) -> None:
    graphql_made = await open_order(api)
    rest_made = (await rest_create(api, {})).json()["orderId"]
    assert (await rest_close(api, graphql_made["orderId"], "success")).status_code == 200
    assert ok(await close(api, rest_made, "cancel"))["status"] == "CANCELLED"
    assert await rest_status(api, graphql_made["orderId"]) == "success"
    assert await rest_status(api, rest_made) == "cancel"


async def test_reading_an_unknown_order_is_404(api: Api) -> None:
    assert rest_error(await api.http.get(f"/orders/{unique('o')}"), 404) == "ORDER_NOT_FOUND"


@pytest.mark.parametrize("new_status", ["success", "cancel"])
async def test_closing_an_unknown_order_is_404(api: Api, new_status: str) -> None:
    response = await rest_close(api, unique("o"), new_status)
    assert rest_error(response, 404) == "ORDER_NOT_FOUND"


async def test_unknown_user_is_403(api: Api) -> None:
    promo = await user_and_promo(api)
    response = await rest_create(api, {**promo, "userId": unique("nobody")})
    assert rest_error(response, 403) == "USER_NOT_AUTHORIZED"
    assert await counters(api, promo) == (5, 0, 0)


async def test_unknown_promo_is_404(api: Api) -> None:
    promo = await user_and_promo(api)
    response = await rest_create(api, {**promo, "promoId": unique("nopromo")})
    assert rest_error(response, 404) == "PROMO_NOT_FOUND"


@pytest.mark.parametrize(
    ("count", "per_user", "code"),
    [(0, 5, "PROMO_EXHAUSTED"), (5, 1, "PROMO_USER_LIMIT")],
)
async def test_promo_rules_are_409(api: Api, count: int, per_user: int, code: str) -> None:
    promo = await user_and_promo(api, count=count, per_user=per_user)
    if count:
        assert (await rest_create(api, promo)).status_code == 200
    assert rest_error(await rest_create(api, promo), 409) == code


async def test_inactive_promo_is_409(api: Api) -> None:
    promo = await user_and_promo(api, startsAt="2999-01-01T00:00:00Z")
    assert rest_error(await rest_create(api, promo), 409) == "PROMO_NOT_ACTIVE"


@pytest.mark.parametrize("only", ["userId", "promoId"])
async def test_only_one_of_user_and_promo_is_400(api: Api, only: str) -> None:
    promo = await user_and_promo(api)
    response = await rest_create(api, {only: promo[only]})
    assert rest_error(response, 400) == "INVALID_INPUT"
    assert await counters(api, promo) == (5, 0, 0)

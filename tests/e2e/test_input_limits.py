"""Input limits (SPEC §7): ids of 1-128 letters, digits and -_.:@ or 400 naming the field, with
nothing changed; request bodies over 1 MiB are 413 on REST and GraphQL."""

from collections.abc import AsyncIterator

import pytest

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    CREATE_ORDER,
    close,
    counters,
    create_order,
    create_promo,
    create_user,
    open_order,
    refused,
    rest_close,
    rest_create,
    rest_error,
    rest_status,
    user_and_promo,
)
from tests.support import unique

MiB = 1024 * 1024
BAD_IDS = [
    "",
    "x" * 129,
    "has space",
    "slash/",
    "brace{p}",
    "ümlaut",
    "comma,",
    "new\nline",
    "#hash",
]


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("name", ["userId", "promoId", "idempotencyKey"])
async def test_create_with_a_bad_id_is_invalid_naming_it_and_changes_nothing(
    api: Api, name: str, bad: str
) -> None:
    promo = await user_and_promo(api)
    payload = await create_order(api, **{**promo, "idempotencyKey": unique("k"), name: bad})
    assert refused(payload) == ("INVALID_INPUT", 400, ["input", name])
    assert await counters(api, promo) == (5, 0, 0)


def padded(prefix: str) -> str:
    """A unique id of exactly 128 characters."""
    return (unique(prefix) + "x" * 128)[:128]


async def test_ids_of_128_characters_are_accepted(api: Api) -> None:
    user_id = await create_user(api, padded("u"))
    promo_id = await create_promo(api, promo_id=padded("p"))
    order = await open_order(api, userId=user_id, promoId=promo_id, idempotencyKey=padded("k"))
    assert order["promo"] == {"promoId": promo_id, "userId": user_id}
    read = await api.http.get(f"/orders/{order['orderId']}")
    assert read.json() == {"promoId": promo_id, "userId": user_id, "status": "in progress"}


@pytest.mark.parametrize("user_id", ["a", "A-z_0.9:@"])
async def test_ids_of_one_character_and_of_every_allowed_sign_are_accepted(
    api: Api, user_id: str
) -> None:
    promo_id = await create_promo(api)
    await create_user(api, user_id)
    order = await open_order(api, userId=user_id, promoId=promo_id)
    assert order["promo"] == {"promoId": promo_id, "userId": user_id}


@pytest.mark.parametrize("new_status", ["success", "cancel"])
@pytest.mark.parametrize("bad", ["x" * 129, "has space", "brace{o}"])
async def test_close_with_a_bad_order_id_is_invalid(api: Api, new_status: str, bad: str) -> None:
    assert refused(await close(api, bad, new_status)) == ("INVALID_INPUT", 400, ["orderId"])


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_rest_create_with_a_bad_id_is_400_and_reserves_nothing(api: Api, bad: str) -> None:
    promo = await user_and_promo(api)
    for body in ({**promo, "userId": bad}, {**promo, "promoId": bad}):
        assert rest_error(await rest_create(api, body), 400) == "INVALID_INPUT"
    assert await counters(api, promo) == (5, 0, 0)


@pytest.mark.parametrize("bad", ["", "x" * 129, "has space", "comma,", "brace{o}"])
async def test_rest_idempotency_header_with_a_bad_key_is_400_and_reserves_nothing(
    api: Api, bad: str
) -> None:
    promo = await user_and_promo(api)
    assert rest_error(await rest_create(api, promo, bad), 400) == "INVALID_INPUT"
    assert await counters(api, promo) == (5, 0, 0)


@pytest.mark.parametrize("bad", ["x" * 129, "has%20space", "brace%7Bo%7D", "%C3%BC"])
async def test_rest_read_and_close_with_a_bad_order_id_are_400(api: Api, bad: str) -> None:
    assert rest_error(await api.http.get(f"/orders/{bad}"), 400) == "INVALID_INPUT"
    assert rest_error(await rest_close(api, bad, "success"), 400) == "INVALID_INPUT"


def padded_json(size: int) -> bytes:
    """A valid JSON object of exactly `size` bytes: "{}" with whitespace inside."""
    return b"{" + b" " * (size - 2) + b"}"


async def test_rest_create_body_of_exactly_one_mib_is_accepted(api: Api) -> None:
    response = await api.http.post(
        "/orders", content=padded_json(MiB), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text


async def test_rest_create_body_over_one_mib_is_413_and_reserves_nothing(api: Api) -> None:
    promo = await user_and_promo(api)
    body = b'{"userId": "%s", "promoId": "%s"' % (
        promo["userId"].encode(),
        promo["promoId"].encode(),
    )
    body += b" " * (MiB - len(body)) + b"}"
    assert len(body) == MiB + 1
    response = await api.http.post(
        "/orders", content=body, headers={"Content-Type": "application/json"}
    )
    assert rest_error(response, 413) == "PAYLOAD_TOO_LARGE"
    assert await counters(api, promo) == (5, 0, 0)


async def test_rest_close_body_over_one_mib_is_413_and_changes_nothing(api: Api) -> None:
    order_id = (await rest_create(api, {})).json()["orderId"]
    body = b'{"new status": "success"' + b" " * MiB + b"}"
    response = await api.http.post(
        f"/orders/{order_id}", content=body, headers={"Content-Type": "application/json"}
    )
    assert rest_error(response, 413) == "PAYLOAD_TOO_LARGE"
    assert await rest_status(api, order_id) == "in progress"


async def test_chunked_body_over_one_mib_without_a_length_is_413(api: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"{"
        for _ in range(5):
            yield b" " * (MiB // 4)
        yield b"}"

    response = await api.http.post(
        "/orders", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert rest_error(response, 413) == "PAYLOAD_TOO_LARGE"


async def test_graphql_body_over_one_mib_is_413_and_reserves_nothing(api: Api) -> None:
    promo = await user_and_promo(api)
    variables = {"input": promo, "padding": "x" * MiB}
    response = await api.http.post("/graphql", json={"query": CREATE_ORDER, "variables": variables})
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "status": 413}
    assert await counters(api, promo) == (5, 0, 0)

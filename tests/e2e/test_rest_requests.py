"""What the legacy REST routes accept (SPEC §6): JSON only (415 otherwise), 400 for malformed
JSON, wrong types, unknown fields and unknown "new status" values, all without changing state;
and the OpenAPI document describing the three routes."""

import json
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.helpers import counters, rest_close, rest_error, rest_status, user_and_promo
from tests.support import unique

NOT_JSON = [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"]


def content_headers(content_type: str | None) -> dict[str, str]:
    return {"Content-Type": content_type} if content_type else {}


async def open_rest_order(api: Api) -> str:
    created = await api.http.post("/orders", json={})
    order_id: str = created.json()["orderId"]
    return order_id


@pytest.mark.parametrize("content_type", NOT_JSON)
async def test_create_without_json_content_type_is_415_and_reserves_nothing(
    api: Api, content_type: str | None
) -> None:
    promo = await user_and_promo(api)
    body = json.dumps(promo).encode()
    response = await api.http.post("/orders", content=body, headers=content_headers(content_type))
    assert rest_error(response, 415) == "UNSUPPORTED_MEDIA_TYPE"
    assert await counters(api, promo) == (5, 0, 0)


@pytest.mark.parametrize("content_type", NOT_JSON)
async def test_close_without_json_content_type_is_415_and_changes_nothing(
    api: Api, content_type: str | None
) -> None:
    order_id = await open_rest_order(api)
    body = json.dumps({"new status": "success"}).encode()
    response = await api.http.post(
        f"/orders/{order_id}", content=body, headers=content_headers(content_type)
    )
    assert rest_error(response, 415) == "UNSUPPORTED_MEDIA_TYPE"
    assert await rest_status(api, order_id) == "in progress"


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "Application/JSON", "application/json;charset=UTF-8"],
)
async def test_json_content_type_with_a_charset_or_any_case_is_accepted(
    api: Api, content_type: str
) -> None:
    promo = await user_and_promo(api)
    headers = {"Content-Type": content_type}
    created = await api.http.post("/orders", content=json.dumps(promo).encode(), headers=headers)
    assert created.status_code == 200, created.text
    order_id = created.json()["orderId"]
    body = json.dumps({"new status": "success"}).encode()
    closed = await api.http.post(f"/orders/{order_id}", content=body, headers=headers)
    assert (closed.status_code, closed.json()) == (200, {"status": "OK"})
    assert await counters(api, promo) == (4, 0, 1)


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"{'userId': 'u'}", b"not json", b"\xff\xfe", b"[]", b'"text"', b"null", b"1"],
)
async def test_create_with_a_body_that_is_not_a_json_object_is_400(api: Api, raw: bytes) -> None:
    response = await api.http.post(
        "/orders", content=raw, headers={"Content-Type": "application/json"}
    )
    assert rest_error(response, 400) == "INVALID_INPUT"


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b'"success"', b"\xff"])
async def test_close_with_a_body_that_is_not_a_json_object_is_400(api: Api, raw: bytes) -> None:
    order_id = await open_rest_order(api)
    response = await api.http.post(
        f"/orders/{order_id}", content=raw, headers={"Content-Type": "application/json"}
    )
    assert rest_error(response, 400) == "INVALID_INPUT"
    assert await rest_status(api, order_id) == "in progress"


@pytest.mark.parametrize(
    "wrong",
    [
        {"userId": 5},
        {"promoId": ["x"]},
        {"userId": None},
        {"promoId": {"id": "x"}},
        {"userId": True},
    ],
)
async def test_create_with_a_field_of_the_wrong_type_is_400_and_reserves_nothing(
    api: Api, wrong: dict[str, Any]
) -> None:
    promo = await user_and_promo(api)
    response = await api.http.post("/orders", json={**promo, **wrong})
    assert rest_error(response, 400) == "INVALID_INPUT"
    assert await counters(api, promo) == (5, 0, 0)


@pytest.mark.parametrize("misspelt", ["promoID", "promo_id", "PromoId", "promo"])
async def test_a_misspelt_promo_field_is_400_and_creates_no_order(api: Api, misspelt: str) -> None:
    promo = await user_and_promo(api)
    response = await api.http.post(
        "/orders", json={"userId": promo["userId"], misspelt: promo["promoId"]}
    )
    assert rest_error(response, 400) == "INVALID_INPUT"
    assert misspelt in response.json()["error"]["message"]
    assert await counters(api, promo) == (5, 0, 0)


async def test_an_unknown_field_beside_an_empty_order_is_400(api: Api) -> None:
    response = await api.http.post("/orders", json={"comment": "hello"})
    assert rest_error(response, 400) == "INVALID_INPUT"


@pytest.mark.parametrize(
    "body",
    [
        {"new status": "done"},
        {"new status": "SUCCESS"},
        {"new status": "in progress"},
        {"new status": "declined"},
        {"new status": ""},
        {"new status": 1},
        {"new status": None},
        {},
        {"new_status": "success"},
        {"new status": "success", "extra": "x"},
    ],
)
async def test_close_with_an_unknown_new_status_is_400_and_changes_nothing(
    api: Api, body: dict[str, Any]
) -> None:
    promo = await user_and_promo(api)
    created = await api.http.post("/orders", json=promo)
    order_id = created.json()["orderId"]
    response = await api.http.post(f"/orders/{order_id}", json=body)
    assert rest_error(response, 400) == "INVALID_INPUT"
    assert await rest_status(api, order_id) == "in progress"
    assert await counters(api, promo) == (5, 1, 0)


DEEP = {
    "array": b"[" * 100_000 + b"]" * 100_000,
    "object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
}


@pytest.mark.parametrize("shape", sorted(DEEP))
async def test_json_nested_past_any_parser_is_400_not_a_crash(api: Api, shape: str) -> None:
    order_id = await open_rest_order(api)
    headers = {"Content-Type": "application/json"}
    for path in ("/orders", f"/orders/{order_id}"):
        response = await api.http.post(path, content=DEEP[shape], headers=headers)
        assert rest_error(response, 400) == "INVALID_INPUT"
    assert await rest_status(api, order_id) == "in progress"


async def test_bad_new_status_outranks_an_unknown_order(api: Api) -> None:
    response = await rest_close(api, unique("o"), "done")
    assert rest_error(response, 400) == "INVALID_INPUT"


async def test_openapi_document_describes_the_three_routes(api: Api) -> None:
    response = await api.http.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    create = paths["/orders"]["post"]
    assert "get" not in paths["/orders"]
    by_id = next(path for name, path in paths.items() if name.startswith("/orders/{"))
    assert set(by_id) >= {"get", "post"}
    assert {"200", "400", "403", "404", "409", "415"} <= {str(code) for code in create["responses"]}
    assert {"200", "400", "404", "409", "415"} <= {str(code) for code in by_id["post"]["responses"]}
    assert {"200", "404"} <= {str(code) for code in by_id["get"]["responses"]}
    assert any(param["name"] == "Idempotency-Key" for param in create["parameters"])
    schemas = document["components"]["schemas"]
    described = json.dumps(schemas["CreateOrder"])
    assert '"userId"' in described and '"promoId"' in described
    assert schemas["NewStatus"]["properties"]["new status"]["enum"] == ["success", "cancel"]

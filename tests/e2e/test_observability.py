"""What operators rely on: request ids, JSON log lines without secrets, metrics, masking."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from ordo import logs
from ordo.app import create_app
from ordo.settings import load_settings
from resolvers import orders
from tests.support import ADMIN_TOKEN, unique

MUTATION = "mutation { createOrder { order { orderId } errors { code } } }"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(load_settings({"ORDO_ADMIN_TOKEN": ADMIN_TOKEN}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ordo") as http:
        yield http


async def test_a_request_id_is_made_and_returned(client: httpx.AsyncClient) -> None:
    answer = await client.post("/orders", json={})
    assert len(answer.headers["x-request-id"]) == 32


async def test_a_callers_valid_request_id_is_kept_and_an_invalid_one_replaced(
    client: httpx.AsyncClient,
) -> None:
    mine = unique("req")
    kept = await client.get("/healthz", headers={"X-Request-ID": mine})
    replaced = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith tab"})
    assert kept.headers["x-request-id"] == mine
    assert replaced.headers["x-request-id"] != "bad id\twith tab"


async def test_each_request_logs_one_json_line_with_its_id_and_no_secrets(
    capfd: pytest.CaptureFixture[str], client: httpx.AsyncClient
) -> None:
    """capfd comes first, so the app's logger is made writing to the captured stderr."""
    logs.flush()
    capfd.readouterr()
    body = {"query": 'mutation { createUser(userId: "u-secret-body") { userId } }'}
    answer = await client.post(
        "/graphql", json=body, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    logs.flush()
    logged = capfd.readouterr().err
    lines = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["event"] == "request"]
    assert requests[-1]["request_id"] == answer.headers["x-request-id"]
    assert requests[-1]["route"] == "/graphql" and requests[-1]["status"] == 200
    assert ADMIN_TOKEN not in logged
    assert "u-secret-body" not in logged


async def test_metrics_count_operations_by_outcome_and_promo_activations(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/orders", json={"userId": unique("u"), "promoId": unique("p")})
    text = (await client.get("/metrics")).text
    assert 'ordo_operations_total{operation="createOrder",outcome="USER_NOT_AUTHORIZED"}' in text
    assert "ordo_operation_seconds_bucket" in text
    assert 'ordo_http_requests_total{route="/orders",status="403"}' in text


async def test_an_unexpected_failure_is_masked_for_the_client(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(orders, "create_order", broken)
    answer = await client.post("/graphql", json={"query": MUTATION})
    assert answer.json()["errors"][0]["message"] == "Unexpected error."
    assert "internal detail" not in answer.text

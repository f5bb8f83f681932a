"""What the GraphQL edge logs: a client's mistakes at info at most and never with the document
or its variables; a fault of the server at error, with its traceback; the store's absence as a
warning. On the prepared and on the generic path alike."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.errors import Unavailable
from ordo import logs
from ordo.app import create_app
from ordo.settings import load_settings
from resolvers import orders
from store import SingleStore
from tests.e2e.helpers import CREATE_ORDER
from tests.support import ADMIN_TOKEN, OrdoServer, running

SECRET = "s3cr3t-marker"  # in every document and variable below, never in a log line
MISTAKES: list[dict[str, Any]] = [
    {"query": f"{{ {SECRET}"},  # unparsable
    {"query": f'{{ order(orderId: "{SECRET}") {{ {SECRET} }} }}'},  # an unknown field
    {"query": "query($o: ID) { __typename }", "variables": {"o": SECRET}},  # unused variable
    {"query": "query($o: Int) { __typename(a: $o) }", "variables": {"o": SECRET}},
    {"query": CREATE_ORDER, "variables": {"input": {"userId": [SECRET]}}},  # does not coerce
    {"query": CREATE_ORDER, "variables": {"input": {}}, "operationName": {SECRET: 1}},
    {"query": f"mutation {SECRET} {{ createOrder {{ errors {{ code }} }} }}", "operationName": 1},
]
FAULTY = (
    f'mutation {{ createOrder(input: {{idempotencyKey: "{SECRET}"}}) {{ errors {{ code }} }} }}'
)


@pytest.fixture(params=["prepared", "generic"])
async def client(
    request: pytest.FixtureRequest, capfd: pytest.CaptureFixture[str]
) -> AsyncIterator[httpx.AsyncClient]:
    """capfd first, so the app's loggers are made writing to the captured stderr."""
    env = {
        "ORDO_ADMIN_TOKEN": ADMIN_TOKEN,
        "ORDO_GRAPHQL_PREPARED": str(request.param == "prepared"),
    }
    app = create_app(load_settings(env))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ordo") as http:
        for _ in range(2):  # the prepared app holds a plan of the document from here on
            await http.post("/graphql", json={"query": CREATE_ORDER, "variables": {"input": {}}})
            await http.post("/graphql", json={"query": FAULTY})
        logs.flush()
        capfd.readouterr()
        yield http
    await app.state.store.close()


def lines_of(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def logged(capfd: pytest.CaptureFixture[str]) -> tuple[str, list[dict[str, Any]]]:
    logs.flush()
    text = capfd.readouterr().err
    return text, lines_of(text)


def test_ordo_serve_logs_a_clients_mistakes_at_info_at_most_without_the_document() -> None:
    server = OrdoServer(None)
    with running(server), httpx.Client(base_url=server.url) as http:
        for body in MISTAKES * 2:
            assert http.post("/graphql", json=body).status_code == 400
    text = Path(server.log.name).read_text()
    lines = lines_of(text)
    assert [line["status"] for line in lines if line.get("route") == "/graphql"] == [400] * 2 * len(
        MISTAKES
    )
    assert all(line["level"] in ("info", "warning") for line in lines), text  # warning: embedded
    assert not [line for line in lines if line["level"] == "warning" and "request_id" in line]
    assert SECRET not in text


async def test_a_clients_mistakes_are_logged_at_info_at_most_without_the_document(
    client: httpx.AsyncClient, capfd: pytest.CaptureFixture[str]
) -> None:
    for body in MISTAKES:
        answer = await client.post("/graphql", json=body)
        assert answer.status_code == 400, answer.text
    text, lines = logged(capfd)
    assert [line["status"] for line in lines if line["event"] == "request"] == [400] * len(MISTAKES)
    assert all(line["level"] in ("debug", "info") for line in lines), text
    assert SECRET not in text


async def test_a_fault_of_the_server_is_logged_at_error_without_the_document(
    client: httpx.AsyncClient, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal detail")

    monkeypatch.setattr(orders, "create_order", broken)
    answer = await client.post("/graphql", json={"query": FAULTY})
    assert answer.json()["errors"][0]["message"] == "Unexpected error."
    text, lines = logged(capfd)
    faults = [line for line in lines if line["level"] == "error"]
    assert len(faults) == 1, text
    assert faults[0]["path"] == ["createOrder"]
    assert "RuntimeError: internal detail" in faults[0]["exception"]
    assert faults[0]["request_id"] == answer.headers["x-request-id"]
    assert SECRET not in text


async def test_an_unavailable_store_is_logged_as_a_warning_without_the_document(
    client: httpx.AsyncClient, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(*args: object, **options: object) -> None:
        raise Unavailable("connection refused")

    for door in ("run", "run_in_order", "read", "read_many"):
        monkeypatch.setattr(SingleStore, door, down)  # the embedded store's doors too
    answer = await client.post("/graphql", json={"query": FAULTY})
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    text, lines = logged(capfd)
    assert [line["level"] for line in lines if line["event"] == "store unavailable"] == ["warning"]
    assert not [line for line in lines if line["level"] == "error"], text
    assert SECRET not in text

"""Production switches (issue 7): introspection off, CORS allow-list, request time limit,
graceful shutdown on SIGTERM, and the warning about a Redis that keeps nothing on disk."""

import asyncio
import signal
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import redis

from ordo.app import create_app
from ordo.settings import load_settings
from resolvers import orders
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer, running

SHOP = "https://shop.example"


async def _client(**env: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(load_settings({"ORDO_ADMIN_TOKEN": ADMIN_TOKEN, **env}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://o") as c:
        yield c


@pytest.fixture
async def closed() -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(
        ORDO_INTROSPECTION="false", ORDO_CORS_ORIGINS=SHOP, ORDO_REQUEST_TIMEOUT="0.3"
    ):
        yield client


async def test_introspection_can_be_turned_off_while_queries_still_run(
    closed: httpx.AsyncClient,
) -> None:
    refused = await closed.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    assert refused.status_code == 400
    assert "introspection" in refused.text.lower()
    works = await closed.post("/graphql", json={"query": '{ order(orderId: "o-1") { status } }'})
    assert works.json()["errors"][0]["extensions"]["code"] == "ORDER_NOT_FOUND"


async def test_cors_answers_an_allowed_origin_and_not_another(closed: httpx.AsyncClient) -> None:
    ask = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    allowed = await closed.options("/graphql", headers={"Origin": SHOP, **ask})
    other = await closed.options("/graphql", headers={"Origin": "https://evil.example", **ask})
    assert allowed.headers["access-control-allow-origin"] == SHOP
    assert "access-control-allow-origin" not in other.headers


async def test_a_request_over_its_time_limit_is_answered_503(
    closed: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def stuck(*args: object, **kwargs: object) -> None:
        await asyncio.sleep(30)

    monkeypatch.setattr(orders, "create_order_id", stuck)
    answer = await closed.post("/orders", json={})
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "UNAVAILABLE"


def test_sigterm_lets_an_in_flight_request_finish_before_exiting() -> None:
    """Redis pauses writes, so the create is surely in flight when SIGTERM arrives."""
    store = RedisServer()
    with running(store):
        server = OrdoServer(store.url)
        with running(server):
            answers: list[httpx.Response] = []
            admin = redis.Redis(port=store.port, decode_responses=True)
            admin.execute_command("CLIENT", "PAUSE", 1000, "WRITE")  # within the 2 s Redis timeout
            request = threading.Thread(
                target=lambda: answers.append(
                    httpx.post(f"{server.url}/orders", json={}, timeout=20)
                )
            )
            request.start()
            _until_a_command_waits(admin)
            assert server.process is not None
            server.process.send_signal(signal.SIGTERM)
            request.join(timeout=20)
            # uvicorn finishes in-flight requests, then re-raises SIGTERM as its exit status.
            assert server.process.wait(timeout=20) in (0, -signal.SIGTERM)
    assert answers and answers[0].status_code == 200


def _until_a_command_waits(admin: redis.Redis) -> None:
    """Bounded: until a client other than this one has a paused command in Redis."""
    deadline = time.monotonic() + 5
    me = str(admin.client_id())
    while time.monotonic() < deadline:
        # CLIENT LIST shows its own caller with the command in its query buffer: not it.
        others = [c for c in admin.client_list() if str(c["id"]) != me]
        if [c for c in others if c["cmd"] in ("evalsha", "eval") or int(c.get("qbuf", 0)) > 0]:
            return
        time.sleep(0.02)
    raise AssertionError("the request never reached Redis")


def test_a_redis_that_keeps_nothing_on_disk_is_warned_about(redis_server: RedisServer) -> None:
    server = OrdoServer(redis_server.url)
    with running(server):
        log = Path(server.log.name).read_text()
    assert "keeps nothing on disk" in log

"""Redis stopped, or frozen in place, under a running service: GraphQL answers a top-level
error with extensions {code: UNAVAILABLE, status: 503} and REST a 503, within the configured
ORDO_REDIS_TIMEOUT (a client waiting 10x that gets its answer: no hang); /readyz fails while
/healthz holds; and when Redis is back the same process serves again, with no restart.
(tests/e2e/test_unavailable.py covers a server whose Redis never existed.)"""

import asyncio
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import httpx
import pytest

from tests.e2e.faults import PATIENCE, Stack, stack, wait_ready
from tests.e2e.helpers import CREATE_ORDER, PROMO, rest_error
from tests.support import ADMIN_TOKEN, RedisServer

UNAVAILABLE = {"code": "UNAVAILABLE", "status": 503}


@contextmanager
def stopped(redis: RedisServer) -> Iterator[None]:
    redis.stop()
    try:
        yield
    finally:
        redis.start()


def graphql(
    s: Stack, query: str, variables: dict[str, object], admin: bool = False
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if admin else {}
    body = {"query": query, "variables": variables}
    return httpx.post(f"{s.server.url}/graphql", json=body, headers=headers, timeout=PATIENCE)


def assert_unavailable(s: Stack, order_id: str) -> None:
    """Every kind of request answers 503 UNAVAILABLE, in time (the client's PATIENCE)."""
    promo = {"userId": s.load.users[0], "promoId": s.load.promos[0]}
    for answer in (
        graphql(s, CREATE_ORDER, {"input": promo}),
        graphql(s, PROMO, promo, admin=True),
    ):
        body = answer.json()
        # A mutation's payload is non-null, so its failure nulls `data`; a query's field only.
        assert answer.status_code == 200 and not any((body["data"] or {}).values()), body
        assert [error["extensions"] for error in body["errors"]] == [UNAVAILABLE], body
        assert "Traceback" not in answer.text
    url = s.server.url
    assert (
        rest_error(httpx.post(f"{url}/orders", json=promo, timeout=PATIENCE), 503) == "UNAVAILABLE"
    )
    assert rest_error(httpx.get(f"{url}/orders/{order_id}", timeout=PATIENCE), 503) == "UNAVAILABLE"
    closing = httpx.post(
        f"{url}/orders/{order_id}", json={"new status": "success"}, timeout=PATIENCE
    )
    assert rest_error(closing, 503) == "UNAVAILABLE"
    assert httpx.get(f"{url}/readyz", timeout=PATIENCE).status_code == 503
    assert httpx.get(f"{url}/healthz", timeout=PATIENCE).status_code == 200


OUTAGES: dict[str, Callable[[RedisServer], AbstractContextManager[None]]] = {
    "stopped": stopped,
    "frozen": RedisServer.frozen,
}


@pytest.mark.parametrize("outage", sorted(OUTAGES))
async def test_without_redis_every_api_answers_503_in_time_and_recovers_without_restart(
    outage: str,
) -> None:
    async with stack() as s:
        assert s.server.process is not None
        pid = s.server.process.pid
        promo = {"userId": s.load.users[0], "promoId": s.load.promos[0]}
        made = await s.http.post("/orders", json=promo)
        order_id = made.json()["orderId"]
        with OUTAGES[outage](s.redis):
            await asyncio.to_thread(assert_unavailable, s, order_id)
        await asyncio.to_thread(wait_ready, s.server)
        after = (await s.http.post("/orders", json={})).json()["orderId"]
        closed = await s.http.post(f"/orders/{after}", json={"new status": "success"})
        assert closed.status_code == 200, closed.text
        # A frozen Redis keeps its data; the test's stopped one kept nothing on disk.
        kept = await s.http.get(f"/orders/{order_id}")
        assert kept.status_code == (200 if outage == "frozen" else 404), kept.text
        assert s.server.process.pid == pid and s.server.process.poll() is None

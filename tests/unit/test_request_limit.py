"""ordo/middleware.py's time limit: a request over it is answered 503 and its task goes on
uncancelled; a cancellation from elsewhere (a shutdown) is not mistaken for it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from ordo.middleware import RequestContext

SCOPE = {"type": "http", "method": "POST", "path": "/orders", "headers": []}


async def _stuck(scope: Any, receive: Any, send: Any) -> None:
    await asyncio.sleep(30)


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def test_a_request_over_its_limit_is_answered_503_and_its_task_goes_on() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def request() -> int:
        await RequestContext(_stuck, timeout=0.05)(dict(SCOPE), _receive, send)
        task = asyncio.current_task()
        assert task is not None
        await asyncio.sleep(0)  # not cancelled again: the limit's cancellation was taken back
        return task.cancelling()

    assert await asyncio.wait_for(request(), 10) == 0
    assert sent[0]["status"] == 503
    assert (b"x-request-id", sent[0]["headers"][-1][1]) == sent[0]["headers"][-1]
    assert b"UNAVAILABLE" in sent[1]["body"]


async def test_a_cancellation_from_elsewhere_is_not_a_503() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    task = asyncio.ensure_future(RequestContext(_stuck, timeout=5)(dict(SCOPE), _receive, send))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sent == []


async def _quick(scope: Any, receive: Any, send: Any) -> None:
    await asyncio.sleep(0.05)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def test_only_requests_past_their_limit_are_cut_and_not_before_it() -> None:
    statuses: dict[str, list[int]] = {"stuck": [], "quick": []}
    limit = 0.4
    routes = {"/stuck": _stuck, "/quick": _quick}
    context = RequestContext(lambda s, r, send: routes[s["path"]](s, r, send), timeout=limit)

    async def request(path: str) -> float:
        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses[path.strip("/")].append(message["status"])

        started = asyncio.get_running_loop().time()
        await context({**SCOPE, "path": path}, _receive, send)
        return asyncio.get_running_loop().time() - started

    took = await asyncio.gather(request("/stuck"), *(request("/quick") for _ in range(5)))
    assert statuses == {"stuck": [503], "quick": [200] * 5}
    assert limit <= took[0] < limit * 1.125 + 0.2  # cut at the first tick past the limit
    assert context.limits is not None
    await asyncio.sleep(limit)  # a tick later, with nothing in flight, the timer is gone
    assert context.limits.timer is None


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("/graphql", {"errors": [{"message": "the request took longer than its time limit",
                                  "extensions": {"code": "UNAVAILABLE", "status": 503}}]}),
        ("/orders", {"error": {"code": "UNAVAILABLE",
                               "message": "the request took longer than its time limit"}}),
    ],
)  # fmt: skip
async def test_the_503_is_in_the_error_shape_of_the_api_asked(
    path: str, shape: dict[str, Any]
) -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    limited = RequestContext(_stuck, timeout=0.05)
    await asyncio.wait_for(limited({**SCOPE, "path": path}, _receive, send), 10)
    assert sent[0]["status"] == 503 and json.loads(sent[1]["body"]) == shape

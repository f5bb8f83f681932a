"""Subscriptions as a Python client sees them: gql's WebSocket transport (graphql-transport-ws)
against a running `ordo serve`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

ORDER_EVENTS = gql(
    "subscription($o: ID!, $after: ID) { orderEvents(orderId: $o, after: $after) "
    "{ id orderId version type at data } }"
)
ENTITY_EVENTS = gql(
    "subscription($e: ID!, $after: String) { entityOrderEvents(entityId: $e, after: $after) "
    "{ cursor event { id orderId version type } order { orderId status version "
    "items { orderItemId } } } }"
)


_PUMPS: list[asyncio.Future[None]] = []


def ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://", 1) + "/graphql"


@asynccontextmanager
async def session(http_url: str, init: dict[str, Any] | None = None) -> AsyncIterator[Any]:
    transport = WebsocketsTransport(url=ws_url(http_url), init_payload=init or {})
    try:
        async with Client(transport=transport, fetch_schema_from_transport=False) as connected:
            yield connected
    finally:
        while _PUMPS:  # the session's subscriptions end with it
            pump = _PUMPS.pop()
            pump.cancel()
            with contextlib.suppress(BaseException):
                await pump


class Listening:
    """A subscription's results read by a task of their own into a queue: waiting for one
    with a bound must not cancel the client's generator (cancelling it ends it)."""

    def __init__(self, stream: AsyncIterator[dict[str, Any]]) -> None:
        self.results: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.pump = asyncio.ensure_future(self._pump(stream))
        _PUMPS.append(self.pump)

    async def _pump(self, stream: AsyncIterator[dict[str, Any]]) -> None:
        async for result in stream:
            self.results.put_nowait(result)

    async def take(self, count: int) -> list[dict[str, Any]]:
        """The next `count` results (at most 30 s: a bound, not a claim about speed)."""

        async def collect() -> list[dict[str, Any]]:
            return [await self.next() for _ in range(count)]

        return await asyncio.wait_for(collect(), 30)

    async def next(self) -> dict[str, Any]:
        getting = asyncio.ensure_future(self.results.get())
        try:
            await asyncio.wait({getting, self.pump}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not getting.done():
                getting.cancel()  # a waiter left behind would swallow the next result
        if getting.done() and not getting.cancelled():
            return getting.result()
        self.pump.result()  # the subscription's error, if it ended with one
        raise AssertionError("the subscription ended")

    async def nothing_more(self, seconds: float = 0.5) -> bool:
        try:
            await asyncio.wait_for(self.next(), seconds)
        except TimeoutError:
            return True
        return False

    async def drained(self) -> None:
        while not await self.nothing_more(0.3):
            pass

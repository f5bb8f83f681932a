"""One connection to a Redis server shared by every call of the process, as ioredis does.

Redis answers a connection's commands in the order they came, so concurrent calls need no
connection each: a call appends its packed commands to the connection's outgoing buffer and a
waiter to its queue, the buffer goes out in one write once per turn of the event loop, and the
replies, parsed by hiredis, are handed to the waiters in order. Concurrent requests are thereby
pipelined together, and a call costs no pool checkout, no lock and no timer task.

A call waits at most `timeout` seconds (one `call_later` handle, not an asyncio.timeout): on
expiry the connection is dropped, and every call waiting on it fails with ConnectionError
rather than hang. A call cancelled by its caller leaves its waiter in the queue, marked done,
so its replies are read and dropped: the order of replies stays intact.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import hiredis
from redis import exceptions as redis_errors
from redis._parsers.base import BaseParser


@dataclass(frozen=True)
class Address:
    host: str
    port: int
    db: int = 0
    username: str | None = None
    password: str | None = None


class _Waiter:
    """One call's place in the queue: how many replies it waits for, and where they go."""

    __slots__ = ("count", "future", "replies")

    def __init__(self, future: asyncio.Future[list[Any]], count: int) -> None:
        self.future = future
        self.count = count
        self.replies: list[Any] = []


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.reader = hiredis.Reader(
            encoding="utf-8", replyError=redis_errors.ResponseError, notEnoughData=False
        )
        self.waiting: collections.deque[_Waiter] = collections.deque()
        self.outgoing: list[bytes] = []
        self.lost: Exception | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        waiting = self.waiting
        while (reply := self.reader.gets()) is not False:
            if isinstance(reply, redis_errors.ResponseError):
                # NOSCRIPT, WRONGTYPE, … as redis-py names them, by class
                reply = BaseParser.parse_error(str(reply))  # type: ignore[no-untyped-call]
            head = waiting[0]
            head.replies.append(reply)
            if len(head.replies) == head.count:
                waiting.popleft()
                if not head.future.done():  # a cancelled caller's replies are dropped
                    head.future.set_result(head.replies)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = redis_errors.ConnectionError(f"connection to Redis lost: {exc or 'closed'}")
        while self.waiting:
            waiter = self.waiting.popleft()
            if not waiter.future.done():
                waiter.future.set_exception(self.lost)

    def flush(self) -> None:
        if self.outgoing and self.transport is not None and self.lost is None:
            self.transport.write(b"".join(self.outgoing))
        self.outgoing.clear()


class Multiplexed:
    """The shared connection, opened when first needed and again after it was lost."""

    def __init__(self, address: Address, timeout: float) -> None:
        self.address = address
        self.timeout = timeout
        self._protocol: _Protocol | None = None
        self._connecting: asyncio.Future[_Protocol] | None = None

    async def execute(self, packed: bytes, count: int) -> list[Any]:
        """The replies of `count` commands packed together (hiredis.pack_command each),
        error replies among them as exceptions; ConnectionError if the connection failed."""
        protocol = self._protocol
        if protocol is None or protocol.lost is not None:
            protocol = await self._connect()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Any]] = loop.create_future()
        protocol.waiting.append(_Waiter(future, count))
        if not protocol.outgoing:
            loop.call_soon(protocol.flush)  # what other calls add this turn goes out with it
        protocol.outgoing.append(packed)
        expiry = loop.call_later(self.timeout, self._expire, protocol, future)
        try:
            return await future
        finally:
            expiry.cancel()

    def _expire(self, protocol: _Protocol, future: asyncio.Future[list[Any]]) -> None:
        if not future.done() and protocol.transport is not None:
            protocol.transport.abort()  # fails every call on it: a stalled server or a lost peer
            future.set_exception(redis_errors.TimeoutError("Redis did not answer in time"))

    async def _connect(self) -> _Protocol:
        # Calls arriving while a connection is being opened wait for that one.
        if self._connecting is None:
            self._connecting = asyncio.ensure_future(self._open())
        connecting = self._connecting
        try:
            return await asyncio.shield(connecting)
        finally:
            if connecting.done():
                self._connecting = None

    async def _open(self) -> _Protocol:
        """A connection, authenticated and on its database before any call may use it."""
        loop = asyncio.get_running_loop()
        address = self.address
        try:
            async with asyncio.timeout(self.timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol, address.host, address.port
                )
                try:
                    await _handshake(protocol, address)
                except BaseException:
                    transport.close()
                    raise
        except (TimeoutError, OSError) as error:
            raise redis_errors.ConnectionError(
                f"cannot connect to Redis at {address.host}:{address.port}: {error}"
            ) from error
        except redis_errors.ResponseError as error:  # a refused password, a missing database
            raise redis_errors.AuthenticationError(
                f"Redis refused the connection: {error}"
            ) from error
        self._protocol = protocol
        return protocol

    async def close(self) -> None:
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.close()
        self._protocol = None


async def _handshake(protocol: _Protocol, address: Address) -> None:
    commands: list[Sequence[Any]] = []
    if address.password:
        user = [address.username] if address.username else []
        commands.append(("AUTH", *user, address.password))
    if address.db:
        commands.append(("SELECT", address.db))
    if not commands:
        return
    future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
    protocol.waiting.append(_Waiter(future, len(commands)))
    protocol.outgoing.append(b"".join(hiredis.pack_command(tuple(c)) for c in commands))
    protocol.flush()
    for reply in await future:
        if isinstance(reply, Exception):
            raise reply

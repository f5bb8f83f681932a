"""The store on one Redis server: scripts and the hot reads on one multiplexed connection.

Scripts go as plain EVALSHA, in one round trip however many must run in order (a connection
keeps the order of what it is sent), with WAIT after them when writes must reach replicas.
They, raw reads and the reads whose replies need no shaping share one connection with every
other call of the process (store/multiplexed.py); the other reads, script loading,
SCAN and Pub/Sub use redis-py's client and its pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from functools import cached_property
from typing import Any

import hiredis
from redis import exceptions as redis_errors

from store.base import LOADS, Call, Command, Store, pipelined, raise_errors
from store.durability import NO_WAIT, Durability
from store.failures import unavailable_on_failure
from store.multiplexed import Address, Multiplexed

# Reads whose reply redis-py passes on as Redis sent it: no reply callback to apply.
_PLAIN_READS = frozenset({"EXISTS", "GET", "HGET"})
_UNBOUNDED = 3600.0  # s: a call's bound when none is set


class SingleStore(Store):
    def __init__(
        self,
        client: Any,
        *,
        durability: Durability = NO_WAIT,
        call_timeout: float | None = None,
    ) -> None:
        """`call_timeout`: a bound on each call, for a client without socket timeouts of its
        own (ordo/connect.py: one timer per call instead of redis-py's one per write and per
        reply, where each write's timer is a task on Python 3.11: docs/performance.md)."""
        super().__init__(client, durability=durability)
        self._call_timeout = call_timeout

    @cached_property
    def _multiplexed(self) -> Multiplexed:
        """Made on first use, from where the client's pool connects."""
        return Multiplexed(_address(self.client), self._call_timeout or _UNBOUNDED)

    def _turn(self) -> AbstractAsyncContextManager[Any]:
        return asyncio.timeout(self._call_timeout) if self._call_timeout else super()._turn()

    async def run(self, script: str, keys: Sequence[str], args: Sequence[str | int]) -> Any:
        return (await self._run_scripts([(script, keys, args)]))[0]

    async def _run_scripts(self, calls: Sequence[Call]) -> list[Any]:
        """The scripts in one batch, then WAIT if asked for. NOSCRIPT means Redis lost its
        script cache (a restart, a failover, SCRIPT FLUSH) and ran nothing of that call,
        though a later one may have run: the scripts are loaded and the calls from that one
        on sent again, in order (the scripts run in order are each safe to run twice: a
        claim, then a create that answers an order that exists)."""
        replies: list[Any] = []
        shas = self._shas
        with unavailable_on_failure():
            for attempt in range(1, LOADS + 1):
                pending = calls[len(replies) :]
                # Built here, not by _evalsha: a call per script on every create's path.
                commands = [("EVALSHA", shas[s], len(k), *k, *a) for s, k, a in pending]
                commands += self._wait
                sent = await self._send(commands)
                ran = _ran(sent, len(pending))
                if ran and self._wait:  # WAIT answered last, for what this batch ran
                    self.durability.confirm(sent[-1])
                replies += sent[:ran]
                if ran == len(pending):
                    return replies
                if attempt == LOADS:
                    raise sent[ran]
                async with self._turn():
                    await self._load(pending[ran:])
        raise AssertionError("unreachable: the last attempt returns or raises")

    # The door of scripts in order, itself: `run` goes round it, so that a spy on one door
    # (tests, the bench's recorder) never sees the other's calls.
    run_in_order = _run_scripts

    async def _load(self, calls: Sequence[Call]) -> None:
        for name in {script for script, _, _ in calls}:
            await self.client.script_load(self._scripts[name].script)

    async def _send(self, commands: list[Command]) -> list[Any]:
        """The commands in one round trip on the shared connection, their errors as replies,
        packed by hiredis's C packer (redis-py's is Python: docs/performance.md). A batch
        whose connection was lost is sent once more on a new one (each caller's scripts are
        safe to run twice); one that timed out is not (the bound is the caller's)."""
        packed = _packed(commands)
        for attempt in (1, 2):
            try:
                return await self._multiplexed.execute(packed, len(commands))
            except redis_errors.ConnectionError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def read(self, command: str, *args: Any) -> Any:
        with unavailable_on_failure():
            if command.upper() in _PLAIN_READS:
                return raise_errors(await self._send([(command, *args)]))[0]
            async with self._turn():
                return await self.client.execute_command(command, *args)

    async def read_many(self, commands: list[Command], *, raw: bool = False) -> list[Any]:
        if not commands:
            return []
        with unavailable_on_failure():
            if raw:
                return raise_errors(await self._send(commands))
            async with self._turn():
                return await pipelined(self.client, commands, raise_on_error=True)

    async def close(self) -> None:
        if "_multiplexed" in self.__dict__:  # made (cached_property) only once used
            await self._multiplexed.close()
        await super().close()

    async def ping(self) -> None:
        with unavailable_on_failure():
            async with self._turn():
                await self.client.ping()


def _ran(replies: list[Any], count: int) -> int:
    """How many of the first `count` replies came before the first NOSCRIPT (all if none);
    an error reply before it is raised."""
    for index in range(count):
        reply = replies[index]
        if isinstance(reply, Exception):
            if isinstance(reply, redis_errors.NoScriptError):
                return index
            raise reply
    return count


def _packed(commands: list[Command]) -> bytes:
    return b"".join([hiredis.pack_command(command) for command in commands])


def _address(client: Any) -> Address:
    """Where the client's pool connects, and as whom."""
    options = client.connection_pool.connection_kwargs
    return Address(
        options.get("host", "localhost"),
        int(options.get("port", 6379)),
        int(options.get("db", 0) or 0),
        options.get("username"),
        options.get("password"),
    )

"""The store on Redis Cluster, through redis-py's asyncio RedisCluster (docs/scaling.md).

Every script call's keys share one slot, so EVALSHA is routed by its keys; scripts run in
order go one by one (a cluster pipeline would run the slots' nodes in parallel). Reads of
several slots go through a cluster pipeline, one batch per node; commands without a key go to
one node chosen here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from redis import exceptions as redis_errors

from store.base import LOADS, Call, Command, Store, pipelined
from store.durability import NO_WAIT, Durability, unconfirmed
from store.failures import unavailable_on_failure

# Keyless commands a cluster client would otherwise refuse or send to every node: they go to
# the client's default node (one primary), and sub-commands travel as one word ("CONFIG GET").
_KEYLESS = frozenset({"TIME", "CONFIG GET", "INFO"})
_SUBCOMMANDS = frozenset({"CONFIG", "SCRIPT", "CLUSTER", "CLIENT", "MEMORY"})


class ClusterStore(Store):
    def __init__(
        self,
        client: Any,
        *,
        max_in_flight: int,
        in_flight_timeout: float = 2.0,
        durability: Durability = NO_WAIT,
    ) -> None:
        super().__init__(client, durability=durability)
        # The cluster client's per-node pools fail a burst beyond their size instead of
        # waiting (MaxConnectionsError); this gate makes the burst wait, like the blocking
        # pool of a single Redis, and gives up after the same timeout.
        self._gate = asyncio.Semaphore(max_in_flight)
        self._gate_timeout = in_flight_timeout
        self._run_once: Callable[[Call], Awaitable[Any]] = (
            self._run_then_wait if self._wait else self._run_alone
        )

    def _turn(self) -> AbstractAsyncContextManager[Any]:
        return self._gated()

    @asynccontextmanager
    async def _gated(self) -> AsyncIterator[None]:
        async with asyncio.timeout(self._gate_timeout):
            await self._gate.acquire()
        try:
            yield
        finally:
            self._gate.release()

    async def run(self, script: str, keys: Sequence[str], args: Sequence[str | int]) -> Any:
        return await self._run((script, keys, args))

    async def run_in_order(self, calls: Sequence[Call]) -> list[Any]:
        return [await self._run(call) for call in calls]

    async def _run(self, call: Call) -> Any:
        """EVALSHA, routed by its keys. A node with an empty script cache (a replica just
        promoted: scripts are not replicated; a restarted master) answers NOSCRIPT, having
        run nothing: it gets the script again, and the call is sent again."""
        with unavailable_on_failure():
            async with self._turn():
                for attempt in range(1, LOADS + 1):
                    try:
                        return await self._run_once(call)
                    except redis_errors.NoScriptError:
                        if attempt == LOADS:
                            raise
                        await self._load(call)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def refresh(self) -> None:
        # A slot missing from the map (learned while the cluster was forming, or changed
        # since) fails every command to it with a KeyError until the map is read again.
        await self.client.nodes_manager.initialize()

    async def _run_alone(self, call: Call) -> Any:
        return await self.client.execute_command(*self._evalsha(*call))

    async def _run_then_wait(self, call: Call) -> Any:
        """The script, then WAIT on the same connection (a pipeline to the node that owns the
        call's slot): WAIT counts the replicas that have that connection's writes."""
        key = call[1][0]
        await self.client.initialize()  # a no-op once the slot map is known
        owner = self.client.get_node_from_key(key)
        pipe = self.client.pipeline(transaction=False)
        pipe.execute_command(*self._evalsha(*call))  # a cluster pipeline refuses .evalsha()
        pipe.execute_command(*self._wait[0], target_nodes=owner)
        reply, acknowledged = await pipe.execute(raise_on_error=False)
        if isinstance(reply, Exception):  # NOSCRIPT too: nothing ran
            raise reply
        if self.client.get_node_from_key(key) != owner:
            # Redirected while writing (a failover, a slot moving): the new owner took the
            # writes on another connection, and WAIT asked the old node about nothing.
            unconfirmed("the slot moved while writing, so its replicas were not asked")
        self.durability.confirm(acknowledged)
        return reply

    async def _load(self, call: Call) -> None:
        """The script on every primary, as redis-py would load it; only the node owning the
        keys' slot must take it, since another shard may be failing over."""
        script, keys, _ = call
        text = self._scripts[script].script
        owner = self.client.get_node_from_key(keys[0])
        nodes = list({owner, *self.client.get_primaries()})
        loads = [self.client.execute_command("SCRIPT LOAD", text, target_nodes=n) for n in nodes]
        loaded = await asyncio.gather(*loads, return_exceptions=True)
        failure = loaded[nodes.index(owner)]
        if isinstance(failure, BaseException):
            raise failure

    async def read(self, command: str, *args: Any) -> Any:
        with unavailable_on_failure():
            async with self._turn():
                if command.upper() in _SUBCOMMANDS and args:
                    command, args = f"{command.upper()} {str(args[0]).upper()}", args[1:]
                if command.upper() in _KEYLESS:
                    node = self.client.get_default_node()
                    return await self.client.execute_command(command, *args, target_nodes=node)
                return await self.client.execute_command(command, *args)

    async def read_many(self, commands: list[Command], *, raw: bool = False) -> list[Any]:
        """The reads may span slots and nodes: the cluster pipeline sends one batch to each
        node and answers in the order asked (with redis-py's reply callbacks, raw or not)."""
        if not commands:
            return []
        with unavailable_on_failure():
            async with self._turn():
                return await pipelined(self.client, commands, raise_on_error=True)

    async def ping(self) -> None:
        with unavailable_on_failure():
            async with self._turn():
                primaries = self.client.PRIMARIES
                await self.client.execute_command("PING", target_nodes=primaries)

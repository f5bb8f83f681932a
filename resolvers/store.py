"""The store: one Redis client, its registered scripts, and failures turned into Unavailable.

The same Store runs on a single Redis, on Redis Cluster (redis-py's asyncio RedisCluster) and
on the embedded fakeredis. On a cluster: every script call's keys share one slot, so EVALSHA is
routed by its keys (and NOSCRIPT on a node that lost its cache loads the script on every
primary); reads of several slots go through a cluster pipeline, one batch per node; commands
without a key go to one node chosen here (docs/scaling.md).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import hiredis
from redis import exceptions as redis_errors

from domain.errors import Unavailable
from resolvers.metrics import REDIS_ERRORS
from resolvers.scripts import register_all

_REDIS_PY = f"{os.sep}redis{os.sep}"  # the package's files, wherever it is installed
_FAILURES = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.ClusterError,  # down, or redirections exhausted while a slot migrates
    redis_errors.TryAgainError,
    asyncio.TimeoutError,
    OSError,
)


class _UnavailableOnFailure:
    """Redis failures become Unavailable. A class, not a generator: it wraps every store call,
    and one reusable object costs a fraction of a @contextmanager's generator per call."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: Any
    ) -> None:
        if error is None:
            return
        if isinstance(error, _FAILURES):
            REDIS_ERRORS.labels(type(error).__name__).inc()
            raise Unavailable(str(error) or type(error).__name__) from error
        # redis-py's cluster client can trip over its own connections while the topology
        # changes (a failover closes them under requests still using them: redis-py#3835,
        # #3546). Only an error raised inside redis-py is taken for such a transient failure.
        if isinstance(error, AttributeError | TypeError | RuntimeError) and _raised_in_redis_py(
            error
        ):
            REDIS_ERRORS.labels(type(error).__name__).inc()
            raise Unavailable(f"redis client: {error}") from error


_UNAVAILABLE_ON_FAILURE = _UnavailableOnFailure()
_NO_GATE = nullcontext()


def unavailable_on_failure() -> _UnavailableOnFailure:
    return _UNAVAILABLE_ON_FAILURE


def _raised_in_redis_py(error: BaseException) -> bool:
    frame = error.__traceback__
    while frame is not None:
        if _REDIS_PY in frame.tb_frame.f_code.co_filename:
            return True
        frame = frame.tb_next
    return False


Call = tuple[str, Sequence[str], Sequence[str | int]]  # script, keys, args
_LOADS = 3  # attempts of a script on a node that may keep losing its script cache


def _packed(commands: list[tuple[Any, ...]]) -> bytes:
    """The commands in Redis's protocol, packed by hiredis's C packer (redis-py's asyncio
    connection packs in Python: ~13% of a create's CPU, measured)."""
    return b"".join([hiredis.pack_command(command) for command in commands])


async def _reply(connection: Any) -> Any:
    try:
        return await connection.read_response()
    except redis_errors.ResponseError as error:  # an error reply: the connection stays usable
        return error


@dataclass(frozen=True)
class Durability:
    """WAIT after each write until `replicas` replicas have it (0: answer at once).

    Redis replicates asynchronously: a master that dies before its replica got a write
    loses it on failover. WAIT narrows that window; it does not make a write transactional
    (a write that timed out waiting is still applied, and the caller is told 503).
    """

    replicas: int = 0
    timeout_ms: int = 1000


# Keyless commands a cluster client would otherwise refuse or send to every node: they go to
# the client's default node (one primary), and sub-commands travel as one word ("CONFIG GET").
_KEYLESS = frozenset({"TIME", "CONFIG GET", "INFO"})
_SUBCOMMANDS = frozenset({"CONFIG", "SCRIPT", "CLUSTER", "CLIENT", "MEMORY"})


class Store:
    def __init__(
        self,
        client: Any,
        *,
        embedded: bool,
        cluster: bool = False,
        max_in_flight: int | None = None,
        in_flight_timeout: float = 2.0,
        durability: Durability = Durability(),
        call_timeout: float | None = None,
    ) -> None:
        """`call_timeout`: a bound on each call, for a client without socket timeouts of its
        own (ordo/connect.py: one timer per call instead of redis-py's one per write and per
        reply, where each write's timer is a task on Python 3.11: ~10% of a create)."""
        self.client = client
        self._call_timeout = call_timeout
        self.embedded = embedded
        self.cluster = cluster
        self.durability = durability
        self._scripts = register_all(client, shebang=not embedded)
        # The cluster client's per-node pools fail a burst beyond their size instead of
        # waiting (MaxConnectionsError); this gate makes the burst wait, like the blocking
        # pool of a single Redis, and gives up after the same timeout.
        self._gate = asyncio.Semaphore(max_in_flight) if max_in_flight else None
        self._gate_timeout = in_flight_timeout
        # Users are never deleted, so a user once seen stays known (resolvers/users.py).
        self.known_users: set[str] = set()

    def _turn(self) -> AbstractAsyncContextManager[Any]:
        """One call's turn: through the in-flight gate if any, within the call's time bound."""
        if self._gate is not None:
            return self._gated()
        return asyncio.timeout(self._call_timeout) if self._call_timeout else _NO_GATE

    @asynccontextmanager
    async def _gated(self) -> AsyncIterator[None]:
        assert self._gate is not None
        async with asyncio.timeout(self._gate_timeout):
            await self._gate.acquire()
        try:
            yield
        finally:
            self._gate.release()

    async def run(self, script: str, keys: Sequence[str], args: Sequence[str | int]) -> Any:
        """One script, atomic (a thin door: tests spy on it, and run_in_order goes round it)."""
        return await self._run(script, keys, args)

    async def _run(self, script: str, keys: Sequence[str], args: Sequence[str | int]) -> Any:
        with unavailable_on_failure():
            async with self._turn():
                if self.durability.replicas and not self.embedded:
                    return (await self._run_waiting([(script, keys, args)]))[0]
                if self.cluster:
                    return await self._run_on_cluster(script, keys, args)
                return await self._scripts[script](keys=keys, args=args)

    async def _run_on_cluster(
        self, script: str, keys: Sequence[str], args: Sequence[str | int]
    ) -> Any:
        """EVALSHA, routed by its keys. A node with an empty script cache (a replica just
        promoted: scripts are not replicated; a restarted master) gets the script again."""
        sha = self._scripts[script].sha
        for attempt in range(1, _LOADS + 1):
            try:
                return await self.client.evalsha(sha, len(keys), *keys, *args)
            except redis_errors.NoScriptError:
                if attempt == _LOADS:
                    raise
                await self._load(script, keys)

    async def _load(self, script: str, keys: Sequence[str]) -> None:
        """The script on every primary, as redis-py would load it; on a cluster only the node
        owning the keys' slot must take it, since another shard may be failing over."""
        text = self._scripts[script].script
        if not self.cluster:
            await self.client.script_load(text)
            return
        owner = self.client.get_node_from_key(keys[0])
        nodes = list({owner, *self.client.get_primaries()})
        loads = [self.client.execute_command("SCRIPT LOAD", text, target_nodes=n) for n in nodes]
        loaded = await asyncio.gather(*loads, return_exceptions=True)
        failure = loaded[nodes.index(owner)]
        if isinstance(failure, BaseException):
            raise failure

    async def run_in_order(self, calls: Sequence[Call]) -> list[Any]:
        """Scripts that must run in this order, each atomic on its own (not together).

        One round trip on a single Redis, where a connection keeps the order of a pipeline;
        one by one on a cluster, where a pipeline runs the slots' nodes in parallel.
        """
        if self.cluster:
            return [await self._run(*call) for call in calls]
        with unavailable_on_failure():
            async with self._turn():
                if self.durability.replicas and not self.embedded:
                    return await self._run_waiting(calls)
                # Plain EVALSHA: a registered Script in a pipeline makes redis-py send
                # SCRIPT EXISTS first, one more round trip per call (measured: 8-13% of a
                # create). A NOSCRIPT reply is settled below by running that step alone.
                commands = [
                    ("EVALSHA", self._scripts[script].sha, len(keys), *keys, *args)
                    for script, keys, args in calls
                ]
                replies = await self._pipelined(commands)
                return [
                    await self._settled(call, reply) if isinstance(reply, Exception) else reply
                    for call, reply in zip(calls, replies, strict=True)
                ]

    async def _pipelined(self, commands: list[tuple[Any, ...]]) -> list[Any]:
        """The commands in one round trip on one connection, their errors as replies.

        On a single Redis this writes them on a pooled connection itself: redis-py's
        Pipeline costs a create ~60 µs more CPU (measured, docs/performance.md). As the
        Pipeline does, a connection that failed is dropped and the batch sent once more on
        a fresh one (each caller's scripts are safe to run twice).
        """
        if self.embedded:
            pipe = self.client.pipeline(transaction=False)
            for command in commands:
                pipe.execute_command(*command)
            return list(await pipe.execute(raise_on_error=False))
        pool = self.client.connection_pool
        for attempt in (1, 2):
            connection = await pool.get_connection()
            try:
                await connection.send_packed_command(_packed(commands))
                return [await _reply(connection) for _ in commands]
            except (redis_errors.ConnectionError, redis_errors.TimeoutError):
                await connection.disconnect(nowait=True)
                if attempt == 2:
                    raise
            except BaseException:  # a time bound's cancellation too
                await connection.disconnect(nowait=True)  # unread replies would answer the next
                raise
            finally:
                await pool.release(connection)
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def _settled(self, call: Call, reply: Any) -> Any:
        """A pipelined script's reply. NOSCRIPT means Redis lost its script cache between the
        pipeline's load and run (a restart, a failover, SCRIPT FLUSH) and ran nothing of this
        call, though a later call may have run: run this one again alone (which loads it), in
        order. The scripts run in order are each safe to run twice (a claim, then a create
        that answers an order that exists)."""
        if isinstance(reply, redis_errors.NoScriptError):
            script, keys, args = call
            return await self._scripts[script](keys=keys, args=args)
        if isinstance(reply, Exception):
            raise reply
        return reply

    async def _run_waiting(self, calls: Sequence[Call]) -> list[Any]:
        """The scripts, then WAIT on the same connection: WAIT counts the replicas that have
        this connection's writes, so on a cluster it goes to the node owning the calls' slot."""
        target = None
        if self.cluster:
            await self.client.initialize()  # a no-op once the slot map is known
            target = self.client.get_node_from_key(calls[0][1][0])
        replies, acknowledged = await self._write_then_wait(calls, target)
        for reply in replies:
            if isinstance(reply, Exception):
                raise reply
        self._confirm(acknowledged, calls[0][1][0], target)
        return replies

    async def _write_then_wait(self, calls: Sequence[Call], target: Any) -> tuple[list[Any], Any]:
        where = {"target_nodes": target} if target else {}
        for attempt in (1, 2):
            pipe = self.client.pipeline(transaction=False)
            for script, keys, args in calls:
                if self.cluster:  # a cluster pipeline refuses .evalsha(), not the command
                    sha = self._scripts[script].sha
                    pipe.execute_command("EVALSHA", sha, len(keys), *keys, *args)
                else:  # a single Redis's pipeline loads missing scripts before it runs
                    await self._scripts[script](keys=keys, args=args, client=pipe)
            pipe.execute_command(
                "WAIT", self.durability.replicas, self.durability.timeout_ms, **where
            )
            *replies, acknowledged = await pipe.execute(raise_on_error=False)
            nothing_ran = len(calls) == 1 and isinstance(replies[0], redis_errors.NoScriptError)
            if attempt == 2 or not nothing_ran:
                return replies, acknowledged
            # A node that lost its script cache ran nothing: load the script, run again.
            await self._load(calls[0][0], calls[0][1])
        raise AssertionError("unreachable: the second attempt returns")

    def _confirm(self, acknowledged: Any, key: str, target: Any) -> None:
        """Unavailable unless WAIT counted enough replicas of the node that took the writes."""
        wanted, timeout = self.durability.replicas, self.durability.timeout_ms
        if target is not None and self.client.get_node_from_key(key) != target:
            # Redirected while writing (a failover, a slot moving): the new owner took the
            # writes on another connection, and WAIT asked the old node about nothing.
            reason = "the slot moved while writing, so its replicas were not asked"
        elif isinstance(acknowledged, Exception):
            reason = f"WAIT failed: {acknowledged}"
        elif int(acknowledged) < wanted:
            reason = f"the write reached {acknowledged} of {wanted} replicas in {timeout} ms"
        else:
            return
        REDIS_ERRORS.labels("WaitUnconfirmed").inc()
        raise Unavailable(reason)

    async def read(self, command: str, *args: Any) -> Any:
        """A plain read (GET, XRANGE, HGETALL, ...): reads need no script."""
        with unavailable_on_failure():
            async with self._turn():
                if not self.cluster:
                    return await self.client.execute_command(command, *args)
                if command.upper() in _SUBCOMMANDS and args:
                    command, args = f"{command.upper()} {str(args[0]).upper()}", args[1:]
                if command.upper() in _KEYLESS:
                    node = self.client.get_default_node()
                    return await self.client.execute_command(command, *args, target_nodes=node)
                return await self.client.execute_command(command, *args)

    async def read_many(self, commands: list[tuple[Any, ...]], *, raw: bool = False) -> list[Any]:
        """Several reads in one round trip (not atomic: each is checked by its reader).

        On a cluster the reads may span slots and nodes: the cluster pipeline sends one batch
        to each node and answers in the order asked. `raw`: the replies may come as Redis
        sends them, without redis-py's reply callbacks (an XRANGE as [id, [field, value, …]]
        lists instead of dicts: a fifth of a 50-order listing went to building those).
        """
        if not commands:
            return []
        if raw and not self.cluster:
            with unavailable_on_failure():
                async with self._turn():
                    replies = await self._pipelined(commands)
            for reply in replies:
                if isinstance(reply, Exception):
                    raise reply
            return replies
        with unavailable_on_failure():
            async with self._turn():
                pipe = self.client.pipeline(transaction=False)
                for command in commands:
                    pipe.execute_command(*command)
                return list(await pipe.execute())

    async def scan_keys(self, pattern: str, count: int = 1000) -> AsyncIterator[str]:
        """Every key matching the pattern, on every primary of a cluster. As with SCAN, a key
        may come twice, and keys written during the scan may or may not come."""
        keys = self.client.scan_iter(match=pattern, count=count)
        while True:
            with unavailable_on_failure():
                async with self._turn():
                    try:
                        key = await anext(keys)
                    except StopAsyncIteration:
                        return
            yield key

    async def ping(self) -> None:
        """Every primary answers (on a cluster, every slot can be served)."""
        with unavailable_on_failure():
            async with self._turn():
                if self.cluster:
                    primaries = self.client.PRIMARIES
                    await self.client.execute_command("PING", target_nodes=primaries)
                else:
                    await self.client.ping()

    async def close(self) -> None:
        await self.client.aclose()

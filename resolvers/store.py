"""The store: one Redis client, its registered scripts, and failures turned into Unavailable."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from redis import exceptions as redis_errors

from domain.errors import Unavailable
from resolvers.metrics import REDIS_ERRORS
from resolvers.scripts import register_all

_FAILURES = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.ClusterDownError,
    redis_errors.TryAgainError,
    asyncio.TimeoutError,
    OSError,
)


@contextmanager
def unavailable_on_failure() -> Iterator[None]:
    try:
        yield
    except _FAILURES as error:
        REDIS_ERRORS.labels(type(error).__name__).inc()
        raise Unavailable(str(error) or type(error).__name__) from error


Call = tuple[str, Sequence[str], Sequence[str | int]]  # script, keys, args


class Store:
    def __init__(self, client: Any, *, embedded: bool, cluster: bool = False) -> None:
        self.client = client
        self.embedded = embedded
        self.cluster = cluster
        self._scripts = register_all(client, shebang=not embedded)
        # Users are never deleted, so a user once seen stays known (resolvers/users.py).
        self.known_users: set[str] = set()

    async def run(self, script: str, keys: Sequence[str], args: Sequence[str | int]) -> Any:
        with unavailable_on_failure():
            return await self._scripts[script](keys=keys, args=args)

    async def run_in_order(self, calls: Sequence[Call]) -> list[Any]:
        """Scripts that must run in this order, each atomic on its own (not together).

        One round trip on a single Redis, where a connection keeps the order of a pipeline;
        one by one on a cluster, where a pipeline runs the slots' nodes in parallel.
        """
        if self.cluster:
            return [await self.run(*call) for call in calls]
        with unavailable_on_failure():
            pipe = self.client.pipeline(transaction=False)
            for script, keys, args in calls:
                await self._scripts[script](keys=keys, args=args, client=pipe)
            return list(await pipe.execute())

    async def read(self, command: str, *args: Any) -> Any:
        """A plain read (GET, XRANGE, HGETALL, ...): reads need no script."""
        with unavailable_on_failure():
            return await self.client.execute_command(command, *args)

    async def ping(self) -> None:
        with unavailable_on_failure():
            await self.client.ping()

    async def close(self) -> None:
        await self.client.aclose()

    async def read_many(self, commands: list[tuple[Any, ...]]) -> list[Any]:
        """Several reads in one round trip (not atomic: each is checked by its reader)."""
        with unavailable_on_failure():
            pipe = self.client.pipeline(transaction=False)
            for command in commands:
                pipe.execute_command(*command)
            return list(await pipe.execute())

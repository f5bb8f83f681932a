"""The store's interface: what resolvers ask of Redis, whichever Redis it is.

Three backends stand behind it (store/single.py, cluster.py, embedded.py; chosen by
ordo/connect.py from the URL). Each runs a script one way and recovers from NOSCRIPT one way;
every call goes through the failure mapping (failures.py) within the backend's turn.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any, ClassVar

from store.durability import NO_WAIT, Durability
from store.failures import unavailable_on_failure
from store.scripts import register_all

Call = tuple[str, Sequence[str], Sequence[str | int]]  # script, keys, args
Command = tuple[Any, ...]
LOADS = 3  # attempts of a script on a node that may keep losing its script cache
_NO_TURN = nullcontext()


class Store(ABC):
    """One Redis client and its registered scripts; Redis failures raise Unavailable."""

    shebang: ClassVar[bool] = True
    """Scripts go with their `#!lua` line, under which Redis 7 refuses a key of another slot."""

    def __init__(self, client: Any, *, durability: Durability = NO_WAIT) -> None:
        self.client = client
        self.durability = durability
        self._wait: list[Command] = list(durability.wait)  # sent after writes, if any
        self._scripts = register_all(client, shebang=self.shebang)
        self._shas = {name: script.sha for name, script in self._scripts.items()}

    def _evalsha(self, script: str, keys: Sequence[str], args: Sequence[str | int]) -> Command:
        # Plain EVALSHA: a registered Script in a pipeline makes redis-py send SCRIPT EXISTS
        # first, one more round trip per call (its cost: docs/performance.md).
        return ("EVALSHA", self._shas[script], len(keys), *keys, *args)

    def _turn(self) -> AbstractAsyncContextManager[Any]:
        """One call's turn at the client: a time bound or a place in a queue, if any."""
        return _NO_TURN

    @abstractmethod
    async def run(self, script: str, keys: Sequence[str], args: Sequence[str | int]) -> Any:
        """One script, atomic (a door of its own: tests and the bench's recorder spy on it)."""

    @abstractmethod
    async def run_in_order(self, calls: Sequence[Call]) -> list[Any]:
        """Scripts that must run in this order, each atomic on its own (not together)."""

    @abstractmethod
    async def read(self, command: str, *args: Any) -> Any:
        """A plain read (GET, XRANGE, HGETALL, ...): reads need no script."""

    @abstractmethod
    async def read_many(self, commands: list[Command], *, raw: bool = False) -> list[Any]:
        """Several reads in one round trip (not atomic: each is checked by its reader).

        `raw`: the replies may come as Redis sends them, without redis-py's reply callbacks
        (an XRANGE as [id, [field, value, …]] lists instead of dicts, which a long listing
        spent much of its time building: docs/performance.md); readers take either shape.
        """

    @abstractmethod
    async def ping(self) -> None:
        """Every slot can be served."""

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

    async def refresh(self) -> None:  # noqa: B027 - not abstract: most backends have none
        """Learn the topology again (a cluster's slot map); a single Redis has none."""

    def pubsub(self) -> Any:
        """A Pub/Sub connection of its own (the change feed's news: feed/follower.py).
        On a cluster any node hears a PUBLISH made on any other."""
        return self.client.pubsub()

    async def close(self) -> None:
        await self.client.aclose()


async def pipelined(client: Any, commands: list[Command], *, raise_on_error: bool) -> list[Any]:
    """The commands through redis-py's pipeline (with its reply callbacks), not atomic."""
    pipe = client.pipeline(transaction=False)
    for command in commands:
        pipe.execute_command(*command)
    return list(await pipe.execute(raise_on_error=raise_on_error))


def raise_errors(replies: list[Any]) -> list[Any]:
    """The replies, unless one is an error reply: then that error, the first one."""
    for reply in replies:
        if isinstance(reply, Exception):
            raise reply
    return replies

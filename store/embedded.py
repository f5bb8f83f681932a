"""The embedded store: fakeredis in this process, a single Redis without a socket.

It runs scripts as the single Redis does (one batch of EVALSHA, the same NOSCRIPT recovery);
only the batch travels through fakeredis's pipeline, there being no connection to write
packed commands on. It has no replicas to wait for, and its Lua cannot parse `#!lua`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from store.base import Command, pipelined
from store.single import SingleStore


class EmbeddedStore(SingleStore):
    shebang: ClassVar[bool] = False

    def __init__(self, client: Any) -> None:
        super().__init__(client)

    async def _send(self, commands: list[Command]) -> list[Any]:
        return await pipelined(self.client, commands, raise_on_error=False)

"""Each backend's one recovery from NOSCRIPT (Redis lost its script cache: a restart, a
failover, SCRIPT FLUSH): the script is loaded and the call sent again, in order, and what
ran before the call that missed is not run again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import fakeredis
from redis import exceptions as redis_errors

from resolvers import orders
from store import ClusterStore, Durability, EmbeddedStore, SingleStore
from store.base import Command
from store.durability import NO_WAIT
from store.scripts import source
from tests.integration.helpers import new_promo, new_user


def sha(script: str) -> str:
    return hashlib.sha1(source(script).encode()).hexdigest()


@dataclass
class FakeScript:
    script: str
    sha: str


@dataclass(eq=False)  # hashable by identity, as a cluster node
class FakeNode:
    """A Redis's script cache, and the scripts it ran (by SHA)."""

    cached: set[str] = field(default_factory=set)
    ran: list[str] = field(default_factory=list)
    failing_over: bool = False

    def load(self, text: str) -> str:
        if self.failing_over:
            raise redis_errors.ConnectionError("failing over")
        self.cached.add(hashlib.sha1(text.encode()).hexdigest())
        return hashlib.sha1(text.encode()).hexdigest()

    def evalsha(self, digest: str) -> Any:
        if digest not in self.cached:
            return redis_errors.NoScriptError("No matching script.")
        self.ran.append(digest)
        return f"ran {digest}"


class FakeClient:
    """What the backends ask of redis-py's clients, of nodes that keep a script cache each.
    On a cluster a key's node is the key's first character, a digit."""

    def __init__(self, nodes: int = 1) -> None:
        self.nodes = [FakeNode() for _ in range(nodes)]

    def register_script(self, text: str) -> FakeScript:
        return FakeScript(text, hashlib.sha1(text.encode()).hexdigest())

    async def script_load(self, text: str) -> str:
        return self.nodes[0].load(text)

    def get_node_from_key(self, key: str) -> FakeNode:
        return self.nodes[int(key[0])]

    def get_primaries(self) -> list[FakeNode]:
        return self.nodes

    async def execute_command(self, *command: Any, target_nodes: Any = None) -> Any:
        if command[0] == "SCRIPT LOAD":
            return target_nodes.load(command[1])
        _, digest, _, key, *_ = command
        reply = self.get_node_from_key(key).evalsha(digest)
        if isinstance(reply, Exception):
            raise reply
        return reply


class FakeSingleStore(SingleStore):
    """A single Redis whose batches one fake node answers; WAIT counts one replica."""

    def __init__(self, client: FakeClient, durability: Durability = NO_WAIT) -> None:
        super().__init__(client, durability=durability)
        self.batches: list[list[str]] = []

    async def _send(self, commands: list[Command]) -> list[Any]:
        node = self.client.nodes[0]
        self.batches.append([str(command[0]) for command in commands])
        return [1 if command[0] == "WAIT" else node.evalsha(command[1]) for command in commands]


CLAIM = ("claim_order_home", ["0:home"], ["o1"])
CREATE = ("create_order", ["0:order"], ["o1"])


async def test_single_redis_sends_again_from_the_call_that_missed_waiting_after_each() -> None:
    client = FakeClient()
    store = FakeSingleStore(client, Durability(replicas=1))
    client.nodes[0].load(source("claim_order_home"))  # a flushed cache, one script loaded since
    replies = await store.run_in_order([CLAIM, CREATE])
    assert replies == [f"ran {sha('claim_order_home')}", f"ran {sha('create_order')}"]
    assert client.nodes[0].ran == [sha("claim_order_home"), sha("create_order")]
    assert store.batches == [["EVALSHA", "EVALSHA", "WAIT"], ["EVALSHA", "WAIT"]]


async def test_single_redis_reloads_a_flushed_script_for_a_call_alone() -> None:
    client = FakeClient()
    store = FakeSingleStore(client)
    assert await store.run(*CREATE) == f"ran {sha('create_order')}"
    assert store.batches == [["EVALSHA"], ["EVALSHA"]]


async def test_cluster_loads_the_script_on_the_primaries_though_another_is_failing_over() -> None:
    client = FakeClient(nodes=3)
    store = ClusterStore(client, max_in_flight=8)
    owner, failing, other = client.nodes
    failing.failing_over = True
    assert await store.run(*CREATE) == f"ran {sha('create_order')}"
    assert owner.ran == [sha("create_order")]
    assert sha("create_order") in other.cached


async def test_embedded_store_reloads_a_flushed_script_cache_midway_through_in_order() -> None:
    store = EmbeddedStore(fakeredis.FakeAsyncRedis(decode_responses=True))
    try:
        user, promo = await new_user(store), await new_promo(store, 5, 5)
        await store.client.script_flush()
        await store.client.script_load(source("claim_order_home", shebang=False))
        order = await orders.create_order(store, user, promo)  # the claim, then the create
        assert (await orders.get_order(store, order.order_id)).promo is not None
    finally:
        await store.close()

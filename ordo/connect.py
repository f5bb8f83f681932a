"""Make the store a URL names: a Redis server, a Redis Cluster, or the embedded fakeredis
(store/: SingleStore, ClusterStore, EmbeddedStore)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from ordo.settings import Settings
from resolvers.folded import FoldedOrders
from resolvers.memory import Memory, remember
from store import ClusterStore, Durability, EmbeddedStore, SingleStore, Store
from store.cursor_keys import CursorKeys

log = structlog.get_logger("ordo")
CLUSTER_SCHEME = "redis+cluster://"


def _retry() -> Retry:
    # One quick retry rides over a dropped connection; more would turn an outage into a hang.
    return Retry(ExponentialBackoff(cap=0.1, base=0.01), retries=1)


def _embedded(settings: Settings) -> Any:
    import fakeredis

    log.warning("ORDO_REDIS_URL is not set: data lives in this process's memory only, one worker")
    # Blocking here too: a burst waits for a pooled connection rather than failing.
    return fakeredis.FakeAsyncRedis(
        decode_responses=True,
        connection_pool_class=BlockingConnectionPool,
        max_connections=settings.redis_max_connections,
    )


def _server(settings: Settings) -> Redis:
    # Blocking: a burst beyond max_connections waits for a free connection instead of failing
    # with "Too many connections", and gives up after the timeout.
    pool = BlockingConnectionPool.from_url(
        settings.redis_url or "",
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_timeout,
        # No socket timeout: the Store bounds each whole call instead (call_timeout), one timer
        # where redis-py would set one per write and per reply.
        socket_timeout=None,
        socket_connect_timeout=settings.redis_timeout,
        decode_responses=True,
        retry=_retry(),
    )
    return Redis.from_pool(pool)  # owns the pool: closing the client closes its connections


@dataclass(frozen=True)
class ClusterSeeds:
    nodes: list[ClusterNode]
    username: str | None = None
    password: str | None = None


def cluster_seeds(url: str) -> ClusterSeeds:
    """The seed nodes and credentials of `redis+cluster://[user:password@]host:port[,host:port…]`.

    Any one live seed is enough: the client learns the whole cluster from it.
    """
    userinfo, _, hosts = url.removeprefix(CLUSTER_SCHEME).rpartition("@")
    hosts = re.split(r"[/?]", hosts, maxsplit=1)[0]
    seeds = [urlsplit(f"redis://{seed.strip()}") for seed in hosts.split(",") if seed.strip()]
    if not seeds or any(not seed.hostname for seed in seeds):
        raise ValueError(f"no seed node in {url!r}: expected {CLUSTER_SCHEME}host:port[,…]")
    nodes = [ClusterNode(seed.hostname or "", seed.port or 6379) for seed in seeds]
    if not userinfo:
        return ClusterSeeds(nodes)
    auth = urlsplit(f"redis://{userinfo}@seed")
    return ClusterSeeds(
        nodes,
        unquote(auth.username) if auth.username else None,
        unquote(auth.password) if auth.password else None,
    )


def _cluster(settings: Settings) -> RedisCluster:
    seeds = cluster_seeds(settings.redis_url or "")
    return RedisCluster(
        startup_nodes=seeds.nodes,
        username=seeds.username,
        password=seeds.password,
        max_connections=settings.redis_max_connections,  # per node
        socket_timeout=settings.redis_timeout,
        socket_connect_timeout=settings.redis_timeout,
        decode_responses=True,
        retry=_retry(),
    )


def _durability(settings: Settings) -> Durability:
    return Durability(settings.redis_wait_replicas, int(settings.redis_wait_timeout * 1000))


def connect(settings: Settings) -> Store:
    """The backend the URL names (none: the embedded store)."""
    store = _backend(settings)
    remember(
        store, Memory(FoldedOrders(settings.folded_orders), set(), CursorKeys(settings.cursor_keys))
    )
    return store


def _backend(settings: Settings) -> Store:
    if settings.embedded:
        if settings.redis_wait_replicas:
            log.warning("ORDO_REDIS_WAIT_REPLICAS is ignored: the embedded store has no replicas")
        return EmbeddedStore(_embedded(settings))
    if (settings.redis_url or "").startswith(CLUSTER_SCHEME):
        return ClusterStore(
            _cluster(settings),
            max_in_flight=settings.redis_max_connections,
            in_flight_timeout=settings.redis_timeout,
            durability=_durability(settings),
        )
    return SingleStore(
        _server(settings), durability=_durability(settings), call_timeout=settings.redis_timeout
    )

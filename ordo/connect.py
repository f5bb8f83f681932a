"""Make the store a URL names: a Redis server, a Redis Cluster, or the embedded fakeredis."""

from __future__ import annotations

from typing import Any

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from ordo.settings import Settings
from resolvers.store import Store

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
    # with "Too many connections" (NOTES.md), and gives up after the timeout.
    pool = BlockingConnectionPool.from_url(
        settings.redis_url or "",
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_timeout,
        socket_timeout=settings.redis_timeout,
        socket_connect_timeout=settings.redis_timeout,
        decode_responses=True,
        retry=_retry(),
    )
    return Redis.from_pool(pool)  # owns the pool: closing the client closes its connections


def _cluster(settings: Settings) -> RedisCluster:
    url = "redis://" + (settings.redis_url or "").removeprefix(CLUSTER_SCHEME)
    return RedisCluster.from_url(
        url,
        max_connections=settings.redis_max_connections,
        socket_timeout=settings.redis_timeout,
        socket_connect_timeout=settings.redis_timeout,
        decode_responses=True,
        retry=_retry(),
    )


def connect(settings: Settings) -> Store:
    if settings.embedded:
        return Store(_embedded(settings), embedded=True)
    if (settings.redis_url or "").startswith(CLUSTER_SCHEME):
        return Store(_cluster(settings), embedded=False, cluster=True)
    return Store(_server(settings), embedded=False)

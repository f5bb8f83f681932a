"""Walking the keyspace: the one SCAN, for audits (`ordo verify`), never on a request path."""

from __future__ import annotations

from resolvers.store import Store, unavailable_on_failure

SCAN_BATCH = 1000


async def scan_keys(store: Store, pattern: str) -> list[str]:
    """Every key matching a glob pattern, once each, sorted.

    redis-py's `scan_iter` walks every primary of a RedisCluster and one server otherwise, so
    this stays right when the store becomes a cluster. SCAN may return a key twice (a rehash
    during the walk), hence the set; a key written during the walk may or may not appear.
    """
    found: set[str] = set()
    with unavailable_on_failure():
        async for key in store.client.scan_iter(match=pattern, count=SCAN_BATCH):
            found.add(key)
    return sorted(found)

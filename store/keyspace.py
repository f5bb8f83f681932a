"""Walking the keyspace: the one SCAN, for audits (`ordo verify`), never on a request path."""

from __future__ import annotations

from store import Store

SCAN_BATCH = 1000


async def scan_keys(store: Store, pattern: str) -> list[str]:
    """Every key matching a glob pattern, once each, sorted (Store.scan_keys walks every
    primary of a cluster; SCAN may return a key twice, hence the set)."""
    return sorted({key async for key in store.scan_keys(pattern, count=SCAN_BATCH)})

"""Cursor keys from the store (store/cursor_keys.py, lua/share_cursor_secret.lua) on every
backend: without ORDO_CURSOR_KEY, every process on one Redis seals with one secret, and one
that the store lost is followed while the last ones still open."""

from __future__ import annotations

import pytest

from store import Store, cursor_keys
from store.cursor_keys import CursorKeys
from store.keys import cursor_secret_keys
from store.sealing import binding
from tests.integration.conftest import connect_to

BOUND = binding("entityOrders", "e1", "")
SECRET = cursor_secret_keys().secret_key


def _url(backend: str, request: pytest.FixtureRequest) -> str:
    if backend == "embedded":
        pytest.skip("the embedded store lives in one process: there is no other to agree with")
    fixture = "redis_cluster" if backend == "cluster" else "redis_server"
    return str(request.getfixturevalue(fixture).url)


async def test_processes_on_one_redis_seal_with_one_secret(
    store: Store, backend: str, request: pytest.FixtureRequest
) -> None:
    other = connect_to(_url(backend, request))  # another process's store, on the same Redis
    try:
        sealed = (await CursorKeys().sealer(store)).seal(BOUND, b"{}")
        assert (await CursorKeys().sealer(other)).open(BOUND, sealed, 1000) is not None
    finally:
        await other.close()


async def test_a_secret_the_store_lost_is_followed_and_the_last_ones_still_open(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cursor_keys, "REFRESH_SECONDS", 0.0)  # read the store at every use
    keys = CursorKeys()
    before = await keys.sealer(store)
    sealed = before.seal(BOUND, b"{}")
    kept = await store.read("GET", SECRET)
    try:
        await store.read("DEL", SECRET)  # as a Redis without persistence after a restart
        after = await keys.sealer(store)
        assert after.secrets[0] != before.secrets[0]
        assert after.secrets[0] == await store.read("GET", SECRET)
        assert after.open(BOUND, sealed, 1000) is not None
        assert (await CursorKeys().sealer(store)).secrets == (after.secrets[0],)
    finally:
        await store.read("SET", SECRET, kept)

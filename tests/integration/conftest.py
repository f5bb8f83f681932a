"""The store, in-process, on each backend: scripts and resolvers tested without HTTP.

Here the backends are three: a Redis Cluster (three masters, one replica each) joins the
single Redis and the embedded store, so every script and resolver also runs where keys of
different slots live apart and a script may touch only its own slot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import pytest

from ordo.connect import connect
from ordo.settings import load_settings
from store import Call, Store
from store.argv import ARGV, ARGV_REST
from store.layouts import LAYOUTS, REST
from tests.conftest import BACKENDS
from tests.support import RedisCluster, RedisServer

INTEGRATION_BACKENDS = [*BACKENDS, "cluster"]


@pytest.fixture(scope="session", params=INTEGRATION_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def connect_to(url: str) -> Store:
    return connect(load_settings({"ORDO_REDIS_URL": url, "ORDO_ADMIN_TOKEN": "x"}))


@pytest.fixture(scope="session")
async def store(
    backend: str, redis_server: RedisServer, request: pytest.FixtureRequest
) -> AsyncIterator[Store]:
    if backend == "cluster":  # started only when a cluster test runs
        url = request.getfixturevalue("redis_cluster").url
    else:
        url = redis_server.url if backend == "redis" else ""
    made = connect_to(url)
    yield made
    await made.close()


@pytest.fixture(scope="session")
async def cluster_store(redis_cluster: RedisCluster) -> AsyncIterator[Store]:
    """The store on the cluster alone, for what only a cluster can show."""
    made = connect_to(redis_cluster.url)
    yield made
    await made.close()


def assert_layout(script: str, keys: Sequence[str]) -> None:
    """The call's KEYS are its script's layout (store/layouts.py), as store/keys.py
    builds it: a script and its caller cannot disagree on positions. A script taking more KEYS
    after its layout (REST) gets a tuple starting with it."""
    layout = LAYOUTS[script]
    if script in REST:
        width = len(layout._fields)  # type: ignore[attr-defined]
        assert isinstance(keys, tuple) and len(keys) >= width, (script, keys)
    else:
        assert type(keys) is layout, f"{script} got {type(keys).__name__}, not {layout.__name__}"


def assert_argv(script: str, args: Sequence[str | int]) -> None:
    """The call's ARGV are its script's ARGV layout (store/argv.py); a script taking more
    after its layout (ARGV_REST) gets them after it, in one sequence."""
    layout = ARGV[script]
    if script in ARGV_REST:
        assert len(args) >= len(layout._fields), (script, args)  # type: ignore[attr-defined]
    else:
        assert type(args) is layout, f"{script} got {type(args).__name__}, not {layout.__name__}"


@pytest.fixture(autouse=True)
def keys_are_layouts(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every script call of every integration test is checked against its layouts."""
    for name in ("store", "cluster_store"):
        if name in request.fixturenames:
            _check_calls(request.getfixturevalue(name), monkeypatch)
    yield


def _check_calls(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    run, run_in_order = store.run, store.run_in_order

    async def checked_run(script: str, keys: Sequence[str], args: Sequence[str | int]) -> Any:
        assert_layout(script, keys)
        assert_argv(script, args)
        return await run(script, keys, args)

    async def checked_in_order(calls: Sequence[Call]) -> list[Any]:
        for script, keys, args in calls:
            assert_layout(script, keys)
            assert_argv(script, args)
        return await run_in_order(calls)

    monkeypatch.setattr(store, "run", checked_run)
    monkeypatch.setattr(store, "run_in_order", checked_in_order)

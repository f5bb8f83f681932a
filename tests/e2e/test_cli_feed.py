"""`ordo feed` (SPEC §10) as a backend runs it: every event once per plain run, in order per
order; with a group, killed (SIGKILL) midway and started again, nothing is skipped, what was
written while it was down comes too, and at most the one unacknowledged line comes twice. On a
single Redis and on a 3x2 cluster."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import defaultdict
from typing import Any

import httpx
import pytest

from resolvers import orders
from resolvers.orders import locate
from store.keys import events_key
from store.replies import events_from_entries
from tests.e2e.cli_helpers import empty_database, ordo, store_at
from tests.support import OrdoServer, RedisCluster, RedisServer, running


async def _orders(url: str, count: int) -> dict[str, list[str]]:
    """`count` promo-less orders, half of them completed: each order's event ids, in order."""
    made: dict[str, list[str]] = {}
    async with store_at(url) as store:
        for n in range(count):
            order = await orders.create_order(store)
            if n % 2:
                await orders.cancel_order(store, order.order_id)
            home = await locate(store, order.order_id)
            entries = await store.read("XRANGE", events_key(home, order.order_id), "-", "+")
            made[order.order_id] = [e.id for e in events_from_entries(order.order_id, entries)]
    return made


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _by_order(lines: list[dict[str, Any]]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        seen[line["orderId"]].append(line["event"]["id"])
    return dict(seen)


@pytest.fixture(params=["redis", "cluster"])
def url(request: pytest.FixtureRequest, redis_server: RedisServer) -> str:
    """An empty store: a database of the test Redis, or a 3x2 cluster of the test's own."""
    if request.param == "cluster":
        cluster: RedisCluster = request.getfixturevalue("fresh_cluster")
        return cluster.url
    return empty_database(redis_server)


async def test_a_plain_run_prints_every_event_once_in_order(url: str) -> None:
    made = await _orders(url, 6)
    done = ordo("feed", "--from-start", "--idle-exit", "2", "--redis-url", url)
    assert done.returncode == 0, done.stderr
    lines = _lines(done.stdout)
    assert _by_order(lines) == made
    first = next(line for line in lines if line["event"]["type"] == "ORDER_CREATED")
    assert first["version"] == 1 and first["event"]["at"].endswith("Z")
    assert set(first) == {"cursor", "orderId", "version", "event"}
    counted = ordo("feed", "--from-start", "--count", "3", "--redis-url", url)
    assert len(_lines(counted.stdout)) == 3


async def test_a_group_killed_midway_goes_on_where_it_stopped(url: str) -> None:
    made = await _orders(url, 20)
    total = sum(len(ids) for ids in made.values())
    command = [sys.executable, "-m", "ordo", "feed", "--group", "billing", "--from-start"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ORDO_")}
    running = subprocess.Popen(  # noqa: ASYNC220 - read line by line, then killed
        [*command, "--consumer", "c1", "--redis-url", url],
        stdout=subprocess.PIPE,
        env=clean,
        text=True,
    )
    assert running.stdout is not None
    before = [json.loads(running.stdout.readline()) for _ in range(total // 2)]
    running.send_signal(signal.SIGKILL)
    running.wait()
    running.stdout.close()
    later = await _orders(url, 4)  # written while no consumer runs
    resumed = ordo(
        "feed", "--group", "billing", "--consumer", "c1", "--idle-exit", "3", "--redis-url", url
    )
    assert resumed.returncode == 0, resumed.stderr
    after = _lines(resumed.stdout)
    everything = {**made, **later}
    seen = _by_order(before + after)
    # Nothing skipped; a repeat only where the kill fell between a line and its acknowledgement.
    for order_id, ids in everything.items():
        assert [i for n, i in enumerate(seen[order_id]) if i not in seen[order_id][:n]] == ids
    repeats = len(before) + len(after) - sum(len(ids) for ids in everything.values())
    assert 0 <= repeats <= 1
    # Each run printed each order's events in order.
    for run in (before, after):
        for order_id, ids in _by_order(run).items():
            assert ids == sorted(ids, key=everything[order_id].index)
    again = ordo("feed", "--group", "billing", "--idle-exit", "2", "--redis-url", url)
    assert _lines(again.stdout) == []  # all acknowledged


def test_stdout_holds_only_events_while_the_log_goes_to_stderr() -> None:
    """A backend parses stdout line by line: the follower's warnings (here: no Redis at all,
    port 1) must not land there."""
    done = ordo("feed", "--idle-exit", "1", "--redis-url", "redis://127.0.0.1:1")
    assert done.stdout == ""
    warnings = _lines(done.stderr)
    assert warnings and warnings[0]["event"] == "feed follower reconnecting"


async def test_metrics_show_how_far_a_group_is_behind(redis_server: RedisServer) -> None:
    url = empty_database(redis_server)
    made = await _orders(url, 4)
    total = sum(len(ids) for ids in made.values())
    done = ordo("feed", "--group", "billing", "--from-start", "--count", "2", "--redis-url", url)
    assert len(_lines(done.stdout)) == 2, done.stderr
    with running(server := OrdoServer(url)):
        metrics = (await asyncio.to_thread(httpx.get, f"{server.url}/metrics")).text
    assert f'ordo_feed_group_lag{{group="billing"}} {float(total - 2)}' in metrics

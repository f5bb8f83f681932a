"""`python -m bench.cluster`: the capacity model of docs/scaling.md, measured.

Starts its own Redis Cluster on loopback (three masters with a replica each, as the tests do)
and a single redis-server, then measures creates per second:

- Redis side, redis-benchmark running the real create_order script (a promo reserve): one
  hot promo on a single Redis; one hot promo on the cluster (its slot lives on one master,
  so one Redis thread runs every reserve); then one promo per master at once (a
  redis-benchmark per promo, figures added up).
- Store side, createOrder (claim + create) called in-process on the cluster, by one client
  and by 32, without and with ORDO_REDIS_WAIT_REPLICAS=1: what waiting for the replica costs.
- Service side, wrk posting REST creates to `ordo serve --workers 2`: on the single Redis; on
  the cluster; on the cluster with ORDO_REDIS_WAIT_REPLICAS=1.

Numbers from one run on a shared machine: compare the rows, not other machines' figures.

    python -m bench.cluster                  # about a minute
    python -m bench.cluster --seconds 10 --requests 400000 --json bench/results/cluster.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from bench import cpu
from bench.load import Figures, Load, redis_benchmark, wrk
from bench.seed import open_store
from domain.validation import MAX_COUNT
from ordo.connect import connect
from ordo.settings import load_settings
from resolvers import orders, promos, users
from store.keys import Home, order_promo_keys, promo_keys
from store.scripts import source
from testing.cluster import RedisCluster
from testing.servers import OrdoServer, RedisServer, running

USERS = 200
USER_PREFIX = "cbu-"
CREATED = json.dumps({"entityId": None, "type": None})  # as resolvers/orders.py writes it


@dataclass(frozen=True)
class Row:
    what: str
    where: str
    figures: Figures


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__)
    add = parser.add_argument
    add("--seconds", type=float, default=6, help="measured seconds per service run")
    add("--requests", type=int, default=200_000, help="redis-benchmark calls per promo")
    add("--connections", type=int, default=32, help="wrk / redis-benchmark connections")
    add("--calls", type=int, default=3000, help="createOrder calls per Store run")
    add("--json", type=Path, default=None, help="also write the rows here")
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(f"[bench.cluster {time.strftime('%H:%M:%S')}] {text}", flush=True)


async def seed(url: str, promo_ids: list[str]) -> str:
    """Users and promos of (practically) unlimited count; the script's SHA, loaded."""
    store = open_store(url)
    try:
        for n in range(USERS):
            await users.create_user(store, f"{USER_PREFIX}{n}")
        for promo_id in promo_ids:
            await promos.create_promo(store, promo_id, MAX_COUNT, MAX_COUNT)
        sha: str = await store.client.script_load(source("create_order"))
        return sha
    finally:
        await store.close()


def reserve_command(sha: str, promo_id: str) -> list[str]:
    """EVALSHA of create_order: a new order (and user) per call, as bench/runner.py's floor."""
    order_id = "cb-__rand_int__"
    keys = order_promo_keys(Home.of_promo(promo_id), order_id)
    return ["EVALSHA", sha, str(len(keys)), *keys, order_id, promo_id, "cbu-__rand_int__", CREATED]


def benchmark(targets: list[tuple[RedisServer, list[str]]], load: Load, requests: int) -> Figures:
    """One redis-benchmark per (master, command), all at once; calls per second added up, and
    the masters' CPU per call (redis_us), which the neighbours' load barely moves. Each goes
    straight to the master owning its promo's slot: redis-benchmark's own cluster mode would
    spread a command over every master by rewriting its keys."""
    masters = [master.process.pid for master, _ in targets if master.process]
    before = cpu.seconds(masters)
    with ThreadPoolExecutor(len(targets)) as pool:
        runs = list(pool.map(lambda target: _benchmark(*target, load, requests), targets))
    spent = cpu.seconds(masters) - before
    calls = sum(run.requests for run in runs)
    return Figures(
        requests=calls,
        rps=sum(run.rps for run in runs),
        p50_ms=max(run.p50_ms for run in runs),
        p90_ms=max(run.p90_ms for run in runs),
        p99_ms=max(run.p99_ms for run in runs),
        max_ms=max(run.max_ms for run in runs),
        errors=0,
        redis_us=spent / calls * 1e6,
    )


def _benchmark(master: RedisServer, command: list[str], load: Load, requests: int) -> Figures:
    try:
        return redis_benchmark(master.port, command, load, requests)
    except subprocess.CalledProcessError as failed:
        raise RuntimeError(
            f"redis-benchmark: {failed.stdout[-800:]} {failed.stderr[-800:]}"
        ) from None


def one_per_master(cluster: RedisCluster) -> list[str]:
    """Promo ids whose slots sit on distinct masters, one each."""
    found: dict[int, str] = {}
    for n in range(10_000):
        promo_id = f"CB-SPREAD-{n}"
        found.setdefault(cluster.owner(promo_keys(promo_id)[0]).port, promo_id)
        if len(found) == len(cluster.masters()):
            return list(found.values())
    raise RuntimeError("no promo found for some master")


@contextmanager
def ordo(url: str, **env: str) -> Iterator[OrdoServer]:
    server = OrdoServer(url, workers=2, env=env)
    try:
        with running(server):
            yield server
    finally:
        Path(server.log.name).unlink(missing_ok=True)


async def store_creates(url: str, promo_id: str, calls: int, clients: int, **env: str) -> Figures:
    """createOrder (claim, then create: two scripts on a cluster) through the Store itself,
    no HTTP: `clients` at a time. One client shows what a write's latency is made of."""
    store = connect(load_settings({"ORDO_REDIS_URL": url, "ORDO_ADMIN_TOKEN": "bench", **env}))
    took: list[float] = []

    async def client(first: int, step: int, last: int) -> None:
        for i in range(first, last, step):
            start = time.perf_counter()
            await orders.create_order(store, f"{USER_PREFIX}{i % USERS}", promo_id)
            took.append(time.perf_counter() - start)

    try:
        await client(0, 1, 50)  # warm: connections, slot map, scripts
        took.clear()
        start = time.perf_counter()
        await asyncio.gather(*(client(n, clients, calls) for n in range(clients)))
        elapsed = time.perf_counter() - start
    finally:
        await store.close()
    took.sort()
    ms = [took[int(q * (len(took) - 1))] * 1000 for q in (0.5, 0.9, 0.99, 1.0)]
    return Figures(len(took), len(took) / elapsed, *ms, errors=0)


def creates(server: OrdoServer, promo_id: str, load: Load) -> Figures:
    opts = {"promo": promo_id, "users": str(USERS), "user_prefix": USER_PREFIX}
    wrk(server.url, "rest_create", load, load.warmup, opts)
    return wrk(server.url, "rest_create", load, load.seconds, opts)


HOT = "CB-HOT"
WAITING = {"ORDO_REDIS_WAIT_REPLICAS": "1"}


def measure(args: argparse.Namespace) -> list[Row]:
    load = Load(connections=args.connections, seconds=args.seconds, warmup=2)
    single, cluster = RedisServer(), RedisCluster()
    try:
        with running(single):
            say(f"redis-server on port {single.port}; starting the cluster")
            cluster.start()
            rows = script_rows(single, cluster, load, args.requests)
            rows += store_rows(cluster, args.calls)
            return rows + service_rows(single, cluster, load)
    finally:
        cluster.cleanup()
        single.cleanup()


def script_rows(single: RedisServer, cluster: RedisCluster, load: Load, requests: int) -> list[Row]:
    """The reserve script alone: a hot promo on each store, then one promo per master."""
    spread = one_per_master(cluster)
    single_sha = asyncio.run(seed(single.url, [HOT]))
    cluster_sha = asyncio.run(seed(cluster.url, [HOT, *spread]))

    def on_owner(promo_id: str) -> tuple[RedisServer, list[str]]:
        return cluster.owner(promo_keys(promo_id)[0]), reserve_command(cluster_sha, promo_id)

    rows = []
    for what, where, targets in [
        ("reserve script, 1 hot promo", "single Redis",
         [(single, reserve_command(single_sha, HOT))]),
        ("reserve script, 1 hot promo", "cluster (1 master busy)", [on_owner(HOT)]),
        (f"reserve script, {len(spread)} promos", "cluster (1 per master)",
         [on_owner(promo) for promo in spread]),
    ]:  # fmt: skip
        say(f"redis-benchmark: {what}, {where}")
        rows.append(Row(what, where, benchmark(targets, load, requests)))
    return rows


def store_rows(cluster: RedisCluster, calls: int) -> list[Row]:
    """createOrder in-process on the cluster, one client and 32, without and with WAIT."""
    rows = []
    for clients in (1, 32):
        what = f"createOrder via Store, {clients} client{'s' if clients > 1 else ''}"
        for where, env in [("cluster", {}), ("cluster, WAIT 1 replica", WAITING)]:
            say(f"{what}, {where}")
            figures = asyncio.run(store_creates(cluster.url, HOT, calls, clients, **env))
            rows.append(Row(what, where, figures))
    return rows


def service_rows(single: RedisServer, cluster: RedisCluster, load: Load) -> list[Row]:
    """REST creates on one hot promo through `ordo serve`, under wrk."""
    rows = []
    for where, url, env in [
        ("single Redis", single.url, {}),
        ("cluster", cluster.url, {}),
        ("cluster, WAIT 1 replica", cluster.url, WAITING),
    ]:
        say(f"wrk: REST creates, {where}")
        with ordo(url, **env) as server:
            rows.append(Row("REST create, 1 hot promo", where, creates(server, HOT, load)))
    return rows


def table(rows: list[Row]) -> str:
    """Requests per second and latency; for the script runs, the masters' CPU per reserve and
    the ceiling it implies for one master (one Redis thread) with a core of its own."""
    head = f"{'what':<30} {'where':<26} {'creates/s':>9} {'p50 ms':>7} {'p99 ms':>7}"
    lines = [f"{head} {'µs CPU/reserve':>14} {'1 master max/s':>14}"]
    for row in rows:
        f = row.figures
        line = f"{row.what:<30} {row.where:<26} {f.rps:>9,.0f} {f.p50_ms:>7.2f} {f.p99_ms:>7.2f}"
        if f.redis_us:
            line += f" {f.redis_us:>14.1f} {1e6 / f.redis_us:>14,.0f}"
        lines.append(line + ("" if not f.errors else f"  ({f.errors} errors)"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    rows = measure(args)
    print(table(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(row) for row in rows], indent=2) + "\n")


if __name__ == "__main__":
    main()

"""`scripts/bench`: ordo's operations under wrk next to floors measured in the same run.

One private redis-server; data seeded through the real resolvers; for each worker count the
floor apps and `ordo serve` up together, loaded by wrk from its own process in rounds;
redis-benchmark runs the real create_order script for the Redis-side ceiling. Prints one
table and the targets, writes JSON and a PNG. `--full` adds 1,000,000 orders, runs again.

gRPC rows: ordo's `CreateOrder` (promo) on its gRPC port, loaded by bench/grpc/load.mjs (a Node
@grpc/grpc-js client pool: --connections calls in flight over --grpc-channels connections), and
on 1 worker beside the Node peer bench/grpc/peer.mjs (@grpc/grpc-js + ioredis, ordo's own
scripts on ordo's keys), in the same rounds as the REST and GraphQL creates. Needs node and
npm; `--ops grpc_create,rest_create,gql_create` measures just the creates.
`python -m bench.grpc_watch` is the WatchOrderEvents bench (1,000 streams, 300 changes/s).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import chart
from bench.load import Load
from bench.operations import GQL_CREATE_AS_PEER, GRPC_CREATE, OPERATIONS
from bench.peer import GRPC_DIR, PEER_DIR, install
from bench.report import SEEDED, Results, table, write_json
from bench.runner import Runner, pool_note
from testing.servers import RedisServer, running

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    add = parser.add_argument
    add("--seconds", type=float, default=6, help="measured seconds per operation and round")
    add("--rounds", type=int, default=2, help="rounds; the median round is reported")
    add("--warmup", type=float, default=2, help="unmeasured seconds before the first round")
    add("--connections", type=int, default=32)
    add("--threads", type=int, default=1, help="wrk threads")
    add("--workers", default="1,2", help="ordo/floor worker counts, comma-separated")
    add("--ops", default="", help="only these operations (wrk script names), comma-separated")
    add("--no-floors", action="store_true", help="skip the floors (no ratios)")
    add("--peer", type=Path, default=PEER_DIR, help="the Node peer's folder (bench/peer.py)")
    add("--no-peer", action="store_true", help="skip the Node peers (Mercurius and gRPC)")
    add("--grpc-channels", type=int, default=4, help="gRPC connections of the load generator")
    add(
        "--baseline", type=Path, default=None,
        help="a checkout of another commit: its ordo is loaded in the same rounds (before/after)",
    )  # fmt: skip
    add("--users", type=int, default=1000, help="seeded users the creates pick from")
    add("--pool", type=int, default=80_000, help="OPEN orders made for completeOrder")
    add("--memory-orders", type=int, default=20_000, help="orders measured for memory")
    add("--redis-requests", type=int, default=300_000, help="redis-benchmark -n")
    add("--full", action="store_true", help="then add --fill orders and run 1 worker again")
    add("--fill", type=int, default=1_000_000, help="orders --full adds")
    add("--profile", default="", help="py-spy these operations (wrk script names), 1 worker")
    add("--out", type=Path, default=RESULTS / "latest.json", help="JSON (PNG beside it)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    redis = RedisServer()
    try:
        with tempfile.TemporaryDirectory(prefix="ordo-bench-") as workdir, running(redis):
            run(args, redis, Path(workdir))
    finally:
        redis.cleanup()


def run(args: argparse.Namespace, redis: RedisServer, workdir: Path) -> None:
    load = Load(args.threads, args.connections, args.seconds, args.warmup, args.grpc_channels)
    ops = [op for op in OPERATIONS if not args.ops or op.script in args.ops.split(",")]
    results = Results(meta=_meta(args))
    peer, why = (None, "--no-peer") if args.no_peer else install(args.peer)
    if peer is None:  # its selection is measured only to compare with the peer
        ops = [op for op in ops if op is not GQL_CREATE_AS_PEER]
    results.notes.append(f"Node peer: {why}")
    grpc, why = install(GRPC_DIR)
    if grpc is None:  # the gRPC load generator is Node's too
        ops = [op for op in ops if op is not GRPC_CREATE]
    results.notes.append(f"gRPC peer and load generator: {why}")
    runner = Runner(redis, load, args.rounds, ops, results, args.out.parent)
    runner.baseline = args.baseline
    runner.grpc = grpc
    runner.say(f"redis-server on port {redis.port}; seeding")
    runner.seed(args.users, args.pool, workdir)
    runner.add_orders(args.memory_orders, "mem-")
    if not args.no_floors:
        runner.redis_floor(args.redis_requests)
    for workers in (int(n) for n in args.workers.split(",")):
        profiled = args.profile.split(",") if workers == 1 else []
        runner.setting(
            workers, SEEDED, floors=not args.no_floors, profiled=profiled,
            peer=peer if workers == 1 else None, peers=workers == 1 and not args.no_peer,
        )  # fmt: skip
    if args.full:
        runner.say(f"adding {args.fill:,} orders")
        runner.add_orders(args.fill, "fill-")
        runner.setting(1, f"{args.fill / 1e6:g}M", floors=False, profiled=[])
    results.notes += pool_note(runner)
    finish(results, args.out)


def finish(results: Results, out: Path) -> None:
    results.add_ratios()
    results.meta["load_average_at_end"] = os.getloadavg()
    print("\n" + table(results), flush=True)
    write_json(results, out)
    chart.draw(results, out.with_suffix(".png"))
    print(f"\nwrote {out} and {out.with_suffix('.png')}")


def _output(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True).stdout.strip()


def _meta(args: argparse.Namespace) -> dict[str, object]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _output("git", "rev-parse", "--short", "HEAD"),
        "uncommitted_files": len(_output("git", "status", "--porcelain").splitlines()),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "wrk": _output("wrk", "--version").splitlines()[0],
        "redis": _output("redis-server", "--version"),
        "threads": args.threads,
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "warmup": args.warmup,
    }


if __name__ == "__main__":
    main()

"""The load generators, each in its own process: wrk with a Lua script of bench/wrk/,
bench/grpc/load.mjs (a Node @grpc/grpc-js client pool) for gRPC, and redis-benchmark for the
Redis-side ceiling. All are bounded in time or count and aim only at 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

WRK_DIR = Path(__file__).resolve().parent / "wrk"
ROOT = WRK_DIR.parent.parent  # the checkout: load.mjs reads its proto/
MARKER = "BENCH_RESULT "


@dataclass(frozen=True)
class Load:
    threads: int = 1
    connections: int = 32
    seconds: float = 8.0
    warmup: float = 2.0
    grpc_channels: int = 4  # HTTP/2 connections the `connections` gRPC calls in flight share


@dataclass(frozen=True)
class Figures:
    """What one load run saw: requests per second, latency in ms, and wrong answers."""

    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    cpu_us: float | None = None  # the server's CPU (all its processes) per request
    redis_us: float | None = None  # redis-server's CPU per request


def wrk(
    url: str,
    script: str,
    load: Load,
    seconds: float,
    opts: dict[str, str],
    rate: float | None = None,
) -> Figures:
    """Run wrk for `seconds`; `opts` reach the script as key=value (common.lua). With `rate`
    (requests/s), an open loop (wrk/paced.lua): latencies count from each request's slot."""
    args = {"prefix": uuid.uuid4().hex[:8], "threads": str(load.threads), **opts}
    command = [
        "wrk",
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "5s",
        "-s",
        str(WRK_DIR / f"{script}.lua"),
        url,
        "--",
        *(f"{key}={value}" for key, value in args.items()),
    ]
    env = {**os.environ, "BENCH_PACED_RATE": f"{rate:.3f}"} if rate else None
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, env=env)
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARKER)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk {script} failed: {done.stdout[-1500:]} {done.stderr[-1500:]}")
    return _figures(json.loads(line.removeprefix(MARKER)))


def grpc_load(
    target: str, load: Load, seconds: float, opts: dict[str, str], folder: Path
) -> Figures:
    """bench/grpc/load.mjs (installed in `folder`) for `seconds`: `load.connections` calls in
    flight over `load.grpc_channels` connections, each a CreateOrder of a random seeded user
    with the bench's promo. Its figures are wrk's, by the same names."""
    command = [
        "node", "load.mjs", target, f"{seconds:g}", str(load.connections),
        str(load.grpc_channels), opts["users"], opts["user_prefix"], opts["promo"], str(ROOT),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARKER)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"load.mjs failed: {done.stdout[-1500:]} {done.stderr[-1500:]}")
    raw = json.loads(line.removeprefix(MARKER))
    if raw["first_error"]:
        print(f"gRPC load at {target}: {raw['wrong']} wrong, first: {raw['first_error']}")
    return _figures(raw)


def _figures(raw: dict[str, float]) -> Figures:
    # `status` (non-2xx/3xx) is already among `wrong`: the response hook counts it.
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return Figures(
        requests=int(raw["requests"]),
        rps=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=int(raw["wrong"] + socket_errors),
    )


def redis_benchmark(port: int, command: list[str], load: Load, requests: int) -> Figures:
    """redis-benchmark running `command` with its `__rand_int__` placeholders randomised."""
    run = [
        "redis-benchmark",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-c",
        str(load.connections),
        "-n",
        str(requests),
        "-r",
        "1000000000",
        "--csv",
        *command,
    ]
    done = subprocess.run(run, capture_output=True, text=True, timeout=600, check=True)
    header, line = done.stdout.strip().splitlines()[-2:]
    # The first column repeats the command unescaped (quotes, commas): read from the right.
    names = [name.strip('"') for name in header.split(",")][1:]
    row = dict(zip(names, (value.strip('"') for value in line.rsplit(",", 7)[1:]), strict=True))
    return Figures(
        requests=requests,
        rps=float(row["rps"]),
        p50_ms=float(row["p50_latency_ms"]),
        p90_ms=float(row["p95_latency_ms"]),  # redis-benchmark reports p95, not p90
        p99_ms=float(row["p99_latency_ms"]),
        max_ms=float(row["max_latency_ms"]),
        errors=0,
    )

"""Latency at a fixed offered rate: `python -m bench.open_loop [--fraction 0.5]`.

wrk with 32 connections is a closed loop: each connection waits for its answer before it asks
again, so a slow server is asked less and its tail hides. Here the load is paced instead, at
a fraction of the capacity that a closed-loop wrk run measured a moment before, on one worker
and a private Redis, for GraphQL `createOrder` and REST `POST /orders`, by two tools:

- Debian's `hey -q` (requests per second per worker): its 32 workers tick together, so the
  requests come in bursts of 32 at once, each burst queueing behind itself;
- wrk with bench/wrk/paced.lua: one timetable, requests spread evenly over time, latency
  counted from each request's slot (as wrk2 does).

Prints capacity, the offered and achieved rate, and p50/p99 of each. Nothing here is
asserted: it is a measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.load import Load, wrk
from testing.servers import ADMIN_TOKEN, OrdoServer, RedisServer, running, unique

WORKERS = 32  # hey's workers: each paced at rate / WORKERS
GQL_CREATE = (
    "mutation($input: CreateOrderInput) { createOrder(input: $input) { "
    "order { orderId status } errors { code field } } }"
)


@dataclass(frozen=True)
class Paced:
    name: str
    tool: str
    capacity: float  # closed-loop requests/s
    offered: float
    achieved: float
    p50_ms: float
    p99_ms: float
    errors: int


def hey(url: str, body: str, rate: float, seconds: float) -> tuple[float, float, float, int]:
    """(achieved requests/s, p50 ms, p99 ms, non-200 answers) of a paced hey run."""
    per_worker = max(rate / WORKERS, 0.1)
    command = [
        "hey", "-z", f"{seconds:g}s", "-c", str(WORKERS), "-q", f"{per_worker:.2f}",
        "-m", "POST", "-T", "application/json", "-d", body, url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    text = done.stdout
    achieved = float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1])  # type: ignore[index]
    p50 = float(re.search(r"50%+ in ([\d.]+) secs", text)[1]) * 1000  # type: ignore[index]
    p99 = float(re.search(r"99%+ in ([\d.]+) secs", text)[1]) * 1000  # type: ignore[index]
    statuses = re.findall(r"\[(\d{3})\]\s+(\d+) responses", text)
    errors = sum(int(n) for code, n in statuses if code != "200")
    if "Error distribution:" in text:  # timeouts, refused connections: "[count] error text"
        failed = text.split("Error distribution:")[1]
        errors += sum(int(n) for n in re.findall(r"^\s+\[(\d+)\]", failed, re.MULTILINE))
    return achieved, p50, p99, errors


async def _seed(url: str) -> dict[str, str]:
    """A user and a promo that never run out: every paced request can create."""
    user, promo = unique("u") + "-0", unique("p")  # "-0": the wrk scripts' user number
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    async with httpx.AsyncClient(base_url=url, headers=headers) as http:
        await http.post(
            "/graphql",
            json={"query": f'mutation {{ createUser(userId: "{user}") {{ userId }} }}'},
        )
        create = (
            f'mutation {{ createPromo(input: {{promoId: "{promo}", count: 100000000, '
            f"perUserCount: 100000000}}) {{ promo {{ promoId }} }} }}"
        )
        await http.post("/graphql", json={"query": create})
    return {"userId": user, "promoId": promo}


def measure(server: OrdoServer, fraction: float, seconds: float) -> list[Paced]:
    ids = asyncio.run(_seed(server.url))
    subjects = [
        ("GQL createOrder", "/graphql", "gql_create",
         json.dumps({"query": GQL_CREATE, "variables": {"input": ids}})),
        ("REST POST /orders", "/orders", "rest_create", json.dumps(ids)),
    ]  # fmt: skip
    found = []
    # The wrk scripts pick user_prefix .. random(0, users - 1): "<prefix>0", the one user.
    opts = {"users": "1", "user_prefix": ids["userId"][:-1], "promo": ids["promoId"]}
    for name, path, script, body in subjects:
        closed = wrk(server.url + "/", script, Load(1, 32, seconds, 1), seconds, opts)
        rate = closed.rps * fraction
        achieved, p50, p99, errors = hey(server.url + path, body, rate, seconds)
        found.append(Paced(name, "hey -q", closed.rps, rate, achieved, p50, p99, errors))
        paced = wrk(server.url + "/", script, Load(1, 32, seconds, 1), seconds, opts, rate)
        found.append(Paced(
            name, "wrk paced", closed.rps, rate, paced.rps, paced.p50_ms, paced.p99_ms,
            paced.errors,
        ))  # fmt: skip
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.open_loop", description=__doc__)
    parser.add_argument("--fraction", type=float, default=0.5, help="of closed-loop capacity")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--baseline", type=Path, help="serve another checkout's ordo instead")
    args = parser.parse_args()
    if not shutil.which("hey") or not shutil.which("wrk"):
        raise SystemExit("needs hey and wrk (Debian): apt-get install hey wrk")
    redis = RedisServer()
    try:
        with running(redis), running(server := OrdoServer(redis.url, cwd=args.baseline)):
            rows = measure(server, args.fraction, args.seconds)
    finally:
        redis.cleanup()
    print(f"{'what':20} {'tool':10} {'capacity/s':>10} {'offered/s':>9} {'achieved/s':>10} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")  # fmt: skip
    for row in rows:
        figures = f"{row.achieved:10,.0f} {row.p50_ms:7.2f} {row.p99_ms:7.2f} {row.errors:6}"
        print(f"{row.name:20} {row.tool:10} {row.capacity:10,.0f} {row.offered:9,.0f} {figures}")


if __name__ == "__main__":
    main()

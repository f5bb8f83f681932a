"""gRPC server stacks with no work in the call: what each costs a unary call by itself, loaded
in interleaved rounds by the same load generator as scripts/bench's gRPC rows
(bench/grpc/load.mjs). Every server answers ordo.v1's CreateOrder with an Order made from the
request, so the figures are the stack's own: the floor under ordo's CreateOrder. Each stack
is measured twice: answering at once, and after one Redis round trip (a PING, through the
client that stack would use), which is what every ordo call waits for at least once.

    .venv/bin/python -m bench.grpc_stacks [--seconds 5] [--rounds 3]

Stacks: grpcio's asyncio server on asyncio's own loop and on uvloop (ordo's: uvicorn runs
uvloop), grpcio's sync server (a thread pool), grpclib (pure Python, h2) when installed (it is
not in the locks: `uv pip install grpclib` to measure it), and @grpc/grpc-js (bench/grpc/
hello.mjs, ioredis). CPU per call is the server process's user + system time over the calls
answered.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import grpc
import redis as syncredis
from google.protobuf import timestamp_pb2
from redis import asyncio as aioredis

from bench import cpu
from bench.load import Figures, Load, grpc_load
from bench.peer import GRPC_DIR, GrpcPeerServer, install, listening
from bench.runner import serving
from ordo.v1 import order_pb2 as pb
from ordo.v1 import order_service_pb2 as api
from testing.servers import ROOT, OrdoServer, RedisServer, running, wait_until

NODE = "@grpc/grpc-js (Node)"
OPTS = {"users": "1000", "user_prefix": "u-", "promo": "HELLO"}
METHOD = "/ordo.v1.OrderService/CreateOrder"


def answer(request: api.CreateOrderRequest) -> api.CreateOrderResponse:
    """The same Order as hello.mjs builds: an id, a status, times, the promo."""
    now = timestamp_pb2.Timestamp()
    now.GetCurrentTime()
    order = pb.Order(
        order_id=secrets.token_hex(16), status=pb.ORDER_STATUS_OPEN, total="0",
        created_at=now, updated_at=now, version=2,
        promo=pb.PromoActivation(promo_id=request.promo_id, user_id=request.user_id),
    )  # fmt: skip
    return api.CreateOrderResponse(order=order)


def _handler(behaviour: Callable[..., Any]) -> grpc.GenericRpcHandler:
    method = grpc.unary_unary_rpc_method_handler(
        behaviour,
        request_deserializer=api.CreateOrderRequest.FromString,
        response_serializer=api.CreateOrderResponse.SerializeToString,
    )
    return grpc.method_handlers_generic_handler("ordo.v1.OrderService", {"CreateOrder": method})


def _redis(redis_port: int) -> Any:
    """redis-py's asyncio client, or None: no round trip."""
    return aioredis.Redis(port=redis_port) if redis_port else None


async def _grpcio_aio(port: int, redis_port: int) -> None:
    redis = _redis(redis_port)

    async def create(request: api.CreateOrderRequest, _: Any) -> api.CreateOrderResponse:
        if redis is not None:
            await redis.ping()
        return answer(request)

    server = grpc.aio.server()
    server.add_generic_rpc_handlers((_handler(create),))
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


def _grpcio_sync(port: int, redis_port: int) -> None:
    redis = syncredis.Redis(port=redis_port) if redis_port else None

    def create(request: api.CreateOrderRequest, _: Any) -> api.CreateOrderResponse:
        if redis is not None:
            redis.ping()
        return answer(request)

    server = grpc.server(ThreadPoolExecutor(max_workers=16))
    server.add_generic_rpc_handlers((_handler(create),))
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    server.wait_for_termination()


async def _grpclib(port: int, redis_port: int) -> None:
    from grpclib.const import Cardinality, Handler
    from grpclib.server import Server, Stream

    redis = _redis(redis_port)

    class Service:
        async def create(self, stream: Stream[Any, Any]) -> None:
            request = await stream.recv_message()
            assert request is not None  # a unary call has its message
            if redis is not None:
                await redis.ping()
            await stream.send_message(answer(request))

        def __mapping__(self) -> dict[str, Handler]:
            return {
                METHOD: Handler(
                    self.create,
                    Cardinality.UNARY_UNARY,
                    api.CreateOrderRequest,
                    api.CreateOrderResponse,
                )
            }

    server = Server([Service()])
    await server.start("127.0.0.1", port)
    await server.wait_closed()


Serve = Callable[[int, int], Any]


def _asyncio(main: Serve) -> Callable[[int, int], None]:
    return lambda port, redis_port: asyncio.run(main(port, redis_port))


def _uvloop(main: Serve) -> Callable[[int, int], None]:
    def run(port: int, redis_port: int) -> None:
        import uvloop

        uvloop.run(main(port, redis_port))

    return run


# name: how `--serve NAME PORT REDIS_PORT` runs it, and what it needs installed
PYTHON_STACKS: dict[str, tuple[Callable[[int, int], None], str]] = {
    "grpcio asyncio (asyncio loop)": (_asyncio(_grpcio_aio), "grpc"),
    "grpcio asyncio (uvloop)": (_uvloop(_grpcio_aio), "uvloop"),
    "grpcio sync (thread pool)": (_grpcio_sync, "grpc"),
    "grpclib (asyncio loop)": (_asyncio(_grpclib), "grpclib"),
    "grpclib (uvloop)": (_uvloop(_grpclib), "grpclib"),
}
ROUND_TRIP = " + Redis PING"


class StackServer(OrdoServer):
    """One stack as a process of its own, on a free port; with a Redis URL, each call waits
    for a PING to it first."""

    def __init__(self, name: str, redis_url: str | None) -> None:
        super().__init__(redis_url)
        self.name = name

    def start(self) -> None:
        redis_port = urlparse(self.redis_url).port if self.redis_url else 0
        command = [sys.executable, "-m", "bench.grpc_stacks", "--serve", self.name,
                   str(self.grpc_port), str(redis_port)]  # fmt: skip
        with open(self.log.name, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: listening(self), self.name)


class NodeHello(GrpcPeerServer):
    """bench/grpc/hello.mjs; with a Redis URL, a PING by ioredis in each call."""

    def __init__(self, folder: Path, redis_url: str | None) -> None:
        super().__init__(folder, redis_url or "")

    def start(self) -> None:
        redis_port = str(urlparse(self.redis_url).port or 0) if self.redis_url else "0"
        command = ["node", "hello.mjs", str(self.grpc_port), str(ROOT), redis_port]
        with open(self.log.name, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until(lambda: listening(self), "hello.mjs")


@dataclass
class Measured:
    name: str
    rounds: list[Figures]

    @property
    def cpu(self) -> float:
        return statistics.median(f.cpu_us or 0 for f in self.rounds)


def measure(target: str, pid: int, load: Load, seconds: float, folder: Any) -> Figures:
    pids = cpu.tree(pid)
    before = cpu.seconds(pids)
    figures = grpc_load(target, load, seconds, OPTS, folder)
    spent = cpu.seconds(pids) - before
    return Figures(**{**figures.__dict__, "cpu_us": spent * 1e6 / max(figures.requests, 1)})


def run(args: argparse.Namespace) -> list[Measured]:
    folder, why = install(GRPC_DIR)
    if folder is None:
        raise SystemExit(f"bench/grpc is needed (the load generator): {why}")
    load = Load(connections=args.connections, grpc_channels=args.channels)
    names = [n for n, (_, need) in PYTHON_STACKS.items() if importlib.util.find_spec(need)]
    skipped = [n for n in PYTHON_STACKS if n not in names]
    redis = RedisServer()
    with ExitStack() as stack:
        stack.callback(redis.cleanup)
        stack.enter_context(running(redis))
        servers: dict[str, OrdoServer] = {}
        for url, suffix in ((None, ""), (redis.url, ROUND_TRIP)):
            servers[NODE + suffix] = stack.enter_context(serving(NodeHello(folder, url)))
            for name in names:
                servers[name + suffix] = stack.enter_context(serving(StackServer(name, url)))
        found = {name: Measured(name, []) for name in servers}
        for round_ in range(args.rounds):
            for name, server in servers.items():
                assert server.process is not None
                if round_ == 0:
                    measure(server.grpc_target, server.process.pid, load, args.warmup, folder)
                figures = measure(
                    server.grpc_target, server.process.pid, load, args.seconds, folder
                )
                found[name].rounds.append(figures)
                print(f"[stacks {time.strftime('%H:%M:%S')}] {name} round {round_ + 1}: "
                      f"{figures.rps:,.0f} calls/s, {figures.cpu_us:,.0f} µs CPU/call, "
                      f"{figures.errors} errors", flush=True)  # fmt: skip
    for name in skipped:
        print(f"{name}: not measured ({PYTHON_STACKS[name][1]} is not installed)")
    return list(found.values())


def table(found: list[Measured]) -> str:
    """Each stack beside Node's, both answering at once or both after a round trip."""
    nodes = {m.name.removeprefix(NODE): m for m in found if m.name.startswith(NODE)}
    lines = [f"{'stack':45} {'calls/s':>8} {'p99 ms':>7} {'errors':>6} {'CPU µs/call':>11} "
             f"{'Node/this by CPU':>16}"]  # fmt: skip
    for m in found:
        node = nodes[ROUND_TRIP if m.name.endswith(ROUND_TRIP) else ""]
        median = sorted(m.rounds, key=lambda f: f.rps)[len(m.rounds) // 2]
        # each round's pair, as scripts/bench pairs ordo with its peer
        pairs = [n.cpu_us / f.cpu_us for n, f in zip(node.rounds, m.rounds, strict=True)
                 if n.cpu_us and f.cpu_us]  # fmt: skip
        lines.append(
            f"{m.name:45} {median.rps:8,.0f} {median.p99_ms:7.1f} "
            f"{sum(f.errors for f in m.rounds):6} {m.cpu:11,.0f} "
            f"{statistics.median(pairs):16.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.grpc_stacks", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32, help="calls in flight")
    parser.add_argument("--channels", type=int, default=4, help="HTTP/2 connections")
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)  # STACK PORT REDIS_PORT
    args = parser.parse_args(argv)
    if args.serve:
        name, port, redis_port = args.serve
        PYTHON_STACKS[name][0](int(port), int(redis_port))
        return
    print("\n" + table(run(args)))


if __name__ == "__main__":
    main()

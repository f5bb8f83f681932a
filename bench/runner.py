"""One run's measuring: the servers of a setting (worker count, data in Redis) up together,
then rounds in which every floor and operation takes its turn under wrk, so that each ratio
pairs measurements taken a few seconds apart on a machine whose load drifts."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import statistics
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import cpu, profile
from bench.load import Figures, Load, grpc_load, redis_benchmark, wrk
from bench.memory import add_orders
from bench.operations import FLOOR_REDIS, FLOORS, PEER_GRPC, PEER_SUBJECTS, Operation
from bench.peer import GrpcPeerServer, PeerServer
from bench.report import SEEDED, Results, Row
from bench.seed import Seeded, open_store, seed
from bench.stack import FloorServer
from domain.validation import MAX_COUNT
from resolvers import promos
from store import Store
from store.keys import Home, order_promo_keys, promo_keys
from store.scripts import source
from testing.servers import ADMIN_TOKEN, OrdoServer, RedisServer, running

REDIS_PROMO = "BENCH-RB"


@dataclass(frozen=True)
class Subject:
    """Something wrk (or, for gRPC, bench/grpc/load.mjs) loads: a floor app, a peer or one
    of ordo's operations."""

    name: str
    kind: str
    url: str
    script: str
    pid: int | None  # the server's process, whose CPU time (with its workers') is counted
    floor: str | None = None
    peer: str | None = None
    opts: tuple[tuple[str, str], ...] = ()  # more key=value for the wrk script
    tool: str = "wrk"  # "grpc": `url` is a gRPC target (host:port)


def _address(server: OrdoServer, op: Operation) -> str:
    """Where an operation is loaded: ordo's gRPC port, or its HTTP URL."""
    return server.grpc_target if op.tool == "grpc" else server.url + op.path


@contextmanager
def serving(server: OrdoServer) -> Iterator[OrdoServer]:
    """The server running, and its log (one line per request: large) gone afterwards."""
    try:
        with running(server):
            yield server
    finally:
        Path(server.log.name).unlink(missing_ok=True)


class Runner:
    def __init__(
        self,
        redis: RedisServer,
        load: Load,
        rounds: int,
        ops: list[Operation],
        results: Results,
        out_dir: Path,
    ) -> None:
        self.redis = redis
        self.out_dir = out_dir
        self.load = load
        self.rounds = rounds
        self.ops = ops
        self.results = results
        self.seeded: Seeded | None = None
        self.pool_used = 0  # completeOrder's pool ids used so far: each run starts after them
        self.baseline: Path | None = None  # another checkout's ordo, measured beside this one
        self.grpc: Path | None = None  # bench/grpc installed: the gRPC peer and load generator

    def say(self, text: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)

    def setting(
        self,
        workers: int,
        data: str,
        *,
        floors: bool,
        profiled: list[str],
        peer: Path | None = None,
        peers: bool = False,
    ) -> None:
        """`peer`: the Mercurius peer's folder; `peers`: the Node peers are measured here
        (1 worker), and ordo's rows are paired with them."""
        with ExitStack() as stack:
            subjects = []
            for floor in FLOORS if floors else []:
                server = stack.enter_context(
                    serving(FloorServer(floor.module, workers, self.redis.url))
                )
                subjects.append(
                    Subject(floor.name, "floor", server.url + "/", floor.script, _pid(server))
                )
            wanted = {op.peer for op in self.ops}
            if peer is not None and wanted & {name for name, *_ in PEER_SUBJECTS}:
                node = stack.enter_context(serving(PeerServer(peer, self.redis.url)))
                subjects += [
                    Subject(name, "peer", node.url + "/", script, _pid(node), opts=opts)
                    for name, script, opts in PEER_SUBJECTS
                    if name in wanted
                ]
            if peers and self.grpc is not None and PEER_GRPC in wanted:
                twin = stack.enter_context(serving(GrpcPeerServer(self.grpc, self.redis.url)))
                subjects.append(Subject(
                    PEER_GRPC, "peer", twin.grpc_target, "grpc_create", _pid(twin), tool="grpc"
                ))  # fmt: skip
            ordo = stack.enter_context(
                serving(OrdoServer(self.redis.url, workers, admin_token=ADMIN_TOKEN))
            )
            subjects += [
                Subject(
                    op.name, "operation", _address(ordo, op), op.script, _pid(ordo), op.floor,
                    op.peer if peers else None, op.opts, op.tool,
                )
                for op in self.ops
            ]  # fmt: skip
            if self.baseline is not None and workers == 1:
                base = stack.enter_context(serving(OrdoServer(
                    self.redis.url, workers, admin_token=ADMIN_TOKEN, cwd=self.baseline
                )))  # fmt: skip
                subjects += [
                    Subject(
                        f"baseline: {op.name}", "baseline", base.url + op.path, op.script,
                        _pid(base), opts=op.opts,
                    )
                    for op in self.ops
                    if op.tool == "wrk"  # an older checkout may serve no gRPC
                ]  # fmt: skip
            measured: dict[str, list[Figures]] = {subject.name: [] for subject in subjects}
            for round_ in range(self.rounds):
                for subject in subjects:
                    figures = self.measure(subject, warm=round_ == 0)
                    measured[subject.name].append(figures)
                    self.say(
                        f"{subject.name} ({workers} w, {data}, round {round_ + 1}): "
                        f"{figures.rps:,.0f} req/s, p99 {figures.p99_ms:.1f} ms, "
                        f"{figures.errors} errors"
                    )
            for subject in subjects:
                self.add(subject, workers, data, measured[subject.name])
            for op in self.ops:
                if op.script in profiled:
                    self.profile(ordo, op)

    def measure(self, subject: Subject, warm: bool) -> Figures:
        if warm and self.load.warmup:
            self.wrk(subject, self.load.warmup)
        return self.wrk(subject, self.load.seconds)

    def wrk(self, subject: Subject, seconds: float) -> Figures:
        opts = {**self.opts(), **dict(subject.opts)} if subject.kind != "floor" else {}
        with self.cpu(subject.pid) as spent:
            if subject.tool == "grpc":
                assert self.grpc is not None
                figures = grpc_load(subject.url, self.load, seconds, opts, self.grpc)
            else:
                figures = wrk(subject.url, subject.script, self.load, seconds, opts)
        if subject.script == "gql_complete":
            self.pool_used += figures.requests
        return spent.per_request(figures)

    @contextmanager
    def cpu(self, server: int | None) -> Iterator[Spent]:
        """CPU seconds the server's process tree and redis-server spend meanwhile."""
        servers = cpu.tree(server) if server else []
        redis = [_pid(self.redis)]
        spent = Spent(-cpu.seconds(servers), -cpu.seconds(redis))
        yield spent
        spent.server += cpu.seconds(servers)
        spent.redis += cpu.seconds(redis)

    def opts(self) -> dict[str, str]:
        """What ordo's wrk scripts read: the seeded ids, and where the pool is not used yet."""
        assert self.seeded is not None
        return {**self.seeded.wrk_opts(), "start": str(self.pool_used % self.seeded.pool_size)}

    def add(self, subject: Subject, workers: int | None, data: str, rounds: list[Figures]) -> None:
        """The round with the median throughput stands for all; errors are all rounds', CPU
        per request the median of theirs."""
        median = sorted(rounds, key=lambda f: f.rps)[len(rounds) // 2]
        figures = dataclasses.replace(
            median,
            errors=sum(f.errors for f in rounds),
            cpu_us=_median([f.cpu_us for f in rounds]),
            redis_us=_median([f.redis_us for f in rounds]),
        )
        self.results.rows.append(Row(
            subject.name, subject.kind, workers, self.load.connections, data, figures,
            subject.floor, rounds_rps=[round(f.rps, 1) for f in rounds], peer=subject.peer,
            rounds_cpu_us=_each([f.cpu_us for f in rounds]),
        ))  # fmt: skip

    def profile(self, server: OrdoServer, op: Operation, seconds: float = 15) -> None:
        assert server.process is not None
        raw = self.out_dir / f"profile-{op.script}.txt"
        spy = profile.start(server.process.pid, seconds, raw)
        time.sleep(1)  # py-spy attaches before the load starts
        subject = Subject(
            op.name, "operation", _address(server, op), op.script, _pid(server), tool=op.tool
        )
        figures = self.wrk(subject, seconds - 1)
        spy.wait(timeout=60)
        summary = {**profile.summarize(raw), "rps_while_sampled": round(figures.rps, 1)}
        self.results.profiles[op.name] = summary
        print("\n".join(profile.lines(op.name, summary)), flush=True)

    def redis_floor(self, requests: int) -> None:
        """The real create_order script (promo) run by redis-benchmark: Redis's own ceiling."""
        with self.cpu(None) as spent:
            figures, reserved = asyncio.run(self._redis_floor(requests))
        figures = spent.per_request(figures)
        subject = Subject(FLOOR_REDIS, "floor", "", "", None)
        self.add(subject, None, SEEDED, [figures])
        self.say(f"{FLOOR_REDIS}: {figures.rps:,.0f} calls/s, p99 {figures.p99_ms:.1f} ms")
        self.results.notes.append(
            f"redis-benchmark: {reserved:,} of {figures.requests:,} calls reserved "
            "(the rest hit an order id drawn twice by __rand_int__)"
        )

    async def _redis_floor(self, requests: int) -> tuple[Figures, int]:
        store = open_store(self.redis.url)
        try:
            await promos.create_promo(store, REDIS_PROMO, MAX_COUNT, MAX_COUNT)
            sha = await store.client.script_load(source("create_order"))
            before = await _locked(store)
            order_id = "rb-__rand_int__"  # a new order id (and user) per call: -r randomises
            keys = order_promo_keys(Home.of_promo(REDIS_PROMO), order_id)
            created = json.dumps({"entityId": None, "type": None})  # as resolvers/orders.py
            args = [order_id, REDIS_PROMO, "rbu-__rand_int__", created]
            command = ["EVALSHA", sha, str(len(keys)), *keys, *args]
            figures = redis_benchmark(self.redis.port, command, self.load, requests)
            return figures, await _locked(store) - before
        finally:
            await store.close()

    def seed(self, users: int, pool: int, workdir: Path) -> None:
        self.seeded = asyncio.run(_with_store(self.redis, lambda s: seed(s, users, pool, workdir)))

    def add_orders(self, count: int, prefix: str) -> None:
        started = time.monotonic()
        memory = asyncio.run(_with_store(self.redis, lambda s: add_orders(s, count, prefix)))
        self.results.memory.append(memory.lines())
        self.say(f"{count:,} orders added in {time.monotonic() - started:.0f} s")


@dataclass
class Spent:
    server: float
    redis: float

    def per_request(self, figures: Figures) -> Figures:
        per = 1e6 / max(figures.requests, 1)
        return dataclasses.replace(
            figures, cpu_us=self.server * per or None, redis_us=self.redis * per
        )


def _pid(server: OrdoServer | RedisServer) -> int:
    assert server.process is not None
    return server.process.pid


def _each(values: list[float | None]) -> list[float]:
    """Every round's figure, or none when a round has none."""
    return [v for v in values if v] if all(values) else []


def _median(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


async def _with_store(redis: RedisServer, work: Any) -> Any:
    store = open_store(redis.url)
    try:
        return await work(store)
    finally:
        await store.close()


async def _locked(store: Store) -> int:
    fields = await store.client.hgetall(promo_keys(REDIS_PROMO)[0])
    return int(fields.get("lockedCount", 0))


def pool_note(runner: Runner) -> list[str]:
    if runner.seeded and runner.pool_used > runner.seeded.pool_size:
        return [
            f"completeOrder used {runner.pool_used:,} ids of a pool of "
            f"{runner.seeded.pool_size:,}: it wrapped onto COMPLETED orders (idempotent, "
            "cheaper): raise --pool"
        ]
    return []

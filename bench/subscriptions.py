"""The live-events bench: one `ordo serve` worker holding many open `orderEvents` subscriptions
while a driver makes a constant rate of state changes. A bench, not a test: it reports every
event delivered (or not), delivery latency from commit, CPU and memory per idle subscription,
and the Redis connections the worker holds, which must not grow with subscriptions.

    .venv/bin/python -m bench.subscriptions [--subscriptions 2000] [--rate 300] [--seconds 30]

Three processes of ours share the machine with redis-server: the ordo worker, this client
(every WebSocket, one asyncio loop, speaking graphql-transport-ws with the `websockets` package:
far lighter than a GraphQL client library) and the driver. The driver is a process of its own
so that its HTTP work never delays the client's receive timestamps.

Latency is the client's receive time minus the event's stream id time (Redis's clock at the
XADD of the commit, in whole milliseconds); both clocks are this machine's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import redis
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from bench import cpu, profile
from bench.runner import serving
from testing.servers import OrdoServer, RedisServer, eventually, running

PROTOCOL = Subprotocol("graphql-transport-ws")
ORDER_EVENTS = "subscription($o: ID!) { orderEvents(orderId: $o) { id orderId version type at } }"
CREATE = (
    "mutation($input: CreateOrderWithItemsInput!) { createOrderWithItems(input: $input) "
    "{ order { version } errors { code message } } }"
)
UPDATE = (
    "mutation($input: UpdateOrderInput!) { updateOrder(input: $input) "
    "{ order { version } errors { code message } } }"
)
RENT = {"rentPayment": {"paymentDate": "2026-02-01", "term": "FULL"}}


def item(item_id: str) -> dict[str, str]:
    return {
        "orderItemId": item_id,
        "serviceId": "svc-rent",
        "price": "100.00",
        "periodStartDate": "2026-01-01",
    }


@dataclass(frozen=True)
class Options:
    subscriptions: int
    rate: float
    seconds: float
    connections: int  # WebSocket connections the subscriptions are spread over
    idle_seconds: float
    driver_connections: int
    deflate: bool  # offer permessage-deflate on the WebSockets, as browsers do
    json_path: Path | None
    profile_path: Path | None

    @property
    def per_connection(self) -> int:
        return math.ceil(self.subscriptions / self.connections)


# --- the processes: samples of CPU, memory and Redis connections ------------------------------


@dataclass(frozen=True)
class Sample:
    at: float  # time.monotonic()
    cpu: float  # the ordo worker's CPU seconds so far (user + system)
    redis_cpu: float
    rss: int  # the ordo worker's resident memory, bytes
    redis_clients: int  # connections to Redis, this bench's own left out
    pubsub_clients: int  # of which in Pub/Sub (the feed follower's news connection)
    machine_cpu: float  # CPU seconds every process of the machine spent so far


class Machine:
    """The redis-server and the ordo worker under measurement."""

    def __init__(self, redis_server: RedisServer, ordo: OrdoServer) -> None:
        self.redis_server = redis_server
        self.ordo = ordo
        self.redis = redis.Redis(port=redis_server.port, decode_responses=True)

    @property
    def ordo_pid(self) -> int:
        assert self.ordo.process is not None
        return self.ordo.process.pid

    def sample(self) -> Sample:
        assert self.redis_server.process is not None
        pids = cpu.tree(self.ordo_pid)
        own = self.redis.client_id()
        clients = [c for c in self.redis.client_list() if int(c["id"]) != own]
        pubsub = [c for c in clients if int(c.get("sub", 0)) + int(c.get("ssub", 0)) > 0]
        return Sample(
            at=time.monotonic(),
            cpu=cpu.seconds(pids),
            redis_cpu=cpu.seconds([self.redis_server.process.pid]),
            rss=sum(_rss(pid) for pid in pids),
            redis_clients=len(clients),
            pubsub_clients=len(pubsub),
            machine_cpu=_machine_cpu(),
        )

    def metrics(self) -> dict[str, float]:
        """The worker's own count of events delivered and of its delivery lag ≤ 100 ms."""
        text = httpx.get(f"{self.ordo.url}/metrics", timeout=10).text
        found = {"delivered": 0.0, "lag_le_100ms": 0.0}
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if s.name == "ordo_events_delivered_total":
                    found["delivered"] = s.value
                if s.name == "ordo_event_delivery_lag_seconds_bucket" and s.labels["le"] == "0.1":
                    found["lag_le_100ms"] = s.value
        return found


def _machine_cpu() -> float:
    """Busy CPU seconds of all cores (/proc/stat): with ours taken out, the neighbours'."""
    user, nice, system, _idle, _iowait, irq, softirq, steal, *_ = (
        int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    )
    return (user + nice + system + irq + softirq + steal) / cpu.TICK


def _rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) * 1024


@contextmanager
def machine(options: Options) -> Iterator[Machine]:
    """A private redis-server and one ordo worker on it, the per-connection and per-worker
    limits raised to what the run opens."""
    env = {
        "ORDO_MAX_SUBSCRIPTIONS": str(max(100, options.per_connection)),
        "ORDO_MAX_WEBSOCKETS": str(max(10_000, options.connections + 100)),
    }
    redis_server = RedisServer()
    try:
        with running(redis_server), serving(OrdoServer(redis_server.url, 1, env)) as ordo:
            box = Machine(redis_server, ordo)
            try:
                yield box
            finally:
                box.redis.close()
    finally:
        redis_server.cleanup()


# --- orders: made before, changed by the driver ---------------------------------------------


async def create_orders(url: str, count: int, prefix: str) -> dict[str, int]:
    """`count` orders with one item each; their versions (the events of their history)."""
    gate = asyncio.Semaphore(32)
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)

    async def one(http: httpx.AsyncClient, n: int) -> tuple[str, int]:
        order_id = f"{prefix}-o{n}"
        given = {"orderId": order_id, "entityId": f"{prefix}-e{n // 10}", "type": RENT,
                 "items": [item("i0")]}  # fmt: skip
        async with gate:
            payload = await _mutate(http, "createOrderWithItems", CREATE, given)
        return order_id, int(payload["order"]["version"])

    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        made = await asyncio.gather(*(one(http, n) for n in range(count)))
    return dict(made)


async def _mutate(
    http: httpx.AsyncClient, name: str, query: str, given: dict[str, Any]
) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": {"input": given}})
    return _payload(response.json(), name)


def _payload(body: dict[str, Any], name: str) -> dict[str, Any]:
    """The mutation's payload, or RuntimeError when it or the request failed."""
    payload: dict[str, Any] | None = (body.get("data") or {}).get(name)
    if "errors" in body or payload is None or payload["errors"]:
        raise RuntimeError(f"{name} failed: {body}")
    return payload


Connected = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Http:
    """The driver's HTTP/1.1 client: keep-alive connections to the loopback server, POSTs of
    JSON answered with a Content-Length. httpx spends ~3 ms of CPU a request, which at 300/s is
    the driver's whole core: its changes then queue up and the load is no longer open loop."""

    def __init__(self, url: str, connections: int) -> None:
        parsed = httpx.URL(url)
        self.host, self.port = parsed.host, parsed.port or 80
        self.free: asyncio.Queue[Connected | None] = asyncio.Queue()
        for _ in range(connections):
            self.free.put_nowait(None)  # connected when first needed

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        content = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(content)}\r\n\r\n"
        )
        connection = await self.free.get()
        try:
            if connection is None:
                connection = await asyncio.open_connection(self.host, self.port)
            reader, writer = connection
            writer.write(head.encode() + content)
            status, length = _head(await reader.readuntil(b"\r\n\r\n"))
            answer = await reader.readexactly(length)
        except BaseException:
            if connection is not None:
                connection[1].close()
            self.free.put_nowait(None)  # a new connection next time
            raise
        self.free.put_nowait(connection)
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {answer[:200]!r}")
        parsed: dict[str, Any] = json.loads(answer)
        return parsed

    async def close(self) -> None:
        while not self.free.empty():
            if (connection := self.free.get_nowait()) is not None:
                connection[1].close()


def _head(raw: bytes) -> tuple[int, int]:
    """Status and Content-Length of a response head."""
    status_line, *headers = raw.decode("latin-1").split("\r\n")
    length = next(
        int(value) for name, _, value in (h.partition(":") for h in headers)
        if name.strip().lower() == "content-length"
    )  # fmt: skip
    return int(status_line.split()[1]), length


@dataclass
class Driven:
    """What the driver did: the versions its acknowledged changes reached, and how on time."""

    planned: int
    acknowledged: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)  # order id: highest acknowledged
    seconds: float = 0.0  # from the first change sent to the last one answered
    late_ms_max: float = 0.0  # how far behind its timetable the driver sent a change
    answer_ms: list[float] = field(default_factory=list)  # each mutation's round trip
    cpu_seconds: float = 0.0  # the driver process's own


def drive(url: str, order_ids: list[str], options: Options, pipe: Connection) -> None:
    """The driver process: `rate` changes/s for `seconds`, open loop (sent on a fixed
    timetable, whatever the answers' pace), round robin over the orders so that no two
    changes of one order race. Sent back as a dict: this module is `__main__` here."""
    pipe.send("started")
    pipe.send(asdict(asyncio.run(_drive(url, order_ids, options))))


async def _drive(url: str, order_ids: list[str], options: Options) -> Driven:
    planned = int(options.rate * options.seconds)
    driven = Driven(planned)
    spent = time.process_time()  # the imports before are no part of driving
    loop = asyncio.get_running_loop()
    http = Http(url, options.driver_connections)
    try:
        start = loop.time() + 0.1
        changes = []
        for n in range(planned):
            due = start + n / options.rate
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            driven.late_ms_max = max(driven.late_ms_max, (loop.time() - due) * 1000)
            order_id = order_ids[n % len(order_ids)]
            changes.append(asyncio.create_task(_change(http, driven, order_id, n)))
        await asyncio.gather(*changes)
        driven.seconds = loop.time() - start
    finally:
        await http.close()
    driven.cpu_seconds = time.process_time() - spent
    return driven


async def _change(http: Http, driven: Driven, order_id: str, n: int) -> None:
    sent = time.monotonic()
    given = {"orderId": order_id, "addItems": [item(f"b{n}")]}
    try:
        body = await http.post("/graphql", {"query": UPDATE, "variables": {"input": given}})
        payload = _payload(body, "updateOrder")
    except (OSError, EOFError, ValueError, RuntimeError) as error:
        driven.failed += 1
        if len(driven.failures) < 5:
            driven.failures.append(repr(error)[:300])
        return
    driven.answer_ms.append((time.monotonic() - sent) * 1000)
    driven.acknowledged += 1
    version = int(payload["order"]["version"])
    driven.versions[order_id] = max(driven.versions.get(order_id, 0), version)


# --- the client: every subscription, over a few WebSocket connections ------------------------


@dataclass
class Stream:
    """One subscription as the client saw it."""

    order_id: str
    history: int  # the order's version when subscribed: events up to it are its history
    version: int = 0  # the last version received
    duplicates: int = 0
    gaps: int = 0  # versions skipped (each one an event missing, or come out of order)
    errors: list[str] = field(default_factory=list)


class Client:
    def __init__(self, url: str, orders: dict[str, int], options: Options) -> None:
        self.url = url.replace("http://", "ws://", 1) + "/graphql"
        self.streams = {f"s{n}": Stream(o, v) for n, (o, v) in enumerate(orders.items())}
        self.options = options
        self.latencies_ms: list[float] = []  # of the live events, those after the history
        self.received: list[float] = []  # each live event's receive time, as latencies_ms
        self.closed_early: list[str] = []
        self.sockets: list[ClientConnection] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.stopping = False

    async def open(self) -> None:
        """Every subscription opened, and its history received: it is live."""
        ids = list(self.streams)
        size = self.options.per_connection
        for start in range(0, len(ids), size):
            self.tasks.append(asyncio.create_task(self._connection(ids[start : start + size])))
        await eventually(self.live, "every subscription's history", within=300)

    def live(self) -> bool:
        self._raise_failed()
        return all(s.version >= s.history for s in self.streams.values())

    def _raise_failed(self) -> None:
        for task in self.tasks:
            if task.done() and task.exception() is not None:
                raise RuntimeError("a WebSocket connection failed") from task.exception()

    async def _connection(self, ids: list[str]) -> None:
        # No client pings: an idle subscription costs the server only what the protocol asks
        # (the server's own keep-alive pings, answered below).
        compression = "deflate" if self.options.deflate else None
        async with connect(
            self.url, subprotocols=[PROTOCOL], ping_interval=None, compression=compression
        ) as socket:
            self.sockets.append(socket)
            await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
            ack = json.loads(await socket.recv())
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"no connection_ack: {ack}")
            for sid in ids:
                variables = {"o": self.streams[sid].order_id}
                payload = {"query": ORDER_EVENTS, "variables": variables}
                await socket.send(json.dumps({"id": sid, "type": "subscribe", "payload": payload}))
            try:
                async for raw in socket:
                    await self._on(socket, json.loads(raw), time.time())
            except ConnectionClosed as closed:
                if not self.stopping:
                    self.closed_early.append(repr(closed))
                return
            if not self.stopping:
                self.closed_early.append(f"closed: {socket.close_code} {socket.close_reason}")

    async def _on(self, socket: ClientConnection, message: dict[str, Any], now: float) -> None:
        kind = message.get("type")
        if kind == "ping":
            await socket.send(json.dumps({"type": "pong"}))
        elif kind == "next":
            self._event(self.streams[message["id"]], message["payload"], now)
        elif kind in ("error", "complete"):
            self.streams[message["id"]].errors.append(json.dumps(message)[:300])

    def _event(self, stream: Stream, payload: dict[str, Any], now: float) -> None:
        if payload.get("errors") or not payload.get("data"):
            stream.errors.append(json.dumps(payload)[:300])
            return
        event = payload["data"]["orderEvents"]
        version = int(event["version"])
        if version <= stream.version:
            stream.duplicates += 1
            return
        stream.gaps += version - stream.version - 1
        stream.version = version
        if version > stream.history:
            committed = int(event["id"].split("-")[0]) / 1000
            self.latencies_ms.append((now - committed) * 1000)
            self.received.append(now)

    async def close(self) -> None:
        self.stopping = True
        for socket in self.sockets:
            await socket.close()
        await asyncio.gather(*self.tasks, return_exceptions=True)


# --- the run -------------------------------------------------------------------------------


@dataclass
class Report:
    options: dict[str, Any]
    idle: dict[str, Any] = field(default_factory=dict)
    load: dict[str, Any] = field(default_factory=dict)
    delivery: dict[str, Any] = field(default_factory=dict)
    redis: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Window:
    """The load as the worker and this client lived it: from the first change sent to the
    last one answered."""

    before: Sample
    after: Sample
    metrics: dict[str, float]  # the worker's own counts (/metrics) at the start
    client_cpu: float  # this process's CPU seconds meanwhile (receiving, checking)


def say(text: str) -> None:
    print(f"[subscriptions {time.strftime('%H:%M:%S')}] {text}", flush=True)


def _websockets(ordo: OrdoServer, orders: dict[str, int], options: Options) -> Client:
    return Client(ordo.url, orders, options)


async def bench(
    options: Options, box: Machine, report: Report, make_client: Any = _websockets
) -> None:
    """`make_client(ordo, orders, options)`: the subscriptions' client (bench/grpc_watch.py's
    opens them as gRPC streams), with Client's open, close, streams and latencies."""
    url = box.ordo.url
    started = time.monotonic()
    orders = await create_orders(url, options.subscriptions, f"sb{uuid.uuid4().hex[:6]}")
    say(f"{len(orders):,} orders made in {time.monotonic() - started:.1f} s")
    bare = await idle(box, options.idle_seconds)
    client = make_client(box.ordo, orders, options)
    started = time.monotonic()
    await client.open()
    say(f"{options.subscriptions:,} subscriptions live in {time.monotonic() - started:.1f} s")
    held = await idle(box, options.idle_seconds)
    report.idle = idle_figures(bare, held, options.subscriptions)
    try:
        during, driven = await load(box, list(orders), options, report)
        expected = {o: driven.versions.get(o, v) for o, v in orders.items()}
        await drained(client, expected)
        after = box.sample()
        report.load = load_figures(during, driven)
        report.delivery = delivery_figures(client, orders, expected)
        report.delivery["server_side"] = server_side(during.metrics, box.metrics())
        report.redis = {
            "connections_no_subscriptions": bare[1].redis_clients,
            "connections_subscribed_idle": held[1].redis_clients,
            "connections_after_load": after.redis_clients,
            "pubsub_connections": held[1].pubsub_clients,
        }
    finally:
        await client.close()


async def idle(box: Machine, seconds: float) -> tuple[Sample, Sample]:
    """Two samples `seconds` apart with nothing happening (after a moment to settle)."""
    await asyncio.sleep(2)
    first = box.sample()
    await asyncio.sleep(seconds)
    return first, box.sample()


def idle_figures(
    bare: tuple[Sample, Sample], held: tuple[Sample, Sample], n: int
) -> dict[str, Any]:
    def cpu_share(pair: tuple[Sample, Sample]) -> float:
        return (pair[1].cpu - pair[0].cpu) / (pair[1].at - pair[0].at)

    grown = held[1].rss - bare[1].rss
    return {
        "rss_mb_no_subscriptions": round(bare[1].rss / 2**20, 1),
        "rss_mb_subscribed": round(held[1].rss / 2**20, 1),
        "rss_bytes_per_subscription": round(grown / n),
        "cpu_pct_no_subscriptions": round(cpu_share(bare) * 100, 2),
        "cpu_pct_subscribed_idle": round(cpu_share(held) * 100, 2),
        "cpu_us_per_s_per_subscription": round((cpu_share(held) - cpu_share(bare)) * 1e6 / n, 3),
        # One clock tick over the window and the subscriptions: a smaller difference is noise.
        "cpu_resolution_us_per_s_per_subscription": round(
            1e6 / cpu.TICK / (held[1].at - held[0].at) / n, 3
        ),
    }


async def load(
    box: Machine, order_ids: list[str], options: Options, report: Report
) -> tuple[Window, Driven]:
    """The driver run in its own process; the worker sampled from its first change to its
    last answer, and py-spy on the worker meanwhile when asked."""
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    driver = spawn.Process(target=drive, args=(box.ordo.url, order_ids, options, theirs))
    driver.start()
    await asyncio.to_thread(ours.recv)  # "started": its imports are done
    spy = None
    if options.profile_path is not None:
        spy = profile.start(box.ordo_pid, options.seconds, options.profile_path)
    metrics_before, before, client_cpu = box.metrics(), box.sample(), time.process_time()
    driven = Driven(**await asyncio.to_thread(ours.recv))
    after = box.sample()
    window = Window(before, after, metrics_before, time.process_time() - client_cpu)
    await asyncio.to_thread(driver.join)
    if spy is not None and options.profile_path is not None:
        await asyncio.to_thread(spy.wait)
        report.profile = profile.summarize(options.profile_path)
    say(f"driver done: {driven.acknowledged:,} of {driven.planned:,} changes acknowledged")
    return window, driven


async def drained(client: Client, expected: dict[str, int], within: float = 30) -> None:
    """Until every subscription has its order's last acknowledged version, or `within` s."""
    streams = list(client.streams.values())
    try:
        await eventually(
            lambda: all(s.version >= expected[s.order_id] for s in streams), "drain", within
        )
    except AssertionError:
        say(f"not every event arrived within {within:g} s of the last change")


def load_figures(during: Window, driven: Driven) -> dict[str, Any]:
    before, after = during.before, during.after
    wall = after.at - before.at
    answers = sorted(driven.answer_ms)
    return {
        "changes_planned": driven.planned,
        "changes_acknowledged": driven.acknowledged,
        "changes_failed": driven.failed,
        "failures": driven.failures,
        "achieved_rate": round(driven.acknowledged / driven.seconds, 1),
        "driver_late_ms_max": round(driven.late_ms_max, 1),
        "mutation_ms_p50": _pct(answers, 50),
        "mutation_ms_p99": _pct(answers, 99),
        "ordo_cpu_pct": round((after.cpu - before.cpu) / wall * 100, 1),
        "redis_cpu_pct": round((after.redis_cpu - before.redis_cpu) / wall * 100, 1),
        "driver_cpu_pct": round(driven.cpu_seconds / wall * 100, 1),
        "client_cpu_pct": round(during.client_cpu / wall * 100, 1),
        "others_cpu_pct": round(_others(during, driven) / wall * 100, 1),
        "ordo_cpu_us_per_change": round((after.cpu - before.cpu) * 1e6 / driven.acknowledged),
        "rss_mb_end": round(after.rss / 2**20, 1),
    }


def _others(during: Window, driven: Driven) -> float:
    """CPU seconds the machine's other processes (other sessions' work) spent meanwhile."""
    before, after = during.before, during.after
    ours = after.cpu - before.cpu + after.redis_cpu - before.redis_cpu
    return after.machine_cpu - before.machine_cpu - ours - driven.cpu_seconds - during.client_cpu


def delivery_figures(
    client: Client, orders: dict[str, int], expected: dict[str, int]
) -> dict[str, Any]:
    streams = client.streams.values()
    latencies = sorted(client.latencies_ms)
    return {
        "events_expected": sum(expected[o] - v for o, v in orders.items()),
        "events_delivered": len(latencies),
        "missing": sum(max(0, expected[s.order_id] - s.version) for s in streams),
        "duplicates": sum(s.duplicates for s in streams),
        "gaps": sum(s.gaps for s in streams),
        "subscription_errors": [e for s in streams for e in s.errors][:5],
        "sockets_closed_early": client.closed_early[:5],
        "latency_ms": {q: _pct(latencies, p) for q, p in (("p50", 50), ("p95", 95), ("p99", 99))}
        | {"max": round(latencies[-1], 1) if latencies else None},
        "latency_ms_max_by_second": by_second(client),
    }


def by_second(client: Client) -> list[float]:
    """The worst latency of each second of the run: steady, or stalls now and then?"""
    if not client.received:
        return []
    first = client.received[0]
    worst: dict[int, float] = {}
    for at, ms in zip(client.received, client.latencies_ms, strict=True):
        second = int(at - first)
        worst[second] = max(worst.get(second, 0.0), ms)
    return [round(worst.get(n, 0.0), 1) for n in range(max(worst) + 1)]


def _pct(ordered: list[float], p: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))], 1)


def server_side(before: dict[str, float], after: dict[str, float]) -> str:
    """The worker's own count and lag histogram (from the event's commit to its hand-over to
    the WebSocket) over the load and the drain: a check of the client's figures."""
    delivered = after["delivered"] - before["delivered"]
    within = after["lag_le_100ms"] - before["lag_le_100ms"]
    return f"{delivered:,.0f} delivered, {within / max(delivered, 1):.2%} within 100 ms"


# --- output --------------------------------------------------------------------------------


def lines(report: Report) -> list[str]:
    o, i, ld, d, r = report.options, report.idle, report.load, report.delivery, report.redis
    lat = d["latency_ms"]
    out = [
        f"Subscriptions bench: {o['subscriptions']:,} subscriptions over {o['connections']} "
        f"WebSockets ({'deflate' if o['deflate'] else 'no compression'}), "
        f"{o['rate']:g} changes/s for {o['seconds']:g} s, 1 ordo worker",
        f"  events        expected {d['events_expected']:,}, delivered {d['events_delivered']:,}"
        f", missing {d['missing']}, duplicates {d['duplicates']}, gaps {d['gaps']}",
        f"  latency       p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
        f"max {lat['max']} ms (target p99 < 100 ms)",
        f"  changes       {ld['changes_acknowledged']:,} of {ld['changes_planned']:,} "
        f"acknowledged ({ld['changes_failed']} failed), {ld['achieved_rate']}/s; "
        f"mutation p50 {ld['mutation_ms_p50']} ms, p99 {ld['mutation_ms_p99']} ms; "
        f"driver at most {ld['driver_late_ms_max']} ms late",
        f"  CPU (load)    ordo {ld['ordo_cpu_pct']}% of a core "
        f"({ld['ordo_cpu_us_per_change']} µs per change and its delivery), "
        f"redis {ld['redis_cpu_pct']}%, driver {ld['driver_cpu_pct']}%, "
        f"client {ld['client_cpu_pct']}%; the machine's other processes {ld['others_cpu_pct']}% "
        f"(of 200%)",
        f"  idle          RSS {i['rss_mb_no_subscriptions']} MB -> {i['rss_mb_subscribed']} MB: "
        f"{i['rss_bytes_per_subscription']:,} B per subscription; CPU "
        f"{i['cpu_pct_no_subscriptions']}% -> {i['cpu_pct_subscribed_idle']}% of a core: "
        f"{i['cpu_us_per_s_per_subscription']} µs/s per subscription "
        f"(resolution {i['cpu_resolution_us_per_s_per_subscription']})",
        f"  Redis clients {r['connections_no_subscriptions']} with no subscriptions, "
        f"{r['connections_subscribed_idle']} with {o['subscriptions']:,} (of which "
        f"{r['pubsub_connections']} Pub/Sub), {r['connections_after_load']} after the load",
        f"  RSS at end    {ld['rss_mb_end']} MB; server side: {d['server_side']}",
    ]
    out += [f"  PROBLEM: {p}" for p in report.problems]
    if report.profile:
        out += profile.lines("the ordo worker under load", report.profile)
    return out


def problems(report: Report) -> list[str]:
    d, ld = report.delivery, report.load
    found = []
    if d["events_delivered"] != d["events_expected"] or d["missing"]:
        found.append(f"{d['missing']} events missing")
    if d["duplicates"] or d["gaps"]:
        found.append(f"{d['duplicates']} duplicates, {d['gaps']} gaps")
    if d["subscription_errors"] or d["sockets_closed_early"]:
        found.append(f"errors: {d['subscription_errors']} {d['sockets_closed_early']}")
    if ld["changes_failed"]:
        found.append(f"changes failed: {ld['failures']}")
    if report.redis["connections_subscribed_idle"] > report.redis["connections_no_subscriptions"]:
        found.append("Redis connections grew with the subscriptions")
    return found


def parse(
    argv: list[str],
    prog: str = "python -m bench.subscriptions",
    description: str | None = __doc__,
    subscriptions: int = 2000,
    connections: int = 100,
) -> Options:
    """The options; bench/grpc_watch.py's too (its connections are gRPC channels)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--subscriptions", type=int, default=subscriptions)
    parser.add_argument("--rate", type=float, default=300, help="changes per second")
    parser.add_argument("--seconds", type=float, default=30, help="of load")
    parser.add_argument("--connections", type=int, default=connections, help="connections")
    parser.add_argument("--idle-seconds", type=float, default=10)
    parser.add_argument("--driver-connections", type=int, default=64, help="HTTP, the driver's")
    parser.add_argument(
        "--no-deflate", action="store_true", help="WebSockets without permessage-deflate"
    )
    parser.add_argument("--json", type=Path, help="write the report here too")
    parser.add_argument("--profile", type=Path, help="py-spy the worker under load (raw output)")
    args = parser.parse_args(argv)
    return Options(
        args.subscriptions, args.rate, args.seconds, min(args.connections, args.subscriptions),
        args.idle_seconds, args.driver_connections, not args.no_deflate, args.json, args.profile,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    options = parse(sys.argv[1:] if argv is None else argv)
    report = Report({k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()})
    with machine(options) as box:
        say(f"redis on port {box.redis_server.port}, ordo pid {box.ordo_pid} at {box.ordo.url}")
        asyncio.run(bench(options, box, report))
    report.problems = problems(report)
    print("\n".join(lines(report)), flush=True)
    if options.json_path is not None:
        options.json_path.write_text(json.dumps(asdict(report), indent=2) + "\n")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())

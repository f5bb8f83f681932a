"""The WatchOrderEvents bench: bench/subscriptions.py's run (one `ordo serve` worker, orders
made beforehand, a driver process making a constant rate of changes through the HTTP API,
every event checked: none missing, none twice, in order; latency from commit), with each
subscription a gRPC server stream `WatchOrderEvents(order_id)` instead of a GraphQL
subscription. A bench, not a test.

    .venv/bin/python -m bench.grpc_watch [--subscriptions 1000] [--rate 300] [--seconds 30]

The client is grpcio's asyncio client in this process, the streams spread over
`--connections` channels (HTTP/2 connections; ordo allows ORDO_GRPC_MAX_STREAMS calls on
each). Latency is the client's receive time minus the event's stream id time (Redis's clock
at the commit's XADD, whole milliseconds); both clocks are this machine's.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import grpc

from bench import subscriptions as subs
from bench.subscriptions import Options, Report, Stream
from ordo.v1 import order_pb2 as pb
from ordo.v1 import order_service_pb2 as api
from ordo.v1 import order_service_pb2_grpc as stubs
from testing.servers import OrdoServer, eventually


class Client:
    """subscriptions.Client's surface (open, close, streams, latencies) over gRPC."""

    def __init__(self, ordo: OrdoServer, orders: dict[str, int], options: Options) -> None:
        self.target = ordo.grpc_target
        self.streams = {f"s{n}": Stream(o, v) for n, (o, v) in enumerate(orders.items())}
        self.options = options
        self.latencies_ms: list[float] = []  # of the live events, those after the history
        self.received: list[float] = []  # each live event's receive time, as latencies_ms
        self.closed_early: list[str] = []
        self.channels: list[grpc.aio.Channel] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.stopping = False

    async def open(self) -> None:
        """Every stream opened, and its history received: it is live."""
        self.channels = [
            grpc.aio.insecure_channel(self.target, options=[("grpc.use_local_subchannel_pool", 1)])
            for _ in range(self.options.connections)
        ]
        for n, (sid, stream) in enumerate(self.streams.items()):
            stub = stubs.OrderServiceStub(self.channels[n % len(self.channels)])  # type: ignore[no-untyped-call]
            self.tasks.append(asyncio.create_task(self._watch(stub, stream, sid)))
        await eventually(self.live, "every stream's history", within=300)

    def live(self) -> bool:
        for task in self.tasks:
            if task.done() and task.exception() is not None:
                raise RuntimeError("a stream failed") from task.exception()
        return all(s.version >= s.history for s in self.streams.values())

    async def _watch(self, stub: stubs.OrderServiceStub, stream: Stream, sid: str) -> None:
        call = stub.WatchOrderEvents(api.WatchOrderEventsRequest(order_id=stream.order_id))
        try:
            async for answer in call:
                self._event(stream, answer.event, time.time())
        except grpc.aio.AioRpcError as error:
            if not self.stopping:
                self.closed_early.append(f"{sid}: {error.code().name} {error.details()}")
            return
        if not self.stopping:
            self.closed_early.append(f"{sid}: the stream ended")

    def _event(self, stream: Stream, event: pb.OrderEvent, now: float) -> None:
        if event.version <= stream.version:
            stream.duplicates += 1
            return
        stream.gaps += event.version - stream.version - 1
        stream.version = event.version
        if event.version > stream.history:
            committed = int(event.id.split("-")[0]) / 1000
            self.latencies_ms.append((now - committed) * 1000)
            self.received.append(now)

    async def close(self) -> None:
        self.stopping = True
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.gather(*(channel.close() for channel in self.channels))


def main(argv: list[str] | None = None) -> int:
    options = subs.parse(sys.argv[1:] if argv is None else argv, prog="python -m bench.grpc_watch",
                         description=__doc__, subscriptions=1000, connections=20)  # fmt: skip
    report = Report({k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()})
    with subs.machine(options) as box:
        subs.say(f"redis on port {box.redis_server.port}, ordo pid {box.ordo_pid}, "
                 f"gRPC at {box.ordo.grpc_target}")  # fmt: skip
        asyncio.run(subs.bench(options, box, report, Client))
    report.problems = subs.problems(report)
    lines = subs.lines(report)
    lines[0] = (
        f"WatchOrderEvents bench: {options.subscriptions:,} gRPC streams over "
        f"{options.connections} channels, {options.rate:g} changes/s for {options.seconds:g} s, "
        "1 ordo worker"
    )
    print("\n".join(lines), flush=True)
    if options.json_path is not None:
        options.json_path.write_text(json.dumps(asdict(report), indent=2) + "\n")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Free ports, a private redis-server, the ordo server as a subprocess, unique ids: what the
tests and the bench's programs both start and stop (a Redis Cluster: testing/cluster.py)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Protocol

import httpx

ROOT = Path(__file__).resolve().parents[1]
ADMIN_TOKEN = "test-admin-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def unique(prefix: str = "t") -> str:
    """Ids unique per call, so tests never collide and never need a flush (random_refs)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def wait_until(ready: callable, what: str, timeout: float = 20.0) -> None:  # type: ignore[valid-type]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not become ready in {timeout} s")


async def eventually(done: Callable[[], bool], what: str, within: float = 60.0) -> None:
    """Bounded polling, in a test's event loop, for a background effect (a load's progress,
    a replica's promotion)."""
    deadline = time.monotonic() + within
    while not done():
        assert time.monotonic() < deadline, f"{what} did not happen within {within} s"
        await asyncio.sleep(0.05)


class Clients(Protocol):
    """A load of concurrent clients: each runs `client(n)` while `running` is true."""

    running: bool

    async def client(self, n: int) -> None: ...


@asynccontextmanager
async def clients_running(load: Clients, count: int) -> AsyncIterator[None]:
    """`count` clients of the load for the block; then told to stop and waited for."""
    clients = [asyncio.create_task(load.client(n)) for n in range(count)]
    try:
        yield
    finally:
        load.running = False
        await asyncio.gather(*clients)


class RedisServer:
    """A redis-server of our own, on a free loopback port, keeping nothing on disk."""

    def __init__(self, extra_args: list[str] | None = None) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="ordo-redis-")
        self.extra_args = extra_args or []
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run scripts/test")
        command = [
            binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", self.dir, "--daemonize", "no", *self.extra_args,
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(self._answers, f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """Stopped (SIGSTOP) for the block: alive to the network, answering nothing."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        """Die at once (SIGKILL), as a crashed or unplugged server would: no last writes."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class OrdoServer:
    """`ordo serve` as a real subprocess, talked to over HTTP."""

    def __init__(
        self,
        redis_url: str | None,
        workers: int = 1,
        env: dict[str, str] | None = None,
        admin_token: str | None = ADMIN_TOKEN,
        cwd: Path | None = None,
    ):
        self.port = free_port()
        # Its own gRPC port, never 50051, which another server may hold (an environment
        # variable, not --grpc-port: another checkout's ordo may have no such flag).
        self.grpc_port = free_port()
        self.cwd = cwd  # another checkout's ordo (`python -m` imports from the working dir)
        self.admin_token = admin_token
        self.redis_url = redis_url
        self.workers = workers
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        with tempfile.NamedTemporaryFile(prefix="ordo-server-", suffix=".log", delete=False) as log:
            self.log = log  # closed: the server writes it by name, so no handle leaks here

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORDO_")}
        env["ORDO_GRPC_PORT"] = str(self.grpc_port)
        if self.admin_token:
            env["ORDO_ADMIN_TOKEN"] = self.admin_token
        env.update(self.extra_env)
        if self.redis_url:
            env["ORDO_REDIS_URL"] = self.redis_url
        command = [
            sys.executable, "-m", "ordo", "serve", "--port", str(self.port),
            "--workers", str(self.workers),
        ]  # fmt: skip
        with open(self.log.name, "ab") as log:
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd
            )
        try:
            # A start is seconds on a quiet machine; a loaded CI box can take far longer.
            wait_until(self._healthy, f"ordo on port {self.port}", timeout=90)
        except RuntimeError:
            self.stop()  # no process left running behind a failed start
            raise

    def _healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"ordo exited: {Path(self.log.name).read_text()[-2000:]}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


@contextmanager
def running(server: RedisServer | OrdoServer) -> Iterator[None]:
    server.start()
    try:
        yield
    finally:
        server.stop()

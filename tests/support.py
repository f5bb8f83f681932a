"""Test helpers: free ports, a private redis-server, the ordo server as a subprocess, ids."""

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
from typing import Any, Protocol

import httpx
import redis
from redis.crc import key_slot

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


def _wait_until(ready: callable, what: str, timeout: float = 20.0) -> None:  # type: ignore[valid-type]
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
    """A redis-server of the tests' own, on a free loopback port, keeping nothing on disk."""

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
        _wait_until(self._answers, f"redis-server on port {self.port}")

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


class RedisCluster:
    """A Redis Cluster of the tests' own on loopback: `masters` masters with one replica each,
    on free ports, keeping no data on disk (each node's nodes.conf sits in its temp dir).

    A short node timeout lets a replica take over a dead master within a few seconds.
    """

    def __init__(self, masters: int = 3, node_timeout_ms: int = 1000) -> None:
        self.node_timeout_ms = node_timeout_ms
        self.nodes = [RedisServer(self._node_args(node_timeout_ms)) for _ in range(masters * 2)]

    @staticmethod
    def _node_args(node_timeout_ms: int) -> list[str]:
        return [
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", str(node_timeout_ms),
            # A replica syncs at once instead of waiting 5 s for more replicas to come.
            "--repl-diskless-sync-delay", "0",
            # The bus port is chosen too: port + 10000 may not be free, or even exist.
            "--cluster-port", str(free_port()),
        ]  # fmt: skip

    @property
    def url(self) -> str:
        """Two seed nodes: the client learns the rest of the cluster from either."""
        return "redis+cluster://" + ",".join(f"127.0.0.1:{node.port}" for node in self.nodes[:2])

    def start(self) -> None:
        """Up and healthy. Tried once more on fresh ports if it fails: a port picked free
        beforehand may be taken by another process before the node binds it."""
        if shutil.which("redis-cli") is None:
            raise RuntimeError("redis-cli is not installed: run scripts/test")
        try:
            self._start()
        except (RuntimeError, subprocess.SubprocessError):
            self.cleanup()
            self.nodes = [RedisServer(self._node_args(self.node_timeout_ms)) for _ in self.nodes]
            self._start()

    def _start(self) -> None:
        try:
            for node in self.nodes:
                node.start()
            self._cli("create", *(f"127.0.0.1:{node.port}" for node in self.nodes),
                      "--cluster-replicas", "1", "--cluster-yes")  # fmt: skip
            _wait_until(self.healthy, "redis cluster", timeout=30)
        except BaseException:
            self.cleanup()
            raise

    def client(self, node: RedisServer) -> redis.Redis:
        return redis.Redis(
            port=node.port, decode_responses=True, socket_timeout=2, single_connection_client=True
        )

    def _info(self, node: RedisServer, section: str) -> dict[str, str]:
        with self.client(node) as client:
            if section == "replication":
                return {k: str(v) for k, v in client.info("replication").items()}
            info = client.execute_command("CLUSTER INFO")
        return {k: str(v) for k, v in info.items()}

    def healthy(self) -> bool:
        """Every live node sees the whole cluster ok, and every live replica is in sync."""
        try:
            for node in self.live():
                if self._info(node, "cluster").get("cluster_state") != "ok":
                    return False
                replication = self._info(node, "replication")
                if (
                    replication.get("role") == "slave"
                    and replication.get("master_link_status") != "up"
                ):
                    return False
            return True
        except redis.RedisError:
            return False

    def live(self) -> list[RedisServer]:
        return [node for node in self.nodes if node.process is not None]

    def masters(self) -> list[RedisServer]:
        return [node for node in self.live() if self._info(node, "replication")["role"] == "master"]

    def slot_ranges(self) -> list[list[Any]]:
        """CLUSTER SLOTS: [start, end, [host, port, id, …] of the master, replicas…] each."""
        with self.client(self.live()[0]) as client:
            return list(client.execute_command("CLUSTER SLOTS"))

    def lowest_slot(self, master: RedisServer) -> int:
        """The first slot `move_slots` would move away from this master."""
        return min(start for start, _, node, *_ in self.slot_ranges() if node[1] == master.port)

    def owner(self, key: str) -> RedisServer:
        """The master serving the key's slot now, by the cluster's own slot map."""
        slot = key_slot(key.encode())
        ranges = self.slot_ranges()
        port = next(master[1] for start, end, master, *_ in ranges if start <= slot <= end)
        return next(node for node in self.nodes if node.port == port)

    def replica_of(self, master: RedisServer) -> RedisServer:
        for node in self.live():
            replication = self._info(node, "replication")
            if replication["role"] == "slave" and replication["master_port"] == str(master.port):
                return node
        raise RuntimeError(f"no live replica of port {master.port}")

    def read_replica(self, master: RedisServer, *command: str) -> object:
        """A read served by the master's replica itself (READONLY), not redirected."""
        with self.client(self.replica_of(master)) as client:
            client.execute_command("READONLY")
            return client.execute_command(*command)

    def node_id(self, node: RedisServer) -> str:
        with self.client(node) as client:
            return str(client.execute_command("CLUSTER MYID"))

    def add_master(self) -> RedisServer:
        """A new, empty master joined to the cluster (`redis-cli --cluster add-node`)."""
        node = RedisServer(self._node_args(self.node_timeout_ms))
        self.nodes.append(node)  # cleaned up with the others
        node.start()
        self._cli("add-node", f"127.0.0.1:{node.port}", f"127.0.0.1:{self.live()[0].port}")
        _wait_until(self.healthy, "the new master's joining")
        return node

    def move_slots(self, source: RedisServer, target: RedisServer, count: int) -> None:
        """`redis-cli --cluster reshard`: the source's `count` lowest slots, keys and all."""
        ids = ["--cluster-from", self.node_id(source), "--cluster-to", self.node_id(target)]
        address = f"127.0.0.1:{source.port}"
        self._cli("reshard", address, *ids, "--cluster-slots", str(count), "--cluster-yes")

    def _cli(self, *args: str) -> None:
        subprocess.run(
            ["redis-cli", "--cluster", *args], check=True, capture_output=True, timeout=120
        )

    def cleanup(self) -> None:
        # Killed, not stopped: a master told to stop waits for its replicas (up to 10 s),
        # and these keep nothing worth a clean shutdown.
        for node in self.nodes:
            node.kill()
            shutil.rmtree(node.dir, ignore_errors=True)


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

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORDO_")}
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
            _wait_until(self._healthy, f"ordo on port {self.port}", timeout=90)
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

"""Test helpers: free ports, a private redis-server, the ordo server as a subprocess, ids."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def _wait_until(ready: callable, what: str, timeout: float = 20.0) -> None:  # type: ignore[valid-type]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not become ready in {timeout} s")


class RedisServer:
    """A redis-server of the tests' own, on a free loopback port, keeping nothing on disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="ordo-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run scripts/test")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
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
    ):
        self.port = free_port()
        self.admin_token = admin_token
        self.redis_url = redis_url
        self.workers = workers
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="ordo-server-", suffix=".log", delete=False)

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
        command = [sys.executable, "-m", "ordo", "serve", "--port", str(self.port),
                   "--workers", str(self.workers)]
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        _wait_until(self._healthy, f"ordo on port {self.port}")

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
            self.process = None


@contextmanager
def running(server: RedisServer | OrdoServer) -> Iterator[None]:
    server.start()
    try:
        yield
    finally:
        server.stop()

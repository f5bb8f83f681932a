"""The floor apps as processes: served by the same uvicorn as ordo, on a free loopback port,
and run and stopped like `ordo serve` in the tests (testing/servers.py's OrdoServer)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from testing.servers import ROOT, OrdoServer, wait_until


class FloorServer(OrdoServer):
    """A floor app (`bench.floors.<module>:app`) under uvicorn with N workers.

    No access log: a floor does the least a request can do. ordo logs one line per request
    itself (ordo/middleware.py), and that is part of what the ratio to the floor measures.
    """

    def __init__(self, module: str, workers: int, redis_url: str) -> None:
        super().__init__(redis_url, workers=workers)
        self.module = module

    def start(self) -> None:
        command = [
            sys.executable, "-m", "uvicorn", f"bench.floors.{self.module}:app",
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        env = {**os.environ, "ORDO_REDIS_URL": self.redis_url or ""}
        with open(self.log.name, "ab") as log:  # the server keeps writing it by name
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until(self._answers, f"{self.module} on port {self.port}")

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"{self.module} exited: {Path(self.log.name).read_text()[-2000:]}")
        try:
            httpx.get(self.url, timeout=0.5)  # any status: the server is up
            return True
        except httpx.HTTPError:
            return False

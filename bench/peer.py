"""The Node peers as servers the bench loads beside ordo: ../shared/peers/mercurius (ordo's
promo create, the same scripts and keys, behind Fastify + Mercurius + ioredis) and its gRPC
twin, bench/grpc/peer.mjs (@grpc/grpc-js + ioredis, ordo's own scripts read from lua/).

Each folder's pinned npm packages are installed once into a cache directory, keyed by its
package.json; without Node, npm or the peer's folder the bench runs without it and says so.
bench/grpc/ also holds the gRPC load generator, so without it no gRPC row is measured.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import httpx

from testing.servers import ROOT, OrdoServer, wait_until

PEER_DIR = ROOT.parent / "shared" / "peers" / "mercurius"
GRPC_DIR = ROOT / "bench" / "grpc"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ordo-bench"


def install(source: Path) -> tuple[Path | None, str]:
    """The peer ready to run (a copy with node_modules), or None and why not."""
    if not (source / "package.json").is_file():
        return None, f"no peer at {source}"
    if not (shutil.which("node") and shutil.which("npm")):
        return None, "node/npm not installed"
    digest = hashlib.sha256((source / "package.json").read_bytes()).hexdigest()[:12]
    target = CACHE / f"peer-{source.name}-{digest}"
    if not (target / "node_modules").is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=target, check=True, capture_output=True, timeout=600,
        )  # fmt: skip
    for script in [*source.glob("*.mjs"), *source.glob("*.lua")]:  # as they are now
        shutil.copy2(script, target / script.name)
    return target, f"peer {source.name} from {source}"


class PeerServer(OrdoServer):
    """`node server.mjs PORT REDIS_PORT`, run and stopped like the other servers."""

    def __init__(self, folder: Path, redis_url: str) -> None:
        super().__init__(redis_url)
        self.folder = folder

    def start(self) -> None:
        redis_port = str(urlparse(self.redis_url).port)
        command = ["node", "server.mjs", str(self.port), redis_port]
        with open(self.log.name, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until(self._answers, f"the peer on port {self.port}")

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"the peer exited: {Path(self.log.name).read_text()[-2000:]}")
        try:
            httpx.post(f"{self.url}/graphql", json={"query": "{ ready }"}, timeout=0.5)
            return True
        except httpx.HTTPError:
            return False


class GrpcPeerServer(OrdoServer):
    """`node peer.mjs GRPC_PORT REDIS_PORT REPO_ROOT`: the proto and scripts of this checkout."""

    def __init__(self, folder: Path, redis_url: str) -> None:
        super().__init__(redis_url)
        self.folder = folder

    def start(self) -> None:
        redis_port = str(urlparse(self.redis_url).port)
        command = ["node", "peer.mjs", str(self.grpc_port), redis_port, str(ROOT)]
        with open(self.log.name, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until(lambda: listening(self), f"the gRPC peer on port {self.grpc_port}")


def listening(server: OrdoServer) -> bool:
    """The server's gRPC port takes connections; RuntimeError if its process is gone."""
    if server.process is not None and server.process.poll() is not None:
        raise RuntimeError(f"it exited: {Path(server.log.name).read_text()[-2000:]}")
    try:
        socket.create_connection(("127.0.0.1", server.grpc_port), timeout=0.5).close()
        return True
    except OSError:
        return False

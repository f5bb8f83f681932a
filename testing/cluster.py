"""A Redis Cluster on loopback, of our own: for the cluster tests and the bench's cluster runs."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import redis
from redis.crc import key_slot

from testing.servers import RedisServer, free_port, wait_until


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
            wait_until(self.healthy, "redis cluster", timeout=30)
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
        wait_until(self.healthy, "the new master's joining")
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

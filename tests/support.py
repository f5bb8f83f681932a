"""The tests' name for the helpers they share with bench/ (testing/servers.py, cluster.py):
imported from here by the tests as before."""

from testing.cluster import RedisCluster
from testing.servers import (
    ADMIN_TOKEN,
    ROOT,
    Clients,
    OrdoServer,
    RedisServer,
    clients_running,
    eventually,
    free_port,
    running,
    unique,
    wait_until,
)

__all__ = [
    "ADMIN_TOKEN",
    "ROOT",
    "Clients",
    "OrdoServer",
    "RedisCluster",
    "RedisServer",
    "clients_running",
    "eventually",
    "free_port",
    "running",
    "unique",
    "wait_until",
]

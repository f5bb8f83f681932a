"""The store: one interface to Redis (base.py), a backend for each kind of Redis beside it
(single.py, cluster.py, embedded.py), Redis failures turned into Unavailable (failures.py) and
opt-in WAIT for replicas (durability.py). ordo/connect.py picks the backend from the URL."""

from store.base import Call, Store
from store.cluster import ClusterStore
from store.durability import Durability
from store.embedded import EmbeddedStore
from store.failures import unavailable_on_failure
from store.single import SingleStore

__all__ = [
    "Call",
    "ClusterStore",
    "Durability",
    "EmbeddedStore",
    "SingleStore",
    "Store",
    "unavailable_on_failure",
]

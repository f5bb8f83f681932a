"""What is measured: ordo's operations, each with the floor its throughput is compared with,
and the floors themselves (bench/floors/)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Floor:
    name: str
    module: str  # bench/floors/<module>.py, served by uvicorn
    script: str  # bench/wrk/<script>.lua


@dataclass(frozen=True)
class Operation:
    name: str
    script: str  # bench/wrk/<script>.lua, or what bench/grpc/load.mjs calls
    floor: str | None  # the floor's name (none for gRPC: no floor app speaks it)
    path: str = "/"  # wrk needs a URL; the scripts set their own path
    peer: str | None = None  # the Node peer's subject doing the same request, if any
    opts: tuple[tuple[str, str], ...] = ()  # more key=value for its wrk script
    tool: str = "wrk"  # or "grpc": loaded by bench/grpc/load.mjs on ordo's gRPC port


FLOOR_JSON = Floor("floor: Starlette JSON", "starlette_json", "floor_json")
FLOOR_EVALSHA = Floor("floor: Starlette+EVALSHA", "starlette_evalsha", "floor_evalsha")
FLOOR_STRAWBERRY = Floor("floor: Strawberry mutation", "strawberry_mutation", "floor_mutation")
FLOORS = [FLOOR_JSON, FLOOR_EVALSHA, FLOOR_STRAWBERRY]
FLOOR_REDIS = "floor: redis-benchmark create_order"

# The Node peer (bench/peer.py), loaded with ordo's own wrk scripts.
PEER_REST = "peer: Fastify POST /orders"
PEER_GQL = "peer: Mercurius createOrder"
PEER_SELECTION = (("selection", "peer"),)  # the fields the peer's schema has

REST_CREATE = Operation(
    "REST POST /orders promo", "rest_create", FLOOR_EVALSHA.name, peer=PEER_REST
)
GQL_CREATE = Operation("GQL createOrder promo", "gql_create", FLOOR_STRAWBERRY.name)
GQL_CREATE_AS_PEER = Operation(
    "GQL createOrder, peer's fields", "gql_create", FLOOR_STRAWBERRY.name,
    peer=PEER_GQL, opts=PEER_SELECTION,
)  # fmt: skip
PEER_SUBJECTS = [(PEER_REST, "rest_create", ()), (PEER_GQL, "gql_create", PEER_SELECTION)]
# Its gRPC twin (bench/grpc/peer.mjs), loaded with bench/grpc/load.mjs as ordo's gRPC port is.
PEER_GRPC = "peer: grpc-js CreateOrder"
GRPC_CREATE = Operation("gRPC CreateOrder promo", "grpc_create", None, peer=PEER_GRPC, tool="grpc")
OPERATIONS = [
    REST_CREATE,
    GQL_CREATE,
    GQL_CREATE_AS_PEER,
    GRPC_CREATE,
    Operation("GQL createOrderWithItems 5", "gql_create_items", FLOOR_STRAWBERRY.name),
    GQL_ORDER := Operation("GQL order items+events", "gql_order", FLOOR_STRAWBERRY.name),
    Operation("GQL orders(entityId) 50", "gql_orders", FLOOR_STRAWBERRY.name),
    Operation("GQL entityOrders page 20 of 50", "gql_page", FLOOR_STRAWBERRY.name),
    Operation("GQL completeOrder", "gql_complete", FLOOR_STRAWBERRY.name),
]


def find(name: str) -> Operation:
    return next(op for op in OPERATIONS if op.name == name or op.script == name)

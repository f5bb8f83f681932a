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
    script: str
    floor: str  # the floor's name
    path: str = "/"  # wrk needs a URL; the scripts set their own path


FLOOR_JSON = Floor("floor: Starlette JSON", "starlette_json", "floor_json")
FLOOR_EVALSHA = Floor("floor: Starlette+EVALSHA", "starlette_evalsha", "floor_evalsha")
FLOOR_STRAWBERRY = Floor("floor: Strawberry mutation", "strawberry_mutation", "floor_mutation")
FLOORS = [FLOOR_JSON, FLOOR_EVALSHA, FLOOR_STRAWBERRY]
FLOOR_REDIS = "floor: redis-benchmark create_order"

REST_CREATE = Operation("REST POST /orders promo", "rest_create", FLOOR_EVALSHA.name)
GQL_CREATE = Operation("GQL createOrder promo", "gql_create", FLOOR_STRAWBERRY.name)
OPERATIONS = [
    REST_CREATE,
    GQL_CREATE,
    Operation("GQL createOrderWithItems 5", "gql_create_items", FLOOR_STRAWBERRY.name),
    Operation("GQL order items+events", "gql_order", FLOOR_STRAWBERRY.name),
    Operation("GQL orders(entityId) 50", "gql_orders", FLOOR_STRAWBERRY.name),
    Operation("GQL entityOrders page 20 of 50", "gql_page", FLOOR_STRAWBERRY.name),
    Operation("GQL completeOrder", "gql_complete", FLOOR_STRAWBERRY.name),
]


def find(name: str) -> Operation:
    return next(op for op in OPERATIONS if op.name == name or op.script == name)

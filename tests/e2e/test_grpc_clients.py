"""ordo.v1 through clients of other ecosystems (SPEC §11): Node's @grpc/grpc-js with
@grpc/proto-loader reading the committed proto, and `buf curl` with no proto at all (server
reflection), each on each backend, with a JWT-verifying server: the seed's flow, ownership,
and the errors' google.rpc.Status decoded."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.node_clients import run_node
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer, running, unique
from tests.tokens import JWT_ENV, hs256

ROOT = Path(__file__).resolve().parents[2]
BUF = ROOT / "tests/node/node_modules/.bin/buf"


@pytest.fixture(scope="module")
def jwt_server(backend: str, redis_server: RedisServer) -> Iterator[OrdoServer]:
    made = OrdoServer(redis_server.url if backend == "redis" else None, env=JWT_ENV)
    with running(made):
        yield made


async def test_node_grpc_js_runs_the_seed_flow_with_ownership_and_decoded_errors(
    jwt_server: OrdoServer,
) -> None:
    alice, bob = hs256(unique("u")), hs256(unique("u"))
    seen = await asyncio.to_thread(run_node, "grpc_orders.mjs", jwt_server.grpc_target, alice, bob)
    created = seen["created"]["response"]["order"]
    assert created["status"] == "ORDER_STATUS_OPEN" and created["total"] == "10.50"
    assert seen["got"]["response"]["order"]["order_id"] == created["order_id"]
    updated = seen["updated"]["response"]["order"]
    assert [i["order_item_id"] for i in updated["items"]] == ["b"]
    assert seen["declined"]["response"]["order"]["status"] == "ORDER_STATUS_DECLINED"
    assert seen["restored"]["response"]["order"]["status"] == "ORDER_STATUS_OPEN"
    hidden = seen["hidden"]["error"]
    assert hidden["code"] == "NOT_FOUND" and hidden["statusCode"] == 5
    assert hidden["details"][0]["reason"] == "ORDER_NOT_FOUND"
    duplicate = seen["duplicate"]["error"]
    assert duplicate["code"] == "INVALID_ARGUMENT"
    info, bad = duplicate["details"]
    assert (info["type"], info["reason"], info["domain"]) == (
        "google.rpc.ErrorInfo", "DUPLICATE_ITEM_ID", "ordo",
    )  # fmt: skip
    assert info["metadata"] == {"field": "items[1].order_item_id"}
    assert bad["field_violations"][0]["field"] == "items[1].order_item_id"
    watched = seen["watched"]
    assert [e["version"] for e in watched] == list(range(1, 8))
    assert watched[0]["type"] == "ORDER_EVENT_TYPE_ORDER_CREATED"
    assert watched[-1]["type"] == "ORDER_EVENT_TYPE_ITEM_ADDED"


def buf_curl(server: OrdoServer, method: str, body: dict[str, Any], token: str) -> Any:
    """`buf curl` as a person pastes it: no proto, the schema from the server's reflection."""
    done = subprocess.run(
        [
            BUF, "curl", "--protocol", "grpc", "--http2-prior-knowledge",
            "-H", f"authorization: Bearer {token}", "-d", json.dumps(body),
            f"http://{server.grpc_target}/ordo.v1.OrderService/{method}",
        ],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return done.returncode, json.loads(done.stdout or done.stderr)


async def test_buf_curl_through_reflection_runs_the_seed_flow_and_shows_errors(
    jwt_server: OrdoServer,
) -> None:
    alice, bob = hs256(unique("u")), hs256(unique("u"))
    order_id = unique("o")
    item = {"orderItemId": "a", "serviceId": "s", "price": "2.50",
            "periodStartDate": {"year": 2026, "month": 1, "day": 10}}  # fmt: skip
    create = {"orderId": order_id, "entityId": unique("e"), "items": [item],
              "type": {"securityDeposit": {}}}  # fmt: skip

    def flow() -> list[Any]:
        return [
            buf_curl(jwt_server, "CreateOrderWithItems", create, alice),
            buf_curl(jwt_server, "GetOrder", {"orderId": order_id}, alice),
            buf_curl(
                jwt_server, "UpdateOrder", {"orderId": order_id, "cancelItemIds": ["a"]}, alice
            ),
            buf_curl(jwt_server, "DeclineOrder", {"orderId": order_id}, alice),
            buf_curl(jwt_server, "RestoreOrder", {"orderId": order_id}, alice),
            buf_curl(jwt_server, "GetOrder", {"orderId": order_id}, bob),
            buf_curl(jwt_server, "GetOrder", {"orderId": order_id}, ADMIN_TOKEN),
        ]

    created, got, updated, declined, restored, hidden, admin = await asyncio.to_thread(flow)
    assert created[0] == 0 and created[1]["order"]["total"] == "2.50"
    assert got[1]["order"]["orderId"] == order_id
    assert updated[1]["order"]["cancelledItems"][0]["orderItemId"] == "a"
    assert declined[1]["order"]["status"] == "ORDER_STATUS_DECLINED"
    assert restored[1]["order"]["status"] == "ORDER_STATUS_OPEN"
    assert hidden[0] != 0 and hidden[1]["code"] == "not_found"
    assert hidden[1]["details"][0]["type"] == "google.rpc.ErrorInfo"
    assert admin[1]["order"]["ownerId"] == created[1]["order"]["ownerId"]


@pytest.mark.parametrize("protocol", ["grpc-v1", "grpc-v1alpha"])
def test_reflection_v1_and_v1alpha_list_the_services(jwt_server: OrdoServer, protocol: str) -> None:
    done = subprocess.run(
        [
            BUF, "curl", "--protocol", "grpc", "--http2-prior-knowledge",
            "--reflect-protocol", protocol, "--list-services", f"http://{jwt_server.grpc_target}",
        ],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    listed = set(done.stdout.split())
    assert {"ordo.v1.OrderService", "grpc.health.v1.Health"} <= listed

"""Instructions per request, counted by valgrind's callgrind: a figure that does not move with
the load of the machine, where requests/s and even CPU time per request drift by 20-50% on
these shared cores (docs/performance.md).

Each subject is served in-process as an ASGI app (no HTTP server: uvicorn's share is the same
for every subject) and loaded by 32 concurrent tasks. Two runs with different request counts
are subtracted, so the interpreter's start, imports and seeding cancel out.

    python -m bench.instructions                        # every subject
    python -m bench.instructions floor_evalsha rest_create --requests 320,960
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from testing.servers import ADMIN_TOKEN, RedisServer

CONCURRENCY = 32
USERS = 100
POOL = 4000  # OPEN orders for completeOrder, the same in both runs so that seeding cancels
GQL_CREATE = (
    "mutation($input: CreateOrderInput) { createOrder(input: $input) { "
    "order { orderId status promo { promoId userId } } errors { code field } } }"
)
GQL_COMPLETE = (
    "mutation($orderId: ID!) { completeOrder(orderId: $orderId) { "
    "order { orderId status } errors { code field } } }"
)
GQL_ORDER = (
    "query($orderId: ID!) { order(orderId: $orderId) { orderId status total version entityId "
    "type { __typename ... on RentPayment { paymentDate term } } "
    "items { orderItemId serviceId price periodStartDate periodEndDate } "
    "promo { promoId userId } events { id type at data } } }"
)
GQL_ORDERS = (
    "query($entityId: ID!) { orders(entityId: $entityId) { orderId status total "
    "items { orderItemId price periodStartDate } } }"
)
GQL_PAGE = (
    "query($entityId: ID!) { entityOrders(entityId: $entityId, first: 20) { totalCount "
    "pageInfo { hasNextPage endCursor } edges { cursor node { id orderId status total "
    "items { orderItemId price periodStartDate } } } } }"
)
PAGED = {"gql_page_50": 50, "gql_page_1000": 1000}  # a first page of 20 from so many orders
FLOOR_MUTATION = "mutation($input: PingInput!) { ping(input: $input) { orderId status } }"
Request = tuple[str, bytes]  # path, JSON body
SUBJECTS = [
    "floor_evalsha",
    "floor_mutation",
    "rest_create",
    "gql_create",
    "gql_complete",
    "gql_order",
    "gql_order_hash",
    "gql_orders",
    *PAGED,
]


def _graphql(query: str, variables: dict[str, Any]) -> Request:
    return "/graphql", json.dumps({"query": query, "variables": variables}).encode()


def _persisted(query: str, variables: dict[str, Any]) -> Callable[[], Request]:
    """APQ (SPEC §5.1): the first request registers the document, the others send its hash."""
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    sent = [{"query": query, "variables": variables, "extensions": extensions}]

    def make() -> Request:
        body = sent.pop() if sent else {"variables": variables, "extensions": extensions}
        return "/graphql", json.dumps(body).encode()

    return make


def _user() -> str:
    return f"u{random.randrange(USERS)}"


async def _seed(store: Any, subject: str) -> list[str]:
    """What the subject reads: the same in both runs of a subject, so that it cancels out."""
    from bench.seed import RENT, items
    from domain.order import PromoActivation
    from resolvers import entity_orders, orders, promos, users

    for n in range(USERS):
        await users.create_user(store, f"u{n}")
    await promos.create_promo(store, "p1", 2_000_000_000, 2_000_000_000)
    one = PromoActivation("p1", "u0")
    await entity_orders.create_order_with_items(store, "one", "e0", RENT, items(5), one)
    for n in range(PAGED.get(subject, 50 if subject == "gql_orders" else 0)):
        await entity_orders.create_order_with_items(store, f"listed{n}", "e1", RENT, items(3))
    pool = POOL if subject == "gql_complete" else 0
    return [(await orders.create_order(store, _user(), "p1")).order_id for _ in range(pool)]


def _requests(pool: list[str]) -> dict[str, Callable[[], Request]]:
    open_orders = iter(pool)
    activation = {"promoId": "p1"}
    return {
        "floor_evalsha": lambda: ("/", json.dumps({"userId": _user(), **activation}).encode()),
        "floor_mutation": lambda: _graphql(
            FLOOR_MUTATION, {"input": {"userId": _user(), **activation}}
        ),
        "rest_create": lambda: ("/orders", json.dumps({"userId": _user(), **activation}).encode()),
        "gql_create": lambda: _graphql(GQL_CREATE, {"input": {"userId": _user(), **activation}}),
        "gql_complete": lambda: _graphql(GQL_COMPLETE, {"orderId": next(open_orders)}),
        "gql_order": lambda: _graphql(GQL_ORDER, {"orderId": "one"}),
        "gql_order_hash": _persisted(GQL_ORDER, {"orderId": "one"}),
        "gql_orders": lambda: _graphql(GQL_ORDERS, {"entityId": "e1"}),
        **{name: lambda: _graphql(GQL_PAGE, {"entityId": "e1"}) for name in PAGED},
    }


async def _call(app: Any, request: Request) -> int:
    path, body = request
    headers = [(b"content-type", b"application/json"), (b"host", b"bench")]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80)}  # fmt: skip
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = 0

    async def receive() -> dict[str, Any]:
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        status = message.get("status", status)

    await app(scope, receive, send)
    return status


async def measure(subject: str, requests: int) -> float:
    """Serve `requests` of the subject (after a warm-up), answer CPU µs per request."""
    server = RedisServer()
    server.start()
    try:
        # Valgrind runs the code ~50x slower: time limits sized for real time would fire.
        os.environ.update(
            ORDO_REDIS_URL=server.url,
            ORDO_ADMIN_TOKEN=ADMIN_TOKEN,
            ORDO_REDIS_TIMEOUT="120",
            ORDO_REQUEST_TIMEOUT="600",
        )
        from ordo.app import create_app

        app = create_app()
        pool = await _seed(app.state.store, subject)
        if subject.startswith("floor_"):
            from bench.floors import starlette_evalsha, strawberry_mutation

            app = starlette_evalsha.app if subject == "floor_evalsha" else strawberry_mutation.app
        make = _requests(pool)[subject]
        for _ in range(20):
            assert await _call(app, make()) == 200, subject
        started = time.process_time()
        await asyncio.gather(
            *(_load(app, make, requests // CONCURRENCY) for _ in range(CONCURRENCY))
        )
        return (time.process_time() - started) / requests * 1e6
    finally:
        server.stop()


async def _load(app: Any, make: Callable[[], Request], count: int) -> None:
    for _ in range(count):
        if await _call(app, make()) != 200:
            raise RuntimeError("a request failed")


def counted(subject: str, requests: int) -> int:
    """Instructions of a whole run of the subject under callgrind."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                   sys.executable, "-m", "bench.instructions", "--child", subject,
                   "--requests", str(requests)]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)
        summary = next(line for line in out.read_text().splitlines() if line.startswith("summary:"))
        return int(summary.split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("subjects", nargs="*", default=SUBJECTS, help=", ".join(SUBJECTS))
    parser.add_argument("--requests", default="320,960", help="the two runs' request counts")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if unknown := set(args.subjects) - set(SUBJECTS):
        parser.error(f"unknown subjects: {sorted(unknown)}")
    if args.child:
        print(f"{asyncio.run(measure(args.child, int(args.requests))):.0f}")
        return
    few, many = (int(n) for n in args.requests.split(","))
    print(f"{'subject':16} {'instructions/request':>21}")
    for subject in args.subjects:
        per_request = (counted(subject, many) - counted(subject, few)) / (many - few)
        print(f"{subject:16} {per_request:21,.0f}", flush=True)


if __name__ == "__main__":
    main()

"""Instructions per request of each stage of a create, with the store's reply canned: where the
CPU of ordo's own code goes, to the thousand instructions, whatever the machine's load.

bench/instructions.py loads the app against a real Redis: replies come in batches that differ
from run to run, so its counts move by a few percent. Here the store answers at once with a
reply recorded from the real scripts, requests go one after another, and the hash seed is
fixed: two runs of a stage give the same count. Each stage is run under callgrind twice (200
and 1,200 calls) and the difference is divided, so the start and the imports cancel out.

    python -m bench.stages                      # every stage
    python -m bench.stages app_gql,app_rest     # the whole app, GraphQL (peer's fields) and REST

Stages: the app (edge, short way, handler), the edge alone around an answer made in advance,
OrdoGraphQL.prepared, the schema's execute, the plan's run, and the resolvers
create_order (folds the order) and create_order_id (REST's: reads the id). And a read:
`order` with its items and events as bench/instructions.py asks for it (read_app), its plan's
run (read_plan) and its resolver (read_resolver), on replies recorded from the embedded store
(the order seeded there, then kept folded as a worker keeps the orders it reads).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.instructions import _call
from testing.servers import ADMIN_TOKEN

PEER_SELECTION = (
    "mutation($input: CreateOrderInput) { createOrder(input: $input) { "
    "order { orderId status } errors { code field } } }"
)
VARIABLES = {"input": {"userId": "u0", "promoId": "p1"}}
# create_order's reply to a promo create, as the scripts give it (claim_order_home answers first).
REPLY = [
    "ok",
    [
        ["1796374763170-0", ["type", "ORDER_CREATED", "data", '{"entityId": null, "type": null}']],
        ["1796374763170-1", ["type", "PROMO_RESERVED", "data", '{"promoId":"p1","userId":"u0"}']],
    ],
    2,
]
STAGES = [
    "app_gql",
    "app_rest",
    "edge",
    "prepared",
    "execute",
    "run_plan",
    "resolver",
    "resolver_id",
    "read_app",
    "read_plan",
    "read_resolver",
]
FEW, MANY = 200, 1200


def _canned(store: Any) -> None:
    async def run_in_order(calls: Any) -> list[Any]:
        return [["ok", "home"], REPLY]

    async def read(*command: Any) -> int:
        return 1  # the user exists

    store.run_in_order, store.read = run_in_order, read


async def _stages() -> dict[str, Callable[[], Awaitable[Any]]]:
    # No Redis is reached: the store's two doors the create uses answer from REPLY.
    os.environ.update(ORDO_REDIS_URL="redis://127.0.0.1:1", ORDO_ADMIN_TOKEN=ADMIN_TOKEN)
    from starlette.responses import Response

    from ordo.app import create_app
    from resolvers import orders
    from schema.context import Context

    app = create_app()
    store = app.state.store
    _canned(store)
    graphql, schema = app.graphql, app.graphql.schema
    body = json.dumps({"query": PEER_SELECTION, "variables": VARIABLES}).encode()
    rest_body = json.dumps(VARIABLES["input"]).encode()
    scope = {"type": "http", "method": "POST", "path": "/graphql", "query_string": b"",
             "headers": [(b"content-type", b"application/json"), (b"host", b"bench")]}  # fmt: skip
    for _ in range(2):  # the first run compiles the document's plan
        assert await _call(app, ("/graphql", body)) == 200
    assert await _call(app, ("/orders", rest_body)) == 200
    engine = schema.engine
    plan = engine.plan(PEER_SELECTION, None)
    assert plan is not None
    context = Context(store=store, caller=await graphql.authenticator.caller(None))
    answer = Response(b'{"ok":1}', media_type="application/json")

    async def answered(scope: Any, receive: Any, send: Any) -> None:
        await answer(scope, receive, send)

    edge = app.middleware_stack
    assert edge is not None
    bare = edge.app.app  # RequestContext → BodyLimit → the short way in

    async def edge_only() -> None:
        edge.app.app = answered
        try:
            await _call(app, ("/graphql", body))
        finally:
            edge.app.app = bare

    return {
        "app_gql": lambda: _call(app, ("/graphql", body)),
        "app_rest": lambda: _call(app, ("/orders", rest_body)),
        "edge": edge_only,
        "prepared": lambda: graphql.prepared(scope, body),
        "execute": lambda: schema.execute(PEER_SELECTION, VARIABLES, context, None, None),
        "run_plan": lambda: engine.run(plan, context, None, VARIABLES),
        "resolver": lambda: orders.create_order(store, "u0", "p1", None, context.who()),
        "resolver_id": lambda: orders.create_order_id(store, "u0", "p1", None, context.who()),
    }


def _recorded(store: Any) -> Callable[[], None]:
    """Records what the store's two read doors answer; the function returned makes them answer
    that again from then on, without reaching the store."""
    read, read_many = store.read, store.read_many
    last: dict[str, Any] = {}

    async def record_read(*command: Any) -> Any:
        last["read"] = await read(*command)
        return last["read"]

    async def record_read_many(commands: Any, *, raw: bool = False) -> Any:
        last["read_many"] = await read_many(commands, raw=raw)
        return last["read_many"]

    async def read_again(*command: Any) -> Any:
        return last["read"]

    async def read_many_again(commands: Any, *, raw: bool = False) -> Any:
        return last["read_many"]

    def replay() -> None:
        store.read, store.read_many = read_again, read_many_again

    store.read, store.read_many = record_read, record_read_many
    return replay


async def _read_stages() -> dict[str, Callable[[], Awaitable[Any]]]:
    os.environ.update(ORDO_REDIS_URL="", ORDO_ADMIN_TOKEN=ADMIN_TOKEN)
    from bench.instructions import GQL_ORDER, _seed
    from ordo.app import create_app
    from resolvers import orders
    from schema.context import Context

    app = create_app()
    store = app.state.store
    await _seed(store, "gql_order")  # the order "one": a rent with five items and a promo
    variables = {"orderId": "one"}
    body = json.dumps({"query": GQL_ORDER, "variables": variables}).encode()
    replay = _recorded(store)
    for _ in range(2):  # the first run compiles the plan and keeps the order folded
        assert await _call(app, ("/graphql", body)) == 200
    replay()
    graphql, schema = app.graphql, app.graphql.schema
    engine = schema.engine
    plan = engine.plan(GQL_ORDER, None)
    assert plan is not None
    context = Context(store=store, caller=await graphql.authenticator.caller(None))
    return {
        "read_app": lambda: _call(app, ("/graphql", body)),
        "read_plan": lambda: engine.run(plan, context, None, variables),
        "read_resolver": lambda: orders.get_order(store, "one", context.who()),
    }


async def run(stage: str, calls: int) -> None:
    stages = _read_stages if stage.startswith("read_") else _stages
    make = (await stages())[stage]
    for _ in range(calls):
        await make()


def counted(stage: str, calls: int) -> int:
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                   sys.executable, "-m", "bench.stages", "--child", stage, str(calls)]  # fmt: skip
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, capture_output=True, env=env)
        summary = next(line for line in out.read_text().splitlines() if line.startswith("summary:"))
        return int(summary.split()[1])


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        asyncio.run(run(sys.argv[2], int(sys.argv[3])))
        return
    stages = sys.argv[1].split(",") if len(sys.argv) > 1 else STAGES
    if unknown := set(stages) - set(STAGES):
        sys.exit(f"unknown stages: {sorted(unknown)}; known: {', '.join(STAGES)}")
    print(f"{'stage':12} {'instructions/call':>18}")
    for stage in stages:
        per_call = (counted(stage, MANY) - counted(stage, FEW)) / (MANY - FEW)
        print(f"{stage:12} {per_call:18,.0f}", flush=True)


if __name__ == "__main__":
    main()

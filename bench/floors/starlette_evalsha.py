"""Floor for REST: what POST /orders must do at least: read a JSON body, run one EVALSHA of
a small reserve-like script (HINCRBY + XADD), answer a new id. Same client as ordo: redis-py
asyncio with hiredis, a BlockingConnectionPool, a registered script (EVALSHA)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import BlockingConnectionPool, Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SCRIPT = """
redis.call('HINCRBY', KEYS[1], 'lockedCount', 1)
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', '1000', '*', 'type', 'RESERVED', 'data', ARGV[1])
"""
KEYS = ["bench:{floor}:promo", "bench:{floor}:events"]

pool = BlockingConnectionPool.from_url(
    os.environ["ORDO_REDIS_URL"], max_connections=64, timeout=2, decode_responses=True
)
client = Redis.from_pool(pool)
reserve = client.register_script(SCRIPT)


async def create(request: Request) -> JSONResponse:
    body = json.loads(await request.body())
    await reserve(keys=KEYS, args=[json.dumps(body)])
    return JSONResponse({"orderId": uuid.uuid4().hex})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    yield
    await client.aclose()


app = Starlette(routes=[Route("/", create, methods=["POST"])], lifespan=lifespan)

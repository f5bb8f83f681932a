"""Floor: a bare Starlette route answering a fixed JSON object (no body read, no Redis)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hello(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/", hello, methods=["GET", "POST"])])

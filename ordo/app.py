"""The app factory: GraphQL, legacy REST, health, metrics and OpenAPI on one Starlette app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.schemas import SchemaGenerator

from domain.errors import ErrorCode, OrdoError, Unavailable
from ordo import rest
from ordo.connect import connect
from ordo.graphql import OrdoGraphQL
from ordo.limits import BodyLimit
from ordo.openapi import BASE
from ordo.settings import Settings, load_settings

log = logging.getLogger("ordo")


async def _ordo_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, OrdoError)
    return rest.error_response(error.code, error.message)


async def _unavailable(request: Request, error: Exception) -> Response:
    log.warning("store unavailable: %s", error)
    return rest.error_response(ErrorCode.UNAVAILABLE, "the store is unavailable")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    await request.app.state.store.ping()
    return JSONResponse({"status": "ready"})


async def metrics(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


_openapi = SchemaGenerator(BASE)


async def openapi(request: Request) -> Response:
    return JSONResponse(_openapi.get_schema(routes=rest.routes))


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    if settings.admin_token_generated:
        log.warning(
            "ORDO_ADMIN_TOKEN is not set; this process's admin token: %s", settings.admin_token
        )
    store = connect(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await store.close()

    app = Starlette(
        routes=[
            *rest.routes,
            Route("/graphql", OrdoGraphQL(store, settings.admin_token), methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/openapi.json", openapi, include_in_schema=False),
        ],
        middleware=[Middleware(BodyLimit, max_bytes=settings.max_body_bytes)],
        exception_handlers={OrdoError: _ordo_error, Unavailable: _unavailable},
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    return app

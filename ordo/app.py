"""The app factory: GraphQL, legacy REST, health, metrics and OpenAPI on one Starlette app."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from redis.exceptions import ResponseError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.schemas import SchemaGenerator

from domain.errors import ErrorCode, OrdoError, Unavailable
from feed import reader as feed
from feed.groups import group_lags
from feed.live import Hub
from jobs.reaper import reap_forever
from metrics.counters import FEED_GROUP_LAG, FEED_TRIMMED
from ordo import rest
from ordo.auth import Authenticator
from ordo.connect import connect
from ordo.edge import OrdoApp
from ordo.errors import HANDLERS
from ordo.graphiql import asset_routes
from ordo.graphql import Live, OrdoGraphQL
from ordo.limits import MAX_BODY_BYTES, BodyLimit
from ordo.logs import configure_logging
from ordo.manifest import load_manifest
from ordo.middleware import RequestContext
from ordo.openapi import BASE
from ordo.persisted import Documents
from ordo.rpc.server import GrpcServer
from ordo.settings import Settings, load_settings
from store import Store
from store.keys import partition_key

log = structlog.get_logger("ordo")
# A young collection walks what is alive and young: in a worker that is mostly the requests in
# flight, whatever the threshold, so collecting every 700 allocations (Python's default)
# walked them again and again, for nothing (its cost: docs/performance.md). Garbage in cycles
# waits a little longer: 20,000 objects is well under a megabyte.
GC_THRESHOLDS = (20_000, 20, 20)
GRPC_GRACE = 5.0  # seconds calls in flight get to finish when the process stops


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    await request.app.state.store.ping()
    if not request.app.state.hub.ready:  # live events would not reach subscribers now
        raise OrdoError(ErrorCode.UNAVAILABLE, "the change feed reader is reconnecting")
    return JSONResponse({"status": "ready"})


async def metrics(request: Request) -> Response:
    await _feed_group_lags(request.app.state.store)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:  # several workers: add up all of them
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _feed_group_lags(store: Store) -> None:
    """Each `ordo feed` group's unacknowledged entries, read when scraped (one command per
    partition); a store that does not answer leaves the last values."""
    with contextlib.suppress(Unavailable, ResponseError):
        for group, lag in (await group_lags(store)).items():
            FEED_GROUP_LAG.labels(group).set(lag)


async def trim_forever(store: Store, retention: float) -> None:
    """The feed's retention: every worker trims (XTRIM is idempotent), often enough that the
    feed holds little more than the retention."""
    interval = min(max(retention / 10, 1.0), 60.0)
    while True:
        try:
            if trimmed := await feed.trim(store, retention):
                FEED_TRIMMED.inc(trimmed)
        except Unavailable as error:
            log.warning("feed trim: store unavailable", error=str(error))
        await asyncio.sleep(interval)


_openapi = SchemaGenerator(BASE)


async def openapi(request: Request) -> Response:
    return JSONResponse(_openapi.get_schema(routes=rest.routes))


async def warn_if_not_persistent(store: Store) -> None:
    """A Redis that keeps nothing on disk loses every order when it restarts: say so."""
    try:
        save = await store.read("CONFIG", "GET", "save")
        appendonly = await store.read("CONFIG", "GET", "appendonly")
    except (ResponseError, Unavailable):
        return  # a managed Redis may refuse CONFIG; an absent one is /readyz's business
    if not _value(save) and _value(appendonly) == "no":
        log.warning(
            "redis keeps nothing on disk (save '' and appendonly no): a restart loses all orders"
        )


def _value(reply: object) -> str:
    if isinstance(reply, dict):
        return str(next(iter(reply.values()), ""))
    if isinstance(reply, list) and len(reply) > 1:
        return str(reply[1])
    return ""


def _middleware(settings: Settings) -> list[Middleware]:
    """Around every request, the short way in included (ordo/edge.py)."""
    stack = [Middleware(RequestContext, timeout=settings.request_timeout)]
    if settings.cors_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
                expose_headers=["X-Request-ID"],
            )
        )
    stack.append(Middleware(BodyLimit, max_bytes=MAX_BODY_BYTES))
    return stack


def create_app(settings: Settings | None = None) -> Starlette:
    configure_logging()
    settings = settings or load_settings()
    if settings.admin_token_generated:
        log.warning(
            "ORDO_ADMIN_TOKEN is not set; made one for this process", token=settings.admin_token
        )
    store = connect(settings)
    authenticator = Authenticator(settings)
    hub = Hub(store, buffer=settings.subscription_buffer)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not settings.embedded:
            await warn_if_not_persistent(store)
        reaper = None
        if settings.reservation_ttl:
            reaper = asyncio.create_task(reap_forever(store, settings.reservation_ttl))
        partition_key(0)  # the partition table is made once, here, not on a first request
        await hub.start()
        # Started after the hub: a watch needs it. Stopped first, giving calls the time HTTP's.
        grpc_server = GrpcServer(settings, store, hub, authenticator)
        if settings.grpc_port:
            await grpc_server.start()
        trimmer = asyncio.create_task(trim_forever(store, settings.feed_retention))
        # What startup made lives as long as the process: out of the collector's way, so a
        # full collection walks only what requests leave behind (fewer long pauses in p99).
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        yield
        await grpc_server.stop(GRPC_GRACE)
        if reaper:
            reaper.cancel()
        trimmer.cancel()
        await hub.stop()
        await store.close()

    trusted = settings.trusted_documents
    documents = Documents(
        store,
        max_kept=settings.persisted_max,
        trusted=load_manifest(trusted) if trusted else None,
    )
    graphql = OrdoGraphQL(
        store,
        authenticator,
        documents=documents,
        # Trusted documents only: GraphiQL's own queries are not among them.
        graphiql=settings.graphiql and not documents.trusted,
        graphiql_assets=settings.graphiql_assets,
        introspection=settings.introspection,
        prepared=settings.graphql_prepared,
        max_query_cost=settings.max_query_cost,
        live=Live(hub, settings.feed_retention, settings.max_subscriptions, settings.max_sockets),
    )
    app = OrdoApp(
        graphql=graphql,
        edge=_middleware(settings),
        # POST /graphql and POST /orders meet the fast lane first (ordo/edge.py's FAST_LANE);
        # these routes answer what it declines, and every other request.
        routes=[
            *rest.routes,
            # Every method reaches the view, so a wrong one is refused in GraphQL's error shape.
            Route("/graphql", graphql, methods=None),
            WebSocketRoute("/graphql", graphql),
            *asset_routes(graphql.graphiql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/openapi.json", openapi, include_in_schema=False),
        ],
        exception_handlers=HANDLERS,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.authenticator = authenticator
    app.state.hub = hub
    return app

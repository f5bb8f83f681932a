"""ordo's ASGI app: Starlette's, with the request's edge (request id, log line, time limit,
CORS, body limit) around all of it, and a fast lane in for the hottest requests.

The fast lane (FAST_LANE, below: the one place it is described; the route table of
ordo/app.py points here) takes two POSTs before Starlette's router: a GraphQL POST of a
document the engine holds a plan for goes from the edge straight to its plan, and a REST
`POST /orders` to its endpoint, without Starlette's two exception layers and its router (nor,
for GraphQL, Strawberry's request handling): those layers were about a tenth of a create's
CPU. The REST endpoint is the route's own function, its errors answered by the app's own
exception handlers. Each path of the lane is also a route of the table, which answers every
other request and any the lane declines (its body then replayed), as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ordo import rest
from ordo.graphql import OrdoGraphQL
from ordo.limits import replay, whole_body

Handler = Callable[[Request, Exception], Awaitable[Response]]

# The fast lane: the POSTs answered before Starlette's router, by path, and what answers them
# (Shortcut's method of that name). tests/e2e/test_edge.py holds each to a route of the table.
FAST_LANE = {
    "/graphql": "_graphql",  # a document with a plan (OrdoGraphQL.prepared), else the route
    "/orders": "_orders",  # REST's create, the route's own endpoint
}


class OrdoApp(Starlette):
    def __init__(self, *, graphql: OrdoGraphQL, edge: list[Middleware], **kwargs: Any) -> None:
        self.graphql = graphql
        self.edge = edge
        super().__init__(**kwargs)
        # `/orders/` is no route: a 404 in SPEC §6's shape, where Starlette redirected (307).
        self.router.redirect_slashes = False

    def build_middleware_stack(self) -> ASGIApp:
        handlers = {
            kind: handler
            for kind, handler in self.exception_handlers.items()
            if isinstance(kind, type)
        }
        app: ASGIApp = Shortcut(super().build_middleware_stack(), self.graphql, handlers)
        for cls, args, kwargs in reversed(self.edge):
            app = cls(app, *args, **kwargs)
        return app


class Shortcut:
    def __init__(
        self, app: ASGIApp, graphql: OrdoGraphQL, handlers: dict[type[Exception], Handler]
    ) -> None:
        self.app = app
        self.graphql = graphql
        self.handlers = handlers
        self.lanes: dict[str, ASGIApp] = {
            path: getattr(self, name) for path, name in FAST_LANE.items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        lane = (
            self.lanes.get(scope["path"])
            if scope["type"] == "http" and scope["method"] == "POST"
            else None
        )
        await (self.app if lane is None else lane)(scope, receive, send)

    async def _orders(self, scope: Scope, receive: Receive, send: Send) -> None:
        """What Starlette's route and ExceptionMiddleware do for REST's create."""
        request = Request(scope, receive)
        try:
            response: Response = await rest.create_order(request)
        except Exception as error:
            handler = next(
                (self.handlers[k] for k in type(error).__mro__ if k in self.handlers), None
            )
            if handler is None:
                raise
            response = await handler(request, error)
        await response(scope, receive, send)

    async def _graphql(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await whole_body(receive)  # BodyLimit, outside, has bounded it
        if body is None:
            return  # the client went away before its body came
        answer = await self.graphql.prepared(scope, body)
        if answer is None:
            await self.app(scope, replay(body, receive), send)
            return
        await answer(scope, receive, send)

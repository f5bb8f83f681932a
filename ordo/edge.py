"""ordo's ASGI app: Starlette's, with the request's edge (request id, log line, time limit,
CORS, body limit) around all of it, and a short way in for the hottest requests.

A GraphQL POST of a prepared document goes from the edge straight to its plan, and a REST
`POST /orders` to its endpoint, without Starlette's two exception layers and its router (nor,
for GraphQL, Strawberry's request handling): those layers were about a tenth of a create's
CPU. The REST endpoint is the route's own function, its errors answered by the app's own
exception handlers. Every other request, and any the prepared path declines (its body then
replayed), goes through Starlette's stack as before.
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
        elif scope["path"] == "/graphql":
            await self._graphql(scope, receive, send)
        elif scope["path"] == "/orders":
            await self._rest(rest.create_order, scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _rest(
        self,
        endpoint: Callable[[Request], Awaitable[Response]],
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """What Starlette's route and ExceptionMiddleware do for this endpoint."""
        request = Request(scope, receive)
        try:
            response = await endpoint(request)
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

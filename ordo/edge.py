"""ordo's ASGI app: Starlette's, with the request's edge (request id, log line, time limit,
CORS, body limit) around all of it, and a short way in for the hottest request.

A GraphQL POST of a prepared document goes from the edge straight to its plan, without
Starlette's two exception layers, its router and Strawberry's request handling (those layers
were about a tenth of a createOrder's CPU). Every other request, and any the prepared path
declines (its body then replayed), goes through Starlette's stack as before.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from ordo.graphql import OrdoGraphQL
from ordo.limits import replay


class OrdoApp(Starlette):
    def __init__(self, *, graphql: OrdoGraphQL, edge: list[Middleware], **kwargs: Any) -> None:
        self.graphql = graphql
        self.edge = edge
        super().__init__(**kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        app: ASGIApp = Shortcut(super().build_middleware_stack(), self.graphql)
        for cls, args, kwargs in reversed(self.edge):
            app = cls(app, *args, **kwargs)
        return app


class Shortcut:
    def __init__(self, app: ASGIApp, graphql: OrdoGraphQL) -> None:
        self.app = app
        self.graphql = graphql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        body = await _body(receive)
        if body is None:
            return  # the client went away before its body came
        answer = await self.graphql.prepared(scope, body)
        if answer is None:
            await self.app(scope, replay(body, receive), send)
            return
        await answer(scope, receive, send)


async def _body(receive: Receive) -> bytes | None:
    """The whole body (BodyLimit, outside, has bounded it)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)

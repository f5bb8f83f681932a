"""The GraphQL endpoint: Strawberry's ASGI app with ordo's context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from resolvers.store import Store
from schema.build import build_schema
from schema.context import Context


class OrdoGraphQL(GraphQL[Context, None]):
    def __init__(self, store: Store, admin_token: str, **options: Any) -> None:
        super().__init__(build_schema(), graphql_ide="graphiql", **options)
        self.store = store
        self.admin_token = admin_token

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            store=self.store,
            admin_token=self.admin_token,
            authorization=request.headers.get("authorization"),
        )

"""Floor for GraphQL: a trivial async Strawberry mutation taking an input variable and
returning a small object, with ParserCache and ValidationCache, mounted on Starlette as ordo
mounts its schema. No I/O: what remains is the GraphQL machinery itself."""

from __future__ import annotations

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache


@strawberry.input
class PingInput:
    user_id: strawberry.ID
    promo_id: strawberry.ID


@strawberry.type
class Pong:
    order_id: strawberry.ID
    status: str


@strawberry.type
class Query:
    @strawberry.field
    def ready(self) -> bool:
        return True


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def ping(self, input: PingInput) -> Pong:
        return Pong(order_id=strawberry.ID(input.user_id), status="OPEN")


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    extensions=[lambda: ParserCache(maxsize=1024), lambda: ValidationCache(maxsize=1024)],
)
app = Starlette(routes=[Route("/graphql", GraphQL(schema, graphql_ide=None), methods=["POST"])])

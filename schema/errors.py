"""GraphQL's error answers (SPEC §5), all built here: expected failures of a mutation as payload
data (`errors: [UserError]`), failures of queries and of the service itself as top-level errors
with `extensions {code, status}`, and the bodies of requests refused before any GraphQL runs
(GRAPHQL, the style ordo/errors.py's table holds beside REST's)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any, TypeVar

from graphql import GraphQLError, Node
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from domain.errors import ErrorCode, OrdoError, Style, Unavailable

T = TypeVar("T")
# Raised to be read by a client: GraphQL's errors, and Strawberry's refusals of a request (no
# document, no such operation, a type not allowed: a 400 over HTTP, an `error` on the socket).
_MEANT_FOR_CLIENTS = (
    GraphQLError,
    MissingQueryError,
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)


def extensions(code: ErrorCode) -> dict[str, Any]:
    """What a client reads of an error's code: its name and its HTTP-style status."""
    return {"code": code.name, "status": code.status}


def top_level(
    code: ErrorCode, message: str | None = None, nodes: Node | Collection[Node] | None = None
) -> GraphQLError:
    return GraphQLError(message or code.message, nodes, extensions=extensions(code))


def payload_fields(error: OrdoError) -> dict[str, Any]:
    """An errors-as-data item's fields (schema/types.py's UserError)."""
    field = list(error.field) if error.field is not None else None
    return {"code": error.code, "status": error.status, "message": error.message, "field": field}


def body(error: OrdoError) -> dict[str, Any]:
    """The answer to a request refused before any GraphQL ran."""
    return {"errors": [{"message": error.message, "extensions": extensions(error.code)}]}


def uncoded_body(message: str) -> dict[str, Any]:
    """The answer to a request Strawberry refused: its reason, and no code."""
    return {"errors": [{"message": message}]}


def rejection(error: OrdoError) -> ConnectionRejectionError:
    """A WebSocket's connection_init refused (Strawberry closes the socket 4403)."""
    return ConnectionRejectionError({"code": error.code.name, "message": error.message})


# The HTTP status of a request refused in GraphQL's shape: the code's, but Apollo's clients
# send a persisted document's text only after a 200 whose error says PersistedQueryNotFound.
GRAPHQL: Style[int, dict[str, Any]] = Style(
    "graphql",
    status={
        code: 200 if code is ErrorCode.PERSISTED_QUERY_NOT_FOUND else code.status
        for code in ErrorCode
    },
    body=body,
)


async def attempt(call: Callable[[], Awaitable[T]]) -> T | OrdoError:
    """The call's result, or the expected failure it raised (for a mutation's payload)."""
    try:
        return await call()
    except OrdoError as error:
        return error
    except Unavailable as error:
        raise top_level(ErrorCode.UNAVAILABLE) from error


async def answer(call: Callable[[], Awaitable[T]]) -> T:
    """A query's result; its expected failure becomes a top-level error."""
    result = await attempt(call)
    if isinstance(result, OrdoError):
        raise top_level(result.code, result.message)
    return result


def should_mask(error: GraphQLError) -> bool:
    """Mask what nobody meant a client to see: anything not raised for a client to read."""
    original = error.original_error
    return original is not None and not isinstance(original, _MEANT_FOR_CLIENTS)


def masked(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors as a client may see them (ordo/graphql.py has logged the faults already)."""
    return [
        GraphQLError("Unexpected error.", error.nodes, error.source, error.positions, error.path)
        if should_mask(error)
        else error
        for error in errors
    ]

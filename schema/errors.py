"""How failures reach GraphQL clients: expected ones as payload data (`errors`), failures of
queries and of the service itself as top-level errors with `extensions {code, status}`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from domain.errors import ErrorCode, OrdoError, Unavailable

T = TypeVar("T")
# Raised to be read by a client: GraphQL's errors, and Strawberry's refusals of a request (no
# document, no such operation, a type not allowed: a 400 over HTTP, an `error` on the socket).
_MEANT_FOR_CLIENTS = (
    GraphQLError,
    MissingQueryError,
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)


def top_level(code: ErrorCode, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.name, "status": code.status})


async def attempt(call: Callable[[], Awaitable[T]]) -> T | OrdoError:
    """The call's result, or the expected failure it raised (for a mutation's payload)."""
    try:
        return await call()
    except OrdoError as error:
        return error
    except Unavailable as error:
        raise top_level(ErrorCode.UNAVAILABLE, "the store is unavailable") from error


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

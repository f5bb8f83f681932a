"""Every error answer over HTTP, built in one place. ErrorCode (domain/errors.py) is the one
source of codes, statuses and messages; each API style answers them by its own `Style`, and
STYLES is the table of them: REST's (SPEC §6, built here) and GraphQL's (SPEC §5,
schema/errors.py, which also builds GraphQL's top-level errors and payload items).

A request is answered in the style of the API it was for, the edge's own refusals included
(a body or a head over its limit, a request past its time limit, a path no route has): a
GraphQL client reads `errors` with `extensions {code, status}`, a REST client `error`.
HANDLERS is Starlette's exception_handlers mapping (ordo/app.py): what a route raises is
answered here.

gRPC's style (SPEC §11) is a `Style` in its own module beside its transport (ordo/rpc/errors.py:
a gRPC status code per ErrorCode, and the google.rpc.Status each error is sent with), one entry
in STYLES: tests/unit/test_error_table.py holds it to an answer for every code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
import structlog
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ExceptionHandler, Scope, Send

from domain.errors import ErrorCode, OrdoError, Style, Unavailable
from ordo.auth import challenge
from ordo.rpc.errors import GRPC
from schema.errors import GRAPHQL, uncoded_body

log = structlog.get_logger("ordo")

JSON = "application/json"
# Starlette's router refuses these itself, as HTTPExceptions.
_ROUTING = {404: ErrorCode.ROUTE_NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}


def _rest_body(error: OrdoError) -> dict[str, Any]:
    return {"error": {"code": error.code.name, "message": error.message}}


REST: Style[int, dict[str, Any]] = Style(
    "rest", status={code: code.status for code in ErrorCode}, body=_rest_body
)
STYLES: tuple[Style[Any, Any], ...] = (REST, GRAPHQL, GRPC)  # gRPC's: ordo/rpc/errors.py


def style_of(path: str) -> Style[int, dict[str, Any]]:
    """The style of the API a request was for, by its path."""
    return GRAPHQL if path.startswith("/graphql") else REST


def error_response(
    style: Style[int, dict[str, Any]],
    error: OrdoError,
    *,
    media: str = JSON,
    headers: Mapping[str, str] | None = None,
    authorization: str | None = None,
) -> Response:
    """The answer to `error` in `style`; a 401 says how to authenticate (RFC 6750 §3)."""
    headers = dict(headers or {})
    if error.code is ErrorCode.UNAUTHENTICATED:
        headers["www-authenticate"] = challenge(authorization)
    body = orjson.dumps(style.body(error))
    return Response(body, style.status[error.code], headers, media_type=media)


def refusal_response(
    message: str, status: int, headers: Mapping[str, str] | None, media: str
) -> Response:
    """A GraphQL request Strawberry refused (it has a status and a reason, no code)."""
    return Response(orjson.dumps(uncoded_body(message)), status, headers, media)


async def send_error(scope: Scope, send: Send, error: OrdoError) -> None:
    """The answer to `error`, sent by an edge layer outside Starlette's."""
    response = error_response(style_of(scope.get("path", "")), error)
    start = {"type": "http.response.start", "status": response.status_code}
    await send({**start, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


async def _ordo_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, OrdoError)
    authorization = request.headers.get("authorization")
    return error_response(style_of(request.scope["path"]), error, authorization=authorization)


async def _unavailable(request: Request, error: Exception) -> Response:
    log.warning("store unavailable", error=str(error))
    return error_response(style_of(request.scope["path"]), OrdoError(ErrorCode.UNAVAILABLE))


async def _routing_error(request: Request, error: Exception) -> Response:
    """A path no route has (404), or a method none of its routes takes (405, with `Allow`
    naming every method the path takes: Starlette's names only the first route's)."""
    assert isinstance(error, HTTPException)
    code = _ROUTING.get(error.status_code)
    if code is None:  # not a routing refusal: as Starlette answers it
        return PlainTextResponse(error.detail, error.status_code, error.headers)
    headers = error.headers
    if methods := allowed_methods(request.app.routes, request.scope):
        headers = {"allow": ", ".join(sorted(methods))}
    return error_response(style_of(request.scope["path"]), OrdoError(code), headers=headers)


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> set[str]:
    """The methods of the routes whose path matches the request's, whatever its method."""
    methods: set[str] = set()
    for route in routes:
        if isinstance(route, Route) and route.methods and route.matches(scope)[0] != Match.NONE:
            methods |= route.methods
    return methods


HANDLERS: Mapping[Any, ExceptionHandler] = {
    OrdoError: _ordo_error,
    Unavailable: _unavailable,
    HTTPException: _routing_error,
}

"""An error the edge answers itself, before or instead of a handler (a body over its limit, a
request past its time limit, a path no route has), in the error shape of the API the request
was for: a GraphQL client reads `errors` with `extensions {code, status}` (SPEC §5), a REST
client `error` (SPEC §6)."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope, Send

from domain.errors import ErrorCode, OrdoError

# Starlette's router refuses these itself, as HTTPExceptions.
_ROUTING = {404: ErrorCode.ROUTE_NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}


def error_body(path: str, code: ErrorCode, message: str) -> bytes:
    if path.startswith("/graphql"):
        extensions = {"code": code.name, "status": code.status}
        return json.dumps({"errors": [{"message": message, "extensions": extensions}]}).encode()
    return json.dumps({"error": {"code": code.name, "message": message}}).encode()


async def send_error(scope: Scope, send: Send, code: ErrorCode, message: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": code.status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send(
        {"type": "http.response.body", "body": error_body(scope.get("path", ""), code, message)}
    )


async def routing_error(request: Request, error: Exception) -> Response:
    """A path no route has (404), or a method none of its routes takes (405, with `Allow`
    naming every method the path takes: Starlette's names only the first route's)."""
    assert isinstance(error, HTTPException)
    code = _ROUTING.get(error.status_code)
    if code is None:  # not a routing refusal: as Starlette answers it
        return PlainTextResponse(error.detail, error.status_code, error.headers)
    headers = error.headers
    if methods := allowed_methods(request.app.routes, request.scope):
        headers = {"allow": ", ".join(sorted(methods))}
    body = error_body(request.scope["path"], code, OrdoError(code).message)
    return Response(body, code.status, headers, media_type="application/json")


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> set[str]:
    """The methods of the routes whose path matches the request's, whatever its method."""
    methods: set[str] = set()
    for route in routes:
        if isinstance(route, Route) and route.methods and route.matches(scope)[0] != Match.NONE:
            methods |= route.methods
    return methods

"""An error the edge answers itself, before or instead of a handler (a body over its limit, a
request past its time limit), in the error shape of the API the request was for: a GraphQL
client reads `errors` with `extensions {code, status}` (SPEC §5), a REST client `error`
(SPEC §6)."""

from __future__ import annotations

import json

from starlette.types import Scope, Send

from domain.errors import ErrorCode


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

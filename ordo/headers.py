"""Reading request headers straight from the ASGI scope, as the middleware and routes need."""

from __future__ import annotations

from starlette.types import Scope


def header(scope: Scope, name: bytes) -> str:
    """A request header's value ("" when absent), without building a dict of them all."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def media_type(scope: Scope) -> str:
    """The Content-Type without its parameters, lower case ("application/json")."""
    return header(scope, b"content-type").split(";")[0].strip().lower()

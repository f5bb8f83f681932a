"""One error table (issue 23): ErrorCode is the one source of codes and statuses, every API
style answers every code, and no module outside the styles' own builds an error answer."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.errors import ErrorCode, OrdoError, Style
from ordo.errors import HANDLERS, REST, STYLES, error_response, style_of
from schema.errors import GRAPHQL, payload_fields, top_level
from schema.types import UserError
from tests.support import ROOT

# Programs and their tests answer nothing; every other package of the project is scanned.
NOT_SERVED = {"tests", "bench"}
# Places outside the styles' modules that may look like an error answer, and why they are not.
ALLOWED = {
    ("ordo/openapi.py", "<module>"): "the OpenAPI schema describing REST's error body",
    ("ordo/graphql.py", "_answer"): "the status of a result Strawberry built (400: never ran)",
}


@pytest.mark.parametrize("style", STYLES, ids=lambda style: style.name)
@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.name)
def test_every_style_answers_every_code(style: Style[object, object], code: ErrorCode) -> None:
    assert code in style.status
    assert style.body(OrdoError(code)) is not None


def test_rest_and_graphql_are_in_the_table() -> None:
    assert {style.name for style in STYLES} >= {"rest", "graphql"}
    assert len({style.name for style in STYLES}) == len(STYLES)


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.name)
def test_rest_answers_spec_6s_shape_with_the_codes_status(code: ErrorCode) -> None:
    error = OrdoError(code, "why")
    assert REST.status[code] == code.status
    assert REST.body(error) == {"error": {"code": code.name, "message": "why"}}


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.name)
def test_graphql_answers_with_code_and_status_in_every_form(code: ErrorCode) -> None:
    error = OrdoError(code, "why", ["input", "orderId"])
    extensions = {"code": code.name, "status": code.status}
    assert GRAPHQL.body(error) == {"errors": [{"message": "why", "extensions": extensions}]}
    assert top_level(code).formatted == {"message": code.message, "extensions": extensions}
    item = UserError.from_domain(error)
    assert (item.code, item.status, item.message, item.field) == (
        code,
        code.status,
        "why",
        ["input", "orderId"],
    )
    assert payload_fields(OrdoError(code))["field"] is None


def test_graphql_over_http_answers_persisted_query_not_found_with_a_200() -> None:
    # Apollo's clients send the document's text only after this 200.
    assert GRAPHQL.status[ErrorCode.PERSISTED_QUERY_NOT_FOUND] == 200
    others = set(ErrorCode) - {ErrorCode.PERSISTED_QUERY_NOT_FOUND}
    assert all(GRAPHQL.status[code] == code.status for code in others)


@pytest.mark.parametrize(
    ("path", "style"),
    [("/graphql", GRAPHQL), ("/graphql/x", GRAPHQL), ("/orders", REST), ("/", REST)],
)
def test_a_request_is_answered_in_the_style_of_its_api(
    path: str, style: Style[int, object]
) -> None:
    assert style_of(path) is style


@pytest.mark.parametrize("style", [REST, GRAPHQL], ids=lambda style: style.name)
def test_a_401_says_how_to_authenticate_in_every_style(style: Style[int, dict[str, Any]]) -> None:
    refused = OrdoError(ErrorCode.UNAUTHENTICATED)
    answer = error_response(style, refused, authorization="Bearer x")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert "www-authenticate" not in error_response(REST, OrdoError(ErrorCode.FORBIDDEN)).headers


def test_starlettes_one_handler_table_takes_every_error_a_route_raises() -> None:
    assert {kind.__name__ for kind in HANDLERS} == {"OrdoError", "Unavailable", "HTTPException"}


def _table_modules() -> set[str]:
    """The modules of the styles' builders, and the HTTP table that holds them."""
    found = {"ordo/errors.py"}
    for style in STYLES:
        source = inspect.getsourcefile(style.body)
        assert source is not None
        found.add(Path(source).resolve().relative_to(ROOT).as_posix())
    return found


def _served_modules() -> Iterator[Path]:
    for package in sorted(ROOT.iterdir()):
        if package.name not in NOT_SERVED and (package / "__init__.py").exists():
            yield from sorted(package.rglob("*.py"))


class _ErrorAnswers(ast.NodeVisitor):
    """Finds what builds an error answer (`_builds_an_error`), by the function it is in."""

    def __init__(self) -> None:
        self.scope = ["<module>"]
        self.found: list[tuple[str, int]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Dict | ast.Call) and _builds_an_error(node):
            self.found.append((self.scope[-1], node.lineno))
        super().generic_visit(node)


def _builds_an_error(node: ast.Dict | ast.Call) -> bool:
    """A dict with an `error`/`errors` key, a `code` beside a `status` or `message`, or a
    `status` of 4xx/5xx; a GraphQLError given `extensions`; a response made with a 4xx/5xx
    status; a WebSocket's connection refused with a payload."""
    if isinstance(node, ast.Dict):
        keys = {key.value: value for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant)}  # fmt: skip
        return bool(
            keys.keys() & {"error", "errors"}
            or ("code" in keys and keys.keys() & {"status", "message"})
            or ("status" in keys and _error_status(keys["status"]))
        )
    name = _name(node.func)
    arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
    if name == "GraphQLError":
        return any(keyword.arg == "extensions" for keyword in node.keywords)
    if name == "ConnectionRejectionError":
        return bool(arguments)
    return name.endswith("Response") and any(
        _error_status(part) for argument in arguments for part in ast.walk(argument)
    )


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _error_status(node: ast.AST) -> bool:
    value = node.value if isinstance(node, ast.Constant) else None
    return isinstance(value, int) and not isinstance(value, bool) and 400 <= value <= 599


def error_answers_outside_the_table(root: Path = ROOT) -> list[str]:
    table = _table_modules()
    outside = []
    for module in _served_modules():
        relative = module.relative_to(root).as_posix()
        if relative in table:
            continue
        finder = _ErrorAnswers()
        finder.visit(ast.parse(module.read_text(), relative))
        outside += [
            f"{relative}:{line} ({function})"
            for function, line in finder.found
            if (relative, function) not in ALLOWED
        ]
    return outside


def test_no_module_outside_the_table_builds_an_error_answer() -> None:
    assert error_answers_outside_the_table() == []


def test_the_scan_finds_an_error_body_built_by_hand() -> None:
    finder = _ErrorAnswers()
    finder.visit(
        ast.parse(
            "def refuse(code):\n"
            "    body = {'error': {'code': code.name, 'message': 'no'}}\n"
            "    return JSONResponse(body, status_code=409)\n"
            "def top(code):\n"
            "    return GraphQLError('no', extensions={'code': code.name})\n"
        )
    )
    assert finder.found == [("refuse", 2), ("refuse", 2), ("refuse", 3), ("top", 5)]

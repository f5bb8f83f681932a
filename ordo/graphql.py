"""The GraphQL endpoint: Strawberry's ASGI app with ordo's context and offline GraphiQL."""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import orjson
import structlog
from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Scope
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from domain.errors import ErrorCode, OrdoError
from feed.live import Hub
from metrics.counters import SOCKETS
from ordo.auth import Authenticator
from ordo.errors import error_response, refusal_response
from ordo.graphiql import graphiql_page
from ordo.headers import header, media_type
from ordo.json_input import Unreadable, read_json
from ordo.media import GRAPHQL_RESPONSE, JSON, negotiate
from ordo.persisted import DocumentRefused, Documents
from ordo.websocket import SocketAdapter, TransportWS
from schema.build import build_schema
from schema.context import Context
from schema.errors import GRAPHQL, masked, rejection, should_mask
from schema.served import ServedSchema
from store import Store

_POST_OPERATIONS = OperationType.from_http("POST")
_NO_PAYLOAD = cast(UnsetType, UNSET)  # connection_ack without a payload
_STREAMING = ("multipart/mixed", "text/event-stream")
_CALLER = "ordo.caller"  # the scope's key for a caller the edge has identified

log = structlog.get_logger("ordo.graphql")


class _RequestAdapter(StarletteRequestAdapter):
    @property
    def content_type(self) -> str:
        # Media types are case-insensitive (RFC 9110 §8.3.1) and Strawberry compares them as
        # sent: `Application/JSON` was refused here and answered by the prepared lane.
        return media_type(self._request.scope)

    @property
    def scope(self) -> MutableMapping[str, Any]:
        return self._request.scope


@dataclass(frozen=True)
class Live:
    """What the subscription endpoint serves with (SPEC §10; ordo/settings.py's limits)."""

    hub: Hub
    feed_retention: float
    max_subscriptions: int
    max_sockets: int


class OrdoGraphQL(GraphQL[Context, None]):
    request_adapter_class = _RequestAdapter
    websocket_adapter_class = SocketAdapter
    graphql_transport_ws_handler_class = TransportWS

    def __init__(
        self,
        store: Store,
        authenticator: Authenticator,
        *,
        documents: Documents,
        graphiql: bool,
        graphiql_assets: Path | None,
        introspection: bool,
        prepared: bool,
        max_query_cost: int,
        live: Live,
    ) -> None:
        schema = build_schema(
            introspection=introspection, prepared=prepared, max_query_cost=max_query_cost
        )
        self.live = live
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            # graphql-transport-ws only: what graphql-ws, Apollo Client, urql and GraphiQL
            # speak; the legacy protocol stays off (its history of auth bypasses: NOTES).
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            keep_alive=True,
            keep_alive_interval=15,
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=self.live.max_subscriptions,
        )
        self.store = store
        self.sockets = 0
        self.authenticator = authenticator
        self.documents = documents
        # Built once at startup, so a missing local copy is logged once, not per page view.
        self.graphiql = graphiql_page(graphiql_assets) if graphiql else None

    async def run(  # type: ignore[override]
        self,
        request: Request | WebSocket,
        context: Context = UNSET,
        root_value: None = UNSET,
    ) -> Response | WebSocket:
        media = JSON
        if isinstance(request, WebSocket):
            return await self._socket(request, context, root_value)
        try:
            if isinstance(request, Request):
                # A prepared document's POST never gets here: ordo/edge.py answered it, or
                # declined it (asking `prepared` again would parse the body twice).
                media = _acceptable(request)
                if _asks(request) and (refused := await self._unidentified(request.scope)):
                    return refused
            return await super().run(request, context, root_value)
        except DocumentRefused as refused:
            return error_response(GRAPHQL, refused)
        except HTTPException as refused:
            # Strawberry answers a request it refuses in plain text; clients read GraphQL.
            return refusal_response(refused.reason, *_refusal(refused), media)

    async def _socket(
        self, request: WebSocket, context: Context, root_value: None
    ) -> Response | WebSocket:
        """A subscription connection, while the worker holds fewer than its limit."""
        if self.sockets >= self.live.max_sockets:
            # Accepted, then closed: a close code tells a client to come back later (1013),
            # where a refused handshake is only a 403.
            offered = request.scope.get("subprotocols") or []
            protocol = (
                GRAPHQL_TRANSPORT_WS_PROTOCOL if GRAPHQL_TRANSPORT_WS_PROTOCOL in offered else None
            )
            await request.accept(subprotocol=protocol)
            await request.close(code=1013, reason="too many connections: try again later")
            return request
        self.sockets += 1
        SOCKETS.inc()
        try:
            return await super().run(request, context, root_value)
        finally:
            self.sockets -= 1
            SOCKETS.dec()

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A token in connection_init's payload (browsers cannot set WebSocket headers), as
        `{"Authorization": "Bearer …"}` or `{"token": "…"}`, or else in the handshake's
        Authorization header: checked as a request's header is; one that does not verify, or
        none with identity on, closes the connection (4403), before any subscription."""
        params = context.connection_params or {}
        token = params.get("Authorization") or params.get("authorization") or params.get("token")
        if token is None:
            # With identity on, no token anywhere is refused here too, as a request without
            # one is at the HTTP edge: before any document of the connection is read.
            if isinstance(context.caller, OrdoError):
                raise rejection(context.caller)
            return _NO_PAYLOAD
        if not isinstance(token, str):
            raise rejection(OrdoError(ErrorCode.UNAUTHENTICATED))
        header_value = token if token.lower().startswith("bearer ") else f"Bearer {token}"
        caller = await self.authenticator.caller(header_value)
        if isinstance(caller, OrdoError):
            raise rejection(caller)
        context.caller = caller
        return _NO_PAYLOAD

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        return _sub_response(negotiate(header(request.scope, b"accept")) or JSON)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        # Strawberry checks query, variables and extensions but passes operationName on as
        # sent; plans are looked up by it, so an object or a list there was a 500.
        if isinstance(data, GraphQLRequestData) and not isinstance(data.operation_name, str | None):
            raise HTTPException(
                400,
                "The GraphQL operation's `operationName` must be a string or null, if provided.",
            )
        if isinstance(data, GraphQLRequestData) and isinstance(request, _RequestAdapter):
            data.query = await self.documents.resolve(data.query, data.extensions, request.scope)
        return data

    async def prepared(self, scope: Scope, body: bytes) -> Response | None:
        """A plain JSON POST of a document the schema holds a plan for, answered without
        Strawberry's generic request handling (most of a hot mutation's view time): the same
        schema.execute, process_result and create_response as `run` uses, so the answer is
        the same. Anything else (GET, batches, streaming, odd bodies): None, and `run`
        answers it. Needs only the scope and the body: ordo/edge.py calls it before any
        Starlette layer."""
        schema = self.schema
        engine = schema.engine if isinstance(schema, ServedSchema) else None
        if scope["method"] != "POST" or engine is None:
            return None
        if refused := await self._unidentified(scope):
            return refused
        accept = header(scope, b"accept")
        media = negotiate(accept)
        if (
            media is None  # refused 406 by `run`
            or media_type(scope) != "application/json"
            or any(s in accept for s in _STREAMING)
        ):
            return None
        try:
            data = read_json(body)  # the generic path's reader: one request, one answer
        except Unreadable:
            return None  # refused by the generic path, in its words
        if not isinstance(data, dict):
            return None
        query, name = self.documents.cached(data), data.get("operationName")
        variables, extensions = data.get("variables"), data.get("extensions")
        if not (
            isinstance(query, str)
            and isinstance(name, str | None)
            and isinstance(variables, dict | None)
            and isinstance(extensions, dict | None)
            and engine.plan(query, name) is not None
        ):
            return None
        result = await schema.execute(
            query,
            variables,
            await self._http_context(scope),
            None,
            name,
            _POST_OPERATIONS,
            extensions,
        )
        return self._answer(await self._processed(scope, result), media)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET naming a persisted document has no `query`, yet asks for an answer, not a page.
        persisted = "persistedQuery" in str(request.query_params.get("extensions", ""))
        return not persisted and super().should_render_graphql_ide(request)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Strawberry asks for the page only when graphql_ide is set, and then it was built.
        assert self.graphiql is not None
        return HTMLResponse(self.graphiql.html)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        if not isinstance(request, WebSocket):
            return await self._http_context(request.scope)
        caller = await self.authenticator.caller(request.headers.get("authorization"))
        return Context(self.store, caller, self.live.hub, self.live.feed_retention, socket=response)

    async def _http_context(self, scope: Scope) -> Context:
        """A request's context: the store and its caller (no sub-response: create_response)."""
        caller = scope.get(_CALLER) or await self.authenticator.caller(
            header(scope, b"authorization")
        )
        return Context(store=self.store, caller=caller)

    async def _unidentified(self, scope: Scope) -> Response | None:
        """With identity on (SPEC §9), a request without a valid token is refused 401 before
        its document is read: an anonymous client costs a header check, not a parse. The
        caller found is kept for the request's context."""
        if not self.authenticator.verifying:
            return None
        authorization = header(scope, b"authorization")
        caller = await self.authenticator.caller(authorization)
        if not isinstance(caller, OrdoError):
            scope[_CALLER] = caller
            return None
        media = negotiate(header(scope, b"accept")) or JSON
        return error_response(GRAPHQL, caller, media=media, authorization=authorization)

    def encode_json(self, data: object) -> bytes:
        # The same compact JSON as Strawberry's json.dumps, in UTF-8 instead of \u escapes.
        return orjson.dumps(data)

    def parse_json(self, data: str | bytes) -> Any:
        # Strawberry's own says only "Unable to parse request body as JSON": the reason too.
        try:
            return self.decode_json(data)
        except json.JSONDecodeError as error:
            raise HTTPException(
                400, f"Unable to parse request body as JSON: {error.msg}"
            ) from error

    def decode_json(self, data: str | bytes) -> object:
        # Bodies, GET's variables and extensions, and subscription messages: ordo's one reader
        # (SPEC §7). Strawberry answers 400 only for a JSONDecodeError, anything else is a 500;
        # and JSON that is neither an object nor a batch is refused here.
        try:
            decoded = read_json(data)
        except Unreadable as error:
            raise json.JSONDecodeError(str(error), "", 0) from error
        if not isinstance(decoded, dict | list):
            raise json.JSONDecodeError("not a JSON object", "", 0)
        return decoded

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        return await self._processed(request.scope, result)

    async def _processed(self, scope: Scope, result: ExecutionResult) -> GraphQLHTTPResponse:
        await self.documents.ran(scope, result.data is not None)
        if result.errors:
            result.errors = self.shown(result.errors)
        return process_result(result)

    def shown(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        """The errors as a client may see them, the server's faults logged: over HTTP and on
        the WebSocket (ordo/websocket.py) alike."""
        _log_faults(errors)
        return masked(errors)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        # ordo's resolvers are given no sub-response to change (an HTTP Context has none):
        # of it only the negotiated media type counts.
        return self._answer(response_data, sub_response.media_type or JSON)

    def _answer(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], media: str
    ) -> Response:
        """One Response, made once (Strawberry's way made two, the sub-response's and the
        answer's, and merged their headers). A request that never ran (unparsable, invalid,
        bad variables) is the client's mistake: 400, as GraphQL over HTTP asks; errors of an
        executed field carry a path. In application/graphql-response+json such an answer has
        no `data` at all."""
        never_ran = _never_ran(response_data)
        if never_ran and media == GRAPHQL_RESPONSE and isinstance(response_data, dict):
            response_data = {k: v for k, v in response_data.items() if k != "data"}  # type: ignore[assignment]
        return Response(
            self.encode_json(response_data), 400 if never_ran else 200, media_type=media
        )


def _sub_response(media: str) -> Response:
    """What Strawberry's get_sub_response makes (no status, no content-length yet), in the
    negotiated media type."""
    sub_response = Response()
    sub_response.status_code = None  # type: ignore[assignment]
    del sub_response.headers["content-length"]
    sub_response.media_type = media  # read by create_response, not a header of its own
    return sub_response


def _log_faults(errors: list[GraphQLError]) -> None:
    """Server faults at error, the store's absence as a warning; a client's mistakes and
    expected refusals not at all (the request line has their status). Never an error's
    message: it quotes the document (and a bad variable's value)."""
    for error in errors:
        if should_mask(error):
            log.error("graphql field failed", path=error.path, exc_info=error.original_error)
        elif (error.extensions or {}).get("code") == ErrorCode.UNAVAILABLE.name:
            log.warning("store unavailable", path=error.path)


def _never_ran(response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
    if isinstance(response_data, list) or response_data.get("data") is not None:
        return False
    errors: list[dict[str, object]] = list(response_data.get("errors") or [])  # type: ignore[arg-type]
    return bool(errors) and all(not error.get("path") for error in errors)


def _asks(request: Request) -> bool:
    """Whether a request asks for an operation: a GET with neither `query` nor `extensions`
    asks for GraphiQL's page (which a browser loads without a token) or is refused 400."""
    params = request.query_params
    return request.method != "GET" or "query" in params or "extensions" in params


def _refusal(refused: HTTPException) -> tuple[int, dict[str, str] | None]:
    """The status and headers of a request Strawberry refused. A mutation sent by GET is 405
    (GraphQL over HTTP; Strawberry says 400): only POST runs it."""
    if isinstance(refused.__cause__, InvalidOperationTypeError):
        return 405, {"allow": "POST"}
    if refused.status_code == 405:
        return 405, {"allow": "GET, POST"}
    return refused.status_code, None


def _acceptable(request: Request) -> str:
    """The negotiated media type (ordo/media.py); an Accept allowing neither JSON type is
    refused 406 (GraphQL over HTTP lets a server choose that), except where Strawberry answers
    by its own rules: other methods (405) and a GET without a query (GraphiQL's page, or 400)."""
    media = negotiate(header(request.scope, b"accept"))
    if media is None:
        if request.method == "POST" or (
            request.method == "GET" and "query" in request.query_params
        ):
            raise HTTPException(406, f"the response is served as {GRAPHQL_RESPONSE} or {JSON}")
        return JSON
    return media

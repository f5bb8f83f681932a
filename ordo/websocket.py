"""GraphQL over WebSocket as graphql-transport-ws says (enisdenjo/graphql-ws PROTOCOL.md;
SPEC §10), on Strawberry's handler of it.

Strawberry reads a message's fields without checking them: a message that is not an object,
or a `subscribe` whose payload is not one, raised TypeError in its task, and the socket dropped
with no close code. Here every message is checked first, as graphql-ws's own server does, and a
malformed one closes the socket with 4400 and the reason. A `subscribe` whose document does not
parse, or names no operation it holds, is that operation's `error` message (Strawberry closed
the socket for those): the document is the client's mistake, not the protocol's. Its document
passes the same checks as over HTTP: trusted documents (ordo/persisted.py), and the schema's
token, depth and cost limits (schema/build.py, schema/served.py); and its results' errors are
shown as over HTTP: a fault of the server masked, and logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, cast

import orjson
from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema.schema import StreamResult
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    Message,
    SubscribeMessage,
)
from strawberry.types import ExecutionResult
from strawberry.utils.aio import aclosing

from ordo.persisted import DocumentRefused, Documents
from schema.context import Context
from schema.errors import GRAPHQL


class View(Protocol):
    """What the socket asks of the GraphQL view that serves it (ordo/graphql.py)."""

    documents: Documents

    def shown(self, errors: list[GraphQLError]) -> list[GraphQLError]: ...


# RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of them the close code.
MAX_REASON_BYTES = 123
_OPTIONAL_PAYLOAD = ("connection_init", "ping", "pong")
_WITH_ID = ("subscribe", "complete")
# A subscribe payload's fields other than `query`: the JSON each may be when not null.
_SUBSCRIBE_FIELDS: dict[str, tuple[type, str]] = {
    "variables": (dict, "an object"),
    "operationName": (str, "a string"),
    "extensions": (dict, "an object"),
}


class SocketAdapter(ASGIWebSocketAdapter):
    async def send_json(self, message: Mapping[str, object]) -> None:
        # graphql-transport-ws messages are text frames: clients refuse binary ones, which is
        # what Strawberry sends for the bytes our orjson encode_json makes.
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

    async def close(self, code: int, reason: str) -> None:
        # A longer reason (one quoting an id or a type the client sent) cannot be sent at all.
        await super().close(code, _fitted(reason))


def _fitted(reason: str) -> str:
    encoded = reason.encode()
    if len(encoded) <= MAX_REASON_BYTES:
        return reason
    return encoded[: MAX_REASON_BYTES - 3].decode(errors="ignore") + "..."


def malformed(message: object) -> str | None:
    """Why the message breaks graphql-transport-ws, or None when its fields are as it says
    (a type this server does not take is Strawberry's 4400 "Unknown message type")."""
    if not isinstance(message, dict):
        return "Invalid message: not a JSON object"
    kind = message.get("type")
    if not isinstance(kind, str):
        return "Invalid message: `type` must be a string"
    if kind in _WITH_ID and not (isinstance(message.get("id"), str) and message["id"]):
        return f"Invalid message: `{kind}` needs a non-empty string `id`"
    if kind in _OPTIONAL_PAYLOAD and not isinstance(message.get("payload"), dict | None):
        return f"Invalid message: a `{kind}` payload must be an object or null"
    if kind == "subscribe":
        return _malformed_subscribe(message.get("payload"))
    return None


def _malformed_subscribe(payload: object) -> str | None:
    if not isinstance(payload, dict):
        return "Invalid message: a `subscribe` payload must be an object"
    if not isinstance(payload.get("query"), str):
        return "Invalid message: a `subscribe` payload needs a string `query`"
    for name, (kind, described) in _SUBSCRIBE_FIELDS.items():
        if payload.get(name) is not None and not isinstance(payload[name], kind):
            return f"Invalid message: `{name}` must be {described} or null"
    return None


class TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    async def handle_message(self, message: Message) -> None:
        reason = malformed(message)
        if reason is not None:
            await self.handle_invalid_message(reason)
            return
        if message["type"] == "connection_init" and message.get("payload") is None:
            # `payload: null` is allowed; Strawberry reads it as a payload that is no object.
            message.pop("payload", None)
        await super().handle_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        # Refused only where Strawberry would take it: before the ack it closes 4401, and a
        # duplicate id 4409, whatever the document.
        if self.connection_acknowledged and message["id"] not in self.operations:
            payload = message["payload"]
            documents = cast(View, self.view).documents
            try:
                # A scope of its own: a text sent with a new hash is not kept from here (APQ
                # keeps a document once it ran over HTTP).
                resolved = await documents.resolve(payload["query"], payload.get("extensions"), {})
                payload["query"] = cast(str, resolved)  # a string in, a string out
            except DocumentRefused as refused:
                errors: Any = GRAPHQL.body(refused)["errors"]
                await self.send_message({"id": message["id"], "type": "error", "payload": errors})
                return
        await super().handle_subscribe(message)

    async def _send_result_stream(
        self, operation: Operation[Context, None], result_source: StreamResult
    ) -> None:
        await super()._send_result_stream(operation, self._shown(result_source))

    async def _shown(self, results: StreamResult) -> StreamResult:
        """Each result's errors as over HTTP: a fault masked and logged (Strawberry sent its
        message, an exception's text, and logged nothing)."""
        view = cast(View, self.view)
        async with aclosing(results):
            async for result in results:
                if isinstance(result, ExecutionResult) and result.errors:
                    result.errors = view.shown(result.errors)
                yield result

    @staticmethod
    def _get_pre_execution_close_reason(error: GraphQLError) -> str | None:
        # A document that does not parse, or names no operation it holds: an `error` message.
        return None

"""Requests written with `<name>` symbols, sent to an in-process app, and its answers read back
into the same symbols: what lets two apps' answers be compared (tests/engine/test_prepared.py)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from domain.errors import OrdoError
from ordo.media import GRAPHQL_RESPONSE
from store import page_cursors as cursors
from store.sealing import Sealer
from tests.support import ADMIN_TOKEN, unique

# Both apps seal cursors with this (ORDO_CURSOR_KEY), so their cursors open here to compare.
CURSOR_KEY = "replay-cursor-key-of-at-least-32-bytes"
_SEALER = Sealer([CURSOR_KEY])
Listing = tuple[str, bool] | None  # an entityOrders request's entity and includeDeclined


@dataclass(frozen=True)
class Ask:
    """A request sent `times` times in a row; `<name>` in its variables is an id of the app's."""

    document: str
    variables: dict[str, Any] | None = None
    times: int = 3
    token: str | None = None
    get: bool = False
    operation: str | None = None
    persisted: str | None = None  # "hash": the document's SHA-256 only; "text": both (APQ)
    accept: str | None = None


def admin(document: str, variables: dict[str, Any]) -> Ask:
    return Ask(document, variables, token=ADMIN_TOKEN)


# Server-made values differ between the apps; only their shape has to match.
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)|\d+-\d+")
MOMENT_KEYS = {"createdAt", "updatedAt", "at", "id"}  # an event id is a stream id: a time


@dataclass
class Replay:
    """One app's side of a comparison: what it answered, in order."""

    http: httpx.AsyncClient
    suffix: str = field(default_factory=lambda: unique("app"))
    answers: list[tuple[int, Any, str]] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)  # what each answer's cursors page

    async def send(self, *asks: Ask) -> None:
        for ask in asks:
            for _ in range(ask.times):
                response = await self._request(ask)
                media = response.headers.get("content-type", "")
                json_body = media.startswith(("application/json", GRAPHQL_RESPONSE))
                body = response.json() if json_body else response.text
                self.answers.append((response.status_code, body, media))
                self.listings.append(_listing(self._variables(ask)))

    def _variables(self, ask: Ask) -> Any:
        # The same suffix on every id keeps the apps' ids in the same order (listings tie on it).
        text = re.sub(r"<(\w+)>", rf"\1-{self.suffix}", json.dumps(ask.variables or {}))
        return json.loads(text)

    async def _request(self, ask: Ask) -> httpx.Response:
        payload = {"query": ask.document, "variables": self._variables(ask)}
        if ask.operation is not None:
            payload["operationName"] = ask.operation
        if ask.persisted:
            digest = hashlib.sha256(ask.document.encode()).hexdigest()
            payload["extensions"] = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
            if ask.persisted == "hash":
                del payload["query"]
        headers = {"Authorization": f"Bearer {ask.token}"} if ask.token else {}
        if ask.accept:
            headers["accept"] = ask.accept
        if ask.get:
            params = {key: v if isinstance(v, str) else json.dumps(v) for key, v in payload.items()}
            return await self.http.get("/graphql", params=params, headers=headers)
        return await self.http.post("/graphql", json=payload, headers=headers)

    def named(self) -> Any:
        # Ids inside global ids and cursors, named below too.
        opened = [
            _opened(answer, listing=listing)
            for answer, listing in zip(self.answers, self.listings, strict=True)
        ]
        text = re.sub(rf"(\w+)-{self.suffix}", r"<\1>", json.dumps(opened))
        made: dict[str, str] = {}
        return [[status, media, _unstamped(body, made)] for status, body, media in json.loads(text)]


CURSOR_KEYS = {"cursor", "startCursor", "endCursor"}


def _listing(variables: Any) -> Listing:
    entity = variables.get("e") if isinstance(variables, dict) else None
    return (entity, bool(variables.get("inc"))) if isinstance(entity, str) else None


def _opened(value: Any, key: str = "", listing: Listing = None) -> Any:
    """Global ids and cursors opened (a cursor without its time), so their ids compare."""
    if isinstance(value, list | tuple):
        return [_opened(entry, listing=listing) for entry in value]
    if isinstance(value, dict):
        return {name: _opened(entry, name, listing) for name, entry in value.items()}
    if not isinstance(value, str) or key not in {"id", *CURSOR_KEYS}:
        return value
    if key in CURSOR_KEYS:
        return _position(value, listing)
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return value
    return f"<global {text}>" if text.startswith("Order:") else value


def _position(cursor: str, listing: Listing) -> Any:
    """A sealed cursor's snapshot and position, as the server reads it (each seal differs)."""
    if listing is None:
        return cursor
    try:
        snapshot, position = cursors.decode(_SEALER, cursor, *listing)
    except OrdoError:
        return cursor
    return {
        "e": snapshot.entity_id,
        "d": snapshot.include_declined,
        "w": snapshot.watermarks,
        "n": snapshot.total,
        "k": [position.place, position.order_id],
    }


def _unstamped(value: Any, made: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_unstamped(entry, made) for entry in value]
    if not isinstance(value, dict):
        return value
    return {key: _stamp(key, entry, made) for key, entry in value.items()}


def _stamp(key: str, value: Any, made: dict[str, str]) -> Any:
    if key in MOMENT_KEYS and isinstance(value, str) and MOMENT.fullmatch(value):
        return "<moment>"
    if key == "orderId" and isinstance(value, str) and not value.startswith("<"):
        return made.setdefault(value, f"<made{len(made)}>")  # createOrder's own ids
    return _unstamped(value, made)


async def both(prepared: Replay, generic: Replay, *asks: Ask) -> None:
    for side in (prepared, generic):
        await side.send(*asks)

"""Persisted documents at the GraphQL edge (SPEC §5.1): Apollo's automatic persisted queries
(APQ), or trusted documents only (`ORDO_TRUSTED_DOCUMENTS`, ordo/manifest.py).

A request names its document by `extensions.persistedQuery {version: 1, sha256Hash}`. In APQ
mode a hash alone is looked up in this process, then in Redis (resolvers/documents.py); an
unknown one is answered `PersistedQueryNotFound` (HTTP 200, as Apollo's clients expect) and the
client sends the text with the hash, which must be the text's SHA-256; the text is kept after
it ran. In trusted mode only the manifest's documents run, named by hash or sent as text;
nothing is registered and anything else is 400 `PERSISTED_QUERY_NOT_ALLOWED`.

This process keeps hash -> text (the manifest, or what it registered or read), so a hot hash
costs no round trip; the text object is the one the engine's plans (engine/) are keyed by,
so a persisted hash runs its plan without a parse. A document never changes under its hash,
so a copy here is never stale, even after Redis dropped it.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

from domain.errors import ErrorCode, OrdoError, Unavailable
from ordo.manifest import normal_hash, sha256_hex
from resolvers.documents import read_document, register_document
from store import Store

MAX_DOCUMENT_BYTES = 64 * 1024  # a longer document runs, but is not kept
_CACHED = 4096  # hash -> text in this process (APQ mode; the manifest is kept whole)
_PENDING = "ordo.persisted"  # the ASGI scope's entry: a document to keep once it ran
_FIELD = "extensions.persistedQuery"

log = structlog.get_logger("ordo.persisted")


class DocumentRefused(OrdoError):
    """A request's persisted document cannot run: answered before any GraphQL runs, in
    GraphQL's error shape (schema/errors.py: PersistedQueryNotFound is an HTTP 200)."""


def _invalid(field: str, message: str) -> DocumentRefused:
    return DocumentRefused(ErrorCode.INVALID_INPUT, f"`{field}` {message}", [field])


def _version_one(persisted: dict[str, Any]) -> bool:
    version = persisted.get("version")
    return type(version) is int and version == 1  # not True, not 1.0


def requested_hash(extensions: dict[str, Any] | None) -> str | None:
    """The SHA-256 the request names (lowercase hex), None when it names none."""
    if not extensions or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict):
        raise _invalid(_FIELD, "must be an object {version: 1, sha256Hash}")
    if not _version_one(persisted):
        raise _invalid(f"{_FIELD}.version", "must be 1 (the only persisted query version)")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or (normal := normal_hash(digest)) is None:
        raise _invalid(f"{_FIELD}.sha256Hash", "must be a SHA-256 of 64 hex digits")
    return normal


class Documents:
    """Where a request's document comes from: the text it sent, or a persisted hash."""

    def __init__(
        self, store: Store, *, max_kept: int, trusted: Mapping[str, str] | None = None
    ) -> None:
        self.store = store
        self.max_kept = max_kept
        self.trusted = trusted is not None
        self._texts = frozenset(trusted.values()) if trusted else frozenset()
        self._known: MutableMapping[str, str] = dict(trusted or {})

    def cached(self, data: dict[str, Any]) -> Any:
        """The fast lane's document: the text sent, or the text of a hash this process holds.
        None for whatever needs a check, a round trip or a refusal (a hash sent with its text,
        a malformed extension, an unknown hash, a text outside the manifest): the generic path
        (`resolve`) answers those."""
        query, extensions = data.get("query"), data.get("extensions")
        if isinstance(extensions, dict) and "persistedQuery" in extensions:
            persisted = extensions["persistedQuery"]
            if query is not None or not isinstance(persisted, dict) or not _version_one(persisted):
                return None
            digest = persisted.get("sha256Hash")
            return self._known.get(digest) if isinstance(digest, str) else None
        if self.trusted and query not in self._texts:
            return None
        return query

    async def resolve(
        self, query: str | None, extensions: dict[str, Any] | None, scope: MutableMapping[str, Any]
    ) -> str | None:
        """The document the request runs; raises DocumentRefused when it may not run. A text
        sent with a new hash is held in the scope, to be kept once it ran (`ran`)."""
        digest = requested_hash(extensions)
        if digest is None:
            if self.trusted and query is not None and query not in self._texts:
                raise self._not_allowed()
            return query
        if query is None:
            return await self._text(digest)
        if sha256_hex(query) != digest:
            raise DocumentRefused(ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, field=[_FIELD])
        if self.trusted and digest not in self._known:
            raise self._not_allowed()
        if digest not in self._known and len(query) <= MAX_DOCUMENT_BYTES:
            scope[_PENDING] = (digest, query)
        return query

    async def ran(self, scope: MutableMapping[str, Any], executed: bool) -> None:
        """Keep the document the request registered, if it parsed, validated and ran."""
        pending = scope.pop(_PENDING, None)
        if pending is None or not executed:
            return
        digest, text = pending
        self._remember(digest, text)
        try:
            await register_document(self.store, digest, text, self.max_kept)
        except Unavailable:  # the answer stands; the next client to send the text keeps it
            log.warning("persisted document not kept: the store is unavailable")

    async def _text(self, digest: str) -> str:
        if (text := self._known.get(digest)) is not None:
            return text
        if self.trusted:
            raise self._not_allowed()
        text = await read_document(self.store, digest)
        if text is None:
            raise DocumentRefused(ErrorCode.PERSISTED_QUERY_NOT_FOUND, field=[_FIELD])
        self._remember(digest, text)
        return text

    def _remember(self, digest: str, text: str) -> None:
        if len(self._known) >= _CACHED:
            del self._known[next(iter(self._known))]  # the oldest first
        self._known[digest] = text

    @staticmethod
    def _not_allowed() -> DocumentRefused:
        return DocumentRefused(ErrorCode.PERSISTED_QUERY_NOT_ALLOWED)

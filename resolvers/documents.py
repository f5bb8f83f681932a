"""Persisted GraphQL documents in Redis (Apollo's automatic persisted queries): every worker
and instance on one Redis shares them, and one script bounds how many are kept."""

from __future__ import annotations

from store import Store
from store.argv import ReadDocumentArgs, RegisterDocumentArgs
from store.keys import document_keys
from store.replies import Outcome, reply_of


async def register_document(store: Store, digest: str, text: str, max_kept: int) -> int:
    """Keep the document under its SHA-256; answer how many least recently used ones the
    bound dropped to make room."""
    args = RegisterDocumentArgs(digest, text, max_kept)
    raw = await store.run("register_document", document_keys(), args)
    (dropped,) = reply_of(raw).payload
    return int(dropped)


async def read_document(store: Store, digest: str) -> str | None:
    """The document kept under the SHA-256 (marked used now), None if none is."""
    reply = reply_of(await store.run("read_document", document_keys(), ReadDocumentArgs(digest)))
    if reply.outcome is Outcome.ABSENT:
        return None
    (text,) = reply.payload
    return str(text)

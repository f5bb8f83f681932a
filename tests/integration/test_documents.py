"""Persisted GraphQL documents in Redis (resolvers/documents.py, lua/register_document.lua):
kept by SHA-256, read back, and never more than the bound, least recently used dropped first.
The registry is one key pair for the whole store, so each test bounds it afresh: whatever an
earlier test left is older than everything this test registers."""

from __future__ import annotations

import asyncio

from ordo.manifest import sha256_hex
from resolvers.documents import read_document, register_document
from store import Store
from store.keys import document_keys
from tests.support import unique


def _document() -> tuple[str, str]:
    text = f"query {unique('Q').replace('-', '_')} {{ __typename }}"
    return sha256_hex(text), text


async def test_a_registered_document_is_read_back_by_its_hash(store: Store) -> None:
    digest, text = _document()
    assert await read_document(store, digest) is None
    await register_document(store, digest, text, 1000)
    assert await read_document(store, digest) == text


async def test_the_bound_drops_the_least_recently_used_documents(store: Store) -> None:
    first, second, third, fourth = (_document() for _ in range(4))
    for digest, text in (first, second, third):
        await register_document(store, digest, text, 3)
    assert await read_document(store, first[0]) == first[1]  # used: now the newest
    assert await register_document(store, *fourth, 3) == 1
    assert await read_document(store, second[0]) is None
    for digest, text in (first, third, fourth):
        assert await read_document(store, digest) == text


async def test_concurrent_registrations_never_keep_more_than_the_bound(store: Store) -> None:
    documents = [_document() for _ in range(40)]
    await asyncio.gather(*(register_document(store, d, t, 5) for d, t in documents))
    texts, uses = document_keys()
    assert await store.read("HLEN", texts) == 5
    assert await store.read("ZCARD", uses) == 5
    kept = [await read_document(store, digest) for digest, _ in documents]
    assert len([text for text in kept if text is not None]) == 5

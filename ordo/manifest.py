"""The trusted documents' manifest (`ORDO_TRUSTED_DOCUMENTS`): GraphQL Codegen client-preset's
`persisted-documents.json`, a JSON object of SHA-256 (hex) -> document text.

Every entry is checked at start: a manifest that is not such an object, or whose hash is not
its document's SHA-256, stops the server with a message naming the entry.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ordo.json_input import Unreadable, read_json

_HEX = re.compile(r"[0-9a-f]{64}")
_PREFIX = "sha256:"  # the GraphQL-over-HTTP persisted documents appendix's form of the id


class ManifestError(ValueError):
    """The manifest cannot be trusted as written."""


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normal_hash(value: str) -> str | None:
    """A SHA-256 as 64 lowercase hex digits (a `sha256:` prefix is accepted), None if not one."""
    digest = value.removeprefix(_PREFIX).lower()
    return digest if _HEX.fullmatch(digest) else None


def load_manifest(path: Path) -> dict[str, str]:
    """hash -> document, every hash checked against its document."""
    try:
        entries = read_json(path.read_bytes())  # the requests' reader: one set of rules
    except (OSError, Unreadable) as error:
        raise ManifestError(f"ORDO_TRUSTED_DOCUMENTS {path}: not readable JSON: {error}") from error
    if not isinstance(entries, dict) or not entries:
        raise ManifestError(
            f"ORDO_TRUSTED_DOCUMENTS {path}: expected a non-empty JSON object of "
            '"<sha256 hex>": "<document>" (GraphQL Codegen\'s persisted-documents.json)'
        )
    return dict(_checked(path, key, text) for key, text in entries.items())


def _checked(path: Path, key: str, text: object) -> tuple[str, str]:
    digest = normal_hash(key)
    if digest is None or not isinstance(text, str):
        raise ManifestError(
            f"ORDO_TRUSTED_DOCUMENTS {path}: entry {key!r} is not a SHA-256 (64 hex digits) "
            "naming a document string (Codegen: persistedDocuments.hashAlgorithm 'sha256')"
        )
    if sha256_hex(text) != digest:
        raise ManifestError(
            f"ORDO_TRUSTED_DOCUMENTS {path}: entry {key!r} is not its document's SHA-256 "
            f"(the document hashes to {sha256_hex(text)})"
        )
    return digest, text

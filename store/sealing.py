"""Sealed cursors: what ordo hands a client to give back, unreadable and unalterable by it.

A cursor names positions the caller may not see (the last order a page read, the feed entries
a subscription skipped), so its bytes are encrypted and authenticated, and bound to what it
pages: base64url (no padding) of the format byte, the sealing key's id (4 bytes), a random
nonce (12 bytes) and the AES-GCM-SIV ciphertext of the padded payload (its tag: 16 bytes).
The associated data is the header and the cursor's binding (its kind, entity, filters), so a
cursor of another listing fails to open as a forged one does.

- AES-GCM-SIV (RFC 8452), not AES-GCM: a random nonce drawn twice costs only the equality of two
  cursors, where plain GCM would give its authentication key away; a cursor per edge of every
  page is many nonces. Random nonces make every cursor a fresh string, so no two cursors
  compare equal (an endCursor equal to the last edge's would say whose the last order read is).
- The payload is padded with spaces (JSON ignores them) to a power of two, at least 256 bytes,
  from a length its maker gives without the parts that vary with one order (`at_least`): the
  length says nothing of an order's id or date.
- Keys are derived from secrets (HKDF-SHA256); the first seals, every one opens, found by id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT = b"\x01"
KEY_ID = 4
NONCE = 12
TAG = 16
HEADER = len(FORMAT) + KEY_ID + NONCE
MIN_PADDED = 256


def binding(*parts: str) -> bytes:
    """What a cursor is bound to, unambiguously (ids hold no NUL)."""
    return "\0".join(parts).encode()


def padded_size(length: int) -> int:
    """The size a payload of this length is padded to."""
    return max(MIN_PADDED, 1 << max(length - 1, 0).bit_length())


def max_text(max_payload: int) -> int:
    """The longest cursor a payload of at most `max_payload` bytes seals to: longer text is
    refused before any work."""
    return -(-(HEADER + padded_size(max_payload) + TAG) // 3) * 4


class Sealer:
    """Seals with the first key, opens with any (a rotation keeps live cursors working)."""

    def __init__(self, secrets: Sequence[str]) -> None:
        if not secrets:
            raise ValueError("a sealer needs a secret")
        self.secrets = tuple(dict.fromkeys(secrets))
        keys = [_derived(secret) for secret in self.secrets]
        self._sealing = keys[0]
        self._keys = dict(reversed(keys))  # an id shared by two keys: the first one's

    def led_by(self, secret: str, kept: int) -> Sealer:
        """Sealing with `secret` from now on, still opening with the `kept` - 1 latest others."""
        if secret == self.secrets[0]:
            return self
        return Sealer([secret, *self.secrets][:kept])

    def seal(self, bound_to: bytes, payload: bytes, at_least: int = 0) -> str:
        key_id, aead = self._sealing
        header = FORMAT + key_id + os.urandom(NONCE)
        size = padded_size(max(len(payload), at_least))
        sealed = aead.encrypt(header[-NONCE:], payload.ljust(size), header + bound_to)
        return _text(header + sealed)

    def open(self, bound_to: bytes, text: object, max_length: int) -> bytes | None:
        """The payload (padded) of a cursor sealed here for `bound_to`; None for anything else."""
        if not isinstance(text, str) or not 0 < len(text) <= max_length:
            return None
        raw = _bytes(text)
        if raw is None or len(raw) < HEADER + TAG or raw[:1] != FORMAT:
            return None
        found = self._keys.get(raw[1 : 1 + KEY_ID])
        if found is None:
            return None
        header = raw[:HEADER]
        try:
            return found.decrypt(header[-NONCE:], raw[HEADER:], header + bound_to)
        except InvalidTag:
            return None


def json_object(opened: bytes | None, fields: frozenset[str]) -> dict[str, Any] | None:
    """The JSON object a cursor opened to, if it has exactly these fields."""
    if opened is None:
        return None
    try:
        value = orjson.loads(opened)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) and set(value) == fields else None


def _derived(secret: str) -> tuple[bytes, AESGCMSIV]:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ordo cursors v1")
    key = hkdf.derive(secret.encode())
    return hashlib.sha256(b"ordo cursor key id" + key).digest()[:KEY_ID], AESGCMSIV(key)


def _text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _bytes(text: str) -> bytes | None:
    """Strict base64url: other characters are refused, and so is a text that is not the one
    encoding of its bytes (its last character's unused bits set), so no two texts open alike."""
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if _text(raw) == text else None

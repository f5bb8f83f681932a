"""Where a process's cursor keys come from (docs/decisions.md, "Sealed cursors").

`ORDO_CURSOR_KEY` (comma-separated secrets: the first seals, all open) when set. Otherwise one
secret kept in the store (lua/share_cursor_secret.lua: the first offered wins), so every worker
and instance on one Redis seals alike and a restart keeps live cursors working; on the embedded
store that secret dies with the process, as its data does.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from store.argv import CursorSecretArgs
from store.keys import cursor_secret_keys
from store.replies import reply_of
from store.sealing import Sealer

if TYPE_CHECKING:
    from store import Store

# The stored secret is read again this often: a Redis that lost it (no persistence, a failover
# before replication) gets a new one, and every process follows within this time.
REFRESH_SECONDS = 60.0
KEPT = 4  # stored secrets a process still opens with after the store's changed


class CursorKeys:
    def __init__(self, secrets: Sequence[str] = ()) -> None:
        self._configured = Sealer(secrets) if secrets else None
        self._stored: Sealer | None = None
        self._due = 0.0

    async def sealer(self, store: Store) -> Sealer:
        if self._configured is not None:
            return self._configured
        if self._stored is None or time.monotonic() >= self._due:
            self._due = time.monotonic() + REFRESH_SECONDS  # one refresh at a time, mostly
            secret = await shared_secret(store)
            stored = self._stored
            self._stored = stored.led_by(secret, KEPT) if stored else Sealer([secret])
        return self._stored


async def shared_secret(store: Store) -> str:
    """The store's secret, made now if it has none."""
    offered = base64.urlsafe_b64encode(os.urandom(32)).decode()
    raw = await store.run("share_cursor_secret", cursor_secret_keys(), CursorSecretArgs(offered))
    (secret,) = reply_of(raw).payload
    return str(secret)

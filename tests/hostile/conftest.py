"""The hostile suite: every attack class of docs/guarantees.md ("Hostile input") against a real
server, on real Redis and on the embedded store. The servers and clients are the e2e suite's."""

from __future__ import annotations

from tests.e2e.conftest import api, live_server, live_url, server

__all__ = ["api", "live_server", "live_url", "server"]

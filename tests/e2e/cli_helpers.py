"""Running the `ordo` command as a subprocess, and stores of the tests' own for it.

`verify` and `import-mongo` see a whole Redis database, so their tests each take an empty
database of the session's private redis-server (`empty_database`), where nothing another test
wrote can be mistaken for theirs, and nothing of theirs (deliberate discrepancies included)
can reach another test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis

from ordo.connect import connect
from ordo.settings import load_settings
from store import Store
from tests.support import ROOT, RedisServer

FIXTURES = ROOT / "tests" / "fixtures" / "mongo"
DATABASES = 16  # redis-server's default
_CLAIM = "ordo-tests:claimed"


def ordo(
    *args: str, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """`ordo ARGS` with no ORDO_* variable of the caller's environment, only `env`'s."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ORDO_")}
    return subprocess.run(
        [sys.executable, "-m", "ordo", *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ordo_json(*args: str, url: str) -> Any:
    """The JSON a `--json` command printed (asserting it succeeded)."""
    done = ordo(*args, "--json", "--redis-url", url)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def empty_database(server: RedisServer) -> str:
    """The URL of a database of `server` nobody has used, claimed for the caller.

    Database 0 is the shared one; the others are handed out once each, from the last down.
    """
    for number in range(DATABASES - 1, 0, -1):
        with redis.Redis(port=server.port, db=number) as client:
            if client.dbsize() == 0 and client.set(_CLAIM, "1", nx=True):
                return f"redis://127.0.0.1:{server.port}/{number}"
    raise RuntimeError("every database of the test redis-server is taken")


def dump(url: str) -> dict[bytes, bytes | None]:
    """Every key of the database with its serialized value: equal dumps, equal contents."""
    with redis.Redis.from_url(url) as client:
        return {key: client.dump(key) for key in client.scan_iter(count=1000)}


@asynccontextmanager
async def store_at(url: str) -> AsyncIterator[Store]:
    """The store the server would use, in-process, to set up and check through resolvers."""
    store = connect(load_settings({"ORDO_REDIS_URL": url, "ORDO_ADMIN_TOKEN": "x"}))
    try:
        yield store
    finally:
        await store.close()

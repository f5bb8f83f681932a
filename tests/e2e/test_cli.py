"""The `ordo` command: serving rules and the schema export."""

import re
from pathlib import Path

import httpx

from tests.e2e.cli_helpers import ordo
from tests.support import ROOT, OrdoServer, free_port, running


def test_more_than_one_worker_on_the_embedded_store_is_refused_with_a_reason() -> None:
    result = ordo("serve", "--workers", "2", "--port", str(free_port()))
    assert result.returncode != 0
    assert "embedded store lives in one process" in result.stderr


def test_checked_in_schema_is_the_served_schema() -> None:
    exported = ordo("export-schema")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == (ROOT / "schema.graphql").read_text()


def test_server_without_admin_token_makes_one_prints_it_and_accepts_it() -> None:
    server = OrdoServer(None, admin_token=None)
    with running(server):
        printed = re.search(
            r"^export ORDO_ADMIN_TOKEN=(\S+)$", Path(server.log.name).read_text(), re.MULTILINE
        )
        assert printed is not None
        query = {"query": 'mutation { createUser(userId: "u-cli") { userId errors { code } } }'}
        answer = httpx.post(
            f"{server.url}/graphql",
            json=query,
            headers={"Authorization": f"Bearer {printed.group(1)}"},
        )
        assert answer.json()["data"]["createUser"] == {"userId": "u-cli", "errors": []}

"""The GraphiQL page over HTTP: local copies when installed, the CDN as a logged fallback,
nothing at all when GraphiQL is switched off."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
from strawberry.http.ides import get_graphql_ide_html

from ordo.graphiql import DEFAULT_ASSETS, cdn_assets, graphiql_page
from tests.support import OrdoServer, running

BROWSER = {"Accept": "text/html,application/xhtml+xml"}
WARNING = "GraphiQL assets missing or not the pinned versions"
STRAWBERRY_PAGE = get_graphql_ide_html("graphiql")


def _warnings(server: OrdoServer) -> list[dict[str, object]]:
    lines = Path(server.log.name).read_text().splitlines()
    events = [json.loads(line) for line in lines if line.startswith("{")]
    return [event for event in events if str(event.get("event", "")).startswith(WARNING)]


def _copy_pinned_files(to: Path) -> None:
    """Only the files the page loads, from the tree scripts/install made."""
    for asset in cdn_assets(STRAWBERRY_PAGE):
        target = to / asset.package / asset.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEFAULT_ASSETS / asset.package / asset.path, target)


def test_without_local_assets_the_page_keeps_the_cdn_and_warns_once(tmp_path: Path) -> None:
    server = OrdoServer(None, env={"ORDO_GRAPHIQL_ASSETS": str(tmp_path / "absent")})
    with running(server):
        pages = [httpx.get(f"{server.url}/graphql", headers=BROWSER) for _ in range(2)]
        asset = httpx.get(f"{server.url}/graphiql-assets/graphiql/graphiql.min.js")
        warnings = _warnings(server)
    assert [page.status_code for page in pages] == [200, 200]
    assert pages[0].text == STRAWBERRY_PAGE
    assert "https://unpkg.com/graphiql@3.8.3/graphiql.min.js" in pages[0].text
    assert asset.status_code == 404
    assert len(warnings) == 1
    assert warnings[0]["level"] == "warning"
    assert warnings[0]["assets"] == str(tmp_path / "absent")


def test_with_graphiql_off_neither_page_nor_assets_are_served() -> None:
    server = OrdoServer(None, env={"ORDO_GRAPHIQL": "false"})
    with running(server):
        page = httpx.get(f"{server.url}/graphql", headers=BROWSER)
        asset = httpx.get(f"{server.url}/graphiql-assets/graphiql/graphiql.min.js")
        query = httpx.post(f"{server.url}/graphql", json={"query": "{ __typename }"})
    assert page.status_code == 404
    assert "GraphiQL" not in page.text
    assert asset.status_code == 404
    assert query.json()["data"] == {"__typename": "Query"}


def test_local_copies_are_used_only_when_their_bytes_match_the_pinned_hashes(
    tmp_path: Path,
) -> None:
    _copy_pinned_files(tmp_path)
    assert graphiql_page(tmp_path).assets == tmp_path

    with (tmp_path / "graphiql" / "graphiql.min.js").open("a") as altered:
        altered.write("\n")
    page = graphiql_page(tmp_path)
    assert page.assets is None
    assert page.html == STRAWBERRY_PAGE

"""GraphiQL without a CDN: Strawberry's page, pointed at pinned copies installed from npm.

Strawberry's graphiql.html loads React, GraphiQL and its explorer plugin from unpkg, so it is
blank on a closed network. `scripts/install` puts exactly those npm packages (the versions the
page names, printed by `python -m ordo.graphiql`) into `.venv/graphiql/node_modules`. A local
copy is used only when its bytes match the page's SRI hash: the browser then gets what
Strawberry pinned, and the page keeps its `integrity` attributes. Otherwise the page stays on
the CDN and the log says why.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import structlog
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from strawberry.http.ides import get_graphql_ide_html

log = structlog.get_logger("ordo")

ASSETS_URL = "/graphiql-assets"
# Inside the virtualenv that runs ordo, where scripts/install puts the npm packages.
DEFAULT_ASSETS = Path(sys.prefix) / "graphiql" / "node_modules"

_TAG = re.compile(r"<(?:script|link)\b[^>]*>")
_CDN_URL = re.compile(r'https://unpkg\.com/((?:@[^/"]+/)?[^/@"]+)@([^/"]+)/([^"]+)')
_INTEGRITY = re.compile(r'integrity="(sha256|sha384|sha512)-([^"]+)"')


@dataclass(frozen=True)
class Asset:
    """One file the page loads from unpkg."""

    url: str
    package: str
    version: str
    path: str
    integrity: tuple[str, str] | None  # (algorithm, base64 digest)

    @property
    def local_url(self) -> str:
        return f"{ASSETS_URL}/{self.package}/{self.path}"


@dataclass(frozen=True)
class GraphiQLPage:
    html: str
    assets: Path | None  # the folder served at ASSETS_URL; None when the page uses the CDN


def cdn_assets(html: str) -> list[Asset]:
    found = []
    for tag in _TAG.findall(html):
        url = _CDN_URL.search(tag)
        if url is None:
            continue
        integrity = _INTEGRITY.search(tag)
        pinned = (integrity[1], integrity[2]) if integrity else None
        found.append(Asset(url[0], url[1], url[2], url[3], pinned))
    return found


def pinned_packages(html: str) -> list[str]:
    """`name@version` of every package the page loads, for `npm install`."""
    return sorted({f"{asset.package}@{asset.version}" for asset in cdn_assets(html)})


def _matches(asset: Asset, root: Path) -> bool:
    file = root / asset.package / asset.path
    if not file.is_file():
        return False
    if asset.integrity is None:
        return True
    algorithm, expected = asset.integrity
    digest = hashlib.new(algorithm, file.read_bytes()).digest()
    return base64.b64encode(digest).decode() == expected


def graphiql_page(assets: Path | None = None) -> GraphiQLPage:
    """Strawberry's GraphiQL page on local copies when all are there, else on the CDN."""
    root = assets or DEFAULT_ASSETS
    html = get_graphql_ide_html("graphiql")
    wanted = cdn_assets(html)
    missing = [asset.url for asset in wanted if not _matches(asset, root)]
    if missing:
        # Once per process (the page is built at startup): a closed network gets a blank page.
        log.warning(
            "GraphiQL assets missing or not the pinned versions: the page loads them from "
            "unpkg (run scripts/install, or set ORDO_GRAPHIQL_ASSETS)",
            assets=str(root),
            missing=missing,
        )
        return GraphiQLPage(html, None)
    for asset in wanted:
        html = html.replace(asset.url, asset.local_url)
    return GraphiQLPage(html, root)


def asset_routes(page: GraphiQLPage | None) -> list[BaseRoute]:
    """The static route for the local copies; none when GraphiQL is off or on the CDN."""
    if page is None or page.assets is None:
        return []
    return [Mount(ASSETS_URL, app=StaticFiles(directory=page.assets), name="graphiql-assets")]


if __name__ == "__main__":
    print(" ".join(pinned_packages(get_graphql_ide_html("graphiql"))))

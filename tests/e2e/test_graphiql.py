"""GraphiQL in a real headless Chromium that can reach nothing but the server."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from tests.e2e.browser import chromium_page
from tests.support import ROOT, OrdoServer

SCREENSHOT = ROOT / "artifacts" / "graphiql.png"


@pytest.fixture(scope="module")
def served() -> Iterator[OrdoServer]:
    """One server on the embedded store: the page does not depend on the backend."""
    made = OrdoServer(None)
    made.start()
    yield made
    made.stop()


def test_page_points_at_local_copies_the_server_serves(served: OrdoServer) -> None:
    page = httpx.get(f"{served.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "unpkg.com" not in page.text
    assert 'src="/graphiql-assets/graphiql/graphiql.min.js"' in page.text
    asset = httpx.get(f"{served.url}/graphiql-assets/graphiql/graphiql.min.js")
    assert asset.status_code == 200
    assert "javascript" in asset.headers["content-type"]


@pytest.fixture
def order_id(served: OrdoServer) -> str:
    order_id: str = httpx.post(f"{served.url}/orders", json={}).json()["orderId"]
    return order_id


async def test_graphiql_runs_a_query_offline_and_shows_the_result(
    served: OrdoServer, order_id: str
) -> None:
    query = f'{{ order(orderId: "{order_id}") {{ orderId status }} }}'

    async with chromium_page() as page:
        await page.open(f"{served.url}/graphql?q={quote(query)}")  # `q`: the page's query
        try:
            # Loaded means every script and stylesheet came or failed: fail fast on the latter.
            assert page.failures() == []
            await page.wait_for("!!document.querySelector('.graphiql-execute-button')")
            await page.click(".graphiql-execute-button")
            result = await page.wait_for(
                f"document.querySelector('.result-window')?.innerText.includes('{order_id}')"
                " && document.querySelector('.result-window').innerText"
            )
        finally:
            await page.screenshot(SCREENSHOT)  # kept as the test's artifact, pass or fail

    assert '"status": "OPEN"' in result
    urls = [url for url in page.requested_urls() if not url.startswith("data:")]
    assert any("/graphiql-assets/graphiql/graphiql.min.js" in url for url in urls)
    assert all(url.startswith(served.url) for url in urls), urls
    assert page.failures() == []


async def test_graphiql_runs_a_subscription_and_shows_a_live_event(
    served: OrdoServer, order_id: str
) -> None:
    """The page's own fetcher opens graphql-transport-ws at /graphql: the history comes, then
    an event committed while the page listens replaces it in the result pane."""
    query = f'subscription {{ orderEvents(orderId: "{order_id}") {{ orderId version type }} }}'
    result_text = "(document.querySelector('.result-window')?.innerText ?? '')"

    async with chromium_page() as page:
        await page.open(f"{served.url}/graphql?q={quote(query)}")
        try:
            assert page.failures() == []
            await page.wait_for("!!document.querySelector('.graphiql-execute-button')")
            await page.click(".graphiql-execute-button")
            history = await page.wait_for(
                f"{result_text}.includes('ORDER_CREATED') && {result_text}"
            )
            async with httpx.AsyncClient(base_url=served.url) as http:
                closed = await http.post(f"/orders/{order_id}", json={"new status": "cancel"})
            assert closed.status_code == 200, closed.text
            live = await page.wait_for(
                f"{result_text}.includes('ORDER_CANCELLED') && {result_text}"
            )
        finally:
            await page.screenshot(ROOT / "artifacts" / "graphiql-subscription.png")

    assert '"version": 1' in history
    assert '"version": 2' in live and order_id in live
    sockets = [
        event["params"]["url"]
        for event in page.events
        if event.get("method") == "Network.webSocketCreated"
    ]
    assert sockets == [f"{served.url.replace('http://', 'ws://')}/graphql"], sockets
    assert page.failures() == []

"""/readyz is honest about live events (SPEC §10): before the process's hub starts, and while
its feed reader follows for subscribers but is not caught up (reconnecting), 503; started
with nobody subscribed (the feed is followed on demand), or following and caught up, 200."""

from __future__ import annotations

import asyncio

import httpx

from ordo.app import create_app
from ordo.settings import load_settings
from tests.support import ADMIN_TOKEN


async def test_readyz_waits_for_the_feed_reader() -> None:
    app = create_app(load_settings({"ORDO_ADMIN_TOKEN": ADMIN_TOKEN}))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://ordo"
    ) as http:
        not_following = await http.get("/readyz")  # no lifespan: the reader never started
        assert not_following.status_code == 503
        assert not_following.json()["error"]["code"] == "UNAVAILABLE"
        hub = app.state.hub
        await hub.start()
        try:
            assert (await http.get("/readyz")).status_code == 200  # nobody subscribes yet
            subscriber = hub.of_order("o-1")
            assert not hub.follower.ready
            assert (await http.get("/readyz")).status_code == 503  # following, not caught up
            await asyncio.wait_for(hub.follower.wait_ready(), 30)
            assert (await http.get("/readyz")).status_code == 200
            subscriber.close()
        finally:
            await hub.stop()


def test_a_served_hub_follows_on_30_s_after_its_last_subscriber_leaves() -> None:
    # SPEC §10's 30 s, as served; that a hub keeps its linger and then rests is
    # tests/integration/test_live_hub.py's (with a short one).
    app = create_app(load_settings({"ORDO_ADMIN_TOKEN": ADMIN_TOKEN}))
    assert app.state.hub.linger == 30

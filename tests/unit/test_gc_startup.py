"""A worker's startup puts what it made out of the collector's way and collects the young
generation less often (ordo/app.py; docs/decisions.md, "The edge of every request")."""

from __future__ import annotations

import gc

import pytest

from ordo.app import GC_THRESHOLDS, create_app


async def test_startup_freezes_what_it_made_and_raises_the_young_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORDO_REDIS_URL", "")  # the embedded store: no Redis to reach
    before = gc.get_threshold()
    app = create_app()
    try:
        gc.set_threshold(700, 10, 10)  # Python's own
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == GC_THRESHOLDS
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)

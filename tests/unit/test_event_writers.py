"""The list of scripts that write events is read from the Lua (tests/event_writers.py): it
sees through the prelude's helpers and an XADD of a script's own, and agrees with the scripts
that follow the feed (an appending script must: lua/lib/prelude.lua's `follow`)."""

from __future__ import annotations

import re

from tests.event_writers import LUA, PRELUDE, appenders, event_writing_scripts, writes_events

HELPERS = appenders(PRELUDE.read_text(encoding="utf-8"))


def test_the_prelude_helpers_that_append_are_found_through_each_other() -> None:
    assert {"append_event", "reserve", "release", "redeem", "add_item"} <= HELPERS
    assert "leave_open" not in HELPERS and "order_state" not in HELPERS


def test_a_script_appending_only_through_a_helper_or_its_own_xadd_is_a_writer() -> None:
    assert writes_events("release(promo_key, open_key, o, e, p, u, id, 'expired')\n", HELPERS)
    assert writes_events("redis.call('XADD', events_key, '*', 'type', t, 'data', d)\n", HELPERS)
    assert not writes_events("local s = order_state(order_key)\n-- release(...) later\n", HELPERS)


def test_the_writers_are_the_scripts_that_follow_the_feed() -> None:
    following = {
        path.stem
        for path in LUA.glob("*.lua")
        if re.search(r"^follow\(", path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert "expire_order" in event_writing_scripts()
    assert event_writing_scripts() == following

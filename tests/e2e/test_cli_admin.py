"""`ordo user | promo | order`: the admin operations from a shell, on the resolvers the API
calls, checked through those resolvers."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ordo.cli import app
from resolvers import orders, promos
from tests.e2e.cli_helpers import ordo, ordo_json, store_at
from tests.support import RedisServer, free_port, unique

STORE_COMMANDS = [
    ["user", "add", "u-1"],
    ["promo", "create", "p-1", "--count", "1", "--per-user-count", "1"],
    ["promo", "update", "p-1", "--count", "2"],
    ["promo", "show", "p-1"],
    ["order", "show", "o-1"],
    ["verify"],
    ["import-mongo", "tests/fixtures/mongo"],
]
EVERY_COMMAND = [
    ["serve"],
    ["export-schema"],
    ["user", "add"],
    ["promo", "create"],
    ["promo", "update"],
    ["promo", "show"],
    ["order", "show"],
    ["verify"],
    ["import-mongo"],
]


@pytest.fixture
def url(redis_server: RedisServer) -> str:
    return redis_server.url


def created_promo(url: str, count: int = 5, per_user: int = 2, *extra: str) -> str:
    promo_id = unique("p")
    made = ordo(
        "promo",
        "create",
        promo_id,
        "--count",
        str(count),
        "--per-user-count",
        str(per_user),
        *extra,
        "--redis-url",
        url,
    )
    assert made.returncode == 0, made.stderr
    return promo_id


# Parsing arguments and printing help need no store: run in-process, which is much quicker.
RUNNER = CliRunner(env={"ORDO_REDIS_URL": None})


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=" ".join)
def test_every_command_explains_itself_with_help(command: list[str]) -> None:
    shown = RUNNER.invoke(app, [*command, "--help"], prog_name="ordo")
    assert shown.exit_code == 0, shown.output
    assert "Usage: ordo " + " ".join(command) in shown.output


@pytest.mark.parametrize("command", STORE_COMMANDS, ids=" ".join)
def test_store_commands_without_a_redis_url_refuse_and_say_why(command: list[str]) -> None:
    refused = RUNNER.invoke(app, command, prog_name="ordo")
    assert refused.exit_code == 2
    assert "needs a Redis server" in refused.output
    assert "ORDO_REDIS_URL" in refused.output


async def test_user_add_makes_a_user_who_can_then_activate_a_promo(url: str) -> None:
    user = unique("u")
    added = ordo("user", "add", user, env={"ORDO_REDIS_URL": url})  # the URL from the env
    assert added.returncode == 0, added.stderr
    assert ordo("user", "add", user, "--redis-url", url).returncode == 0  # again: no change
    promo_id = created_promo(url)
    async with store_at(url) as store:
        order = await orders.create_order(store, user, promo_id)
    assert order.promo is not None and order.promo.user_id == user


def test_promo_create_sets_counters_and_window(url: str) -> None:
    promo_id = created_promo(
        url, 7, 3, "--starts-at", "2026-01-01T00:00:00+02:00", "--ends-at", "2031-01-01T00:00:00Z"
    )
    assert ordo_json("promo", "show", promo_id, url=url) == {
        "promoId": promo_id,
        "count": 7,
        "perUserCount": 3,
        "lockedCount": 0,
        "available": 7,
        "startsAt": "2025-12-31T22:00:00Z",
        "endsAt": "2031-01-01T00:00:00Z",
        "used": {},
    }


def test_promo_create_of_an_existing_id_prints_the_code_and_exits_non_zero(url: str) -> None:
    promo_id = created_promo(url)
    again = ordo(
        "promo", "create", promo_id, "--count", "1", "--per-user-count", "1", "--redis-url", url
    )
    assert again.returncode == 1
    assert "PROMO_EXISTS: a promo code with this id exists" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "-1", "--per-user-count", "1"], "count must be a whole number"),
        (["--count", "1", "--per-user-count", "0"], "perUserCount must be at least 1"),
        (["--count", "1", "--per-user-count", "1", "--starts-at", "2026-01-01"], "with an offset"),
        (
            [
                "--count",
                "1",
                "--per-user-count",
                "1",
                "--starts-at",
                "2027-01-01T00:00:00Z",
                "--ends-at",
                "2026-01-01T00:00:00Z",
            ],
            "endsAt must be after startsAt",
        ),
    ],
)
def test_promo_create_with_bad_input_is_invalid_input(
    url: str, args: list[str], message: str
) -> None:
    refused = ordo("promo", "create", unique("p"), *args, "--redis-url", url)
    assert refused.returncode == 1
    assert "INVALID_INPUT" in refused.stderr and message in refused.stderr


def test_promo_update_changes_what_is_given_and_clears_a_bound(url: str) -> None:
    promo_id = created_promo(
        url, 5, 2, "--starts-at", "2026-01-01T00:00:00Z", "--ends-at", "2031-01-01T00:00:00Z"
    )
    updated = ordo_json("promo", "update", promo_id, "--count", "9", "--clear-ends-at", url=url)
    assert (updated["count"], updated["startsAt"], updated["endsAt"]) == (
        9,
        "2026-01-01T00:00:00Z",
        None,
    )
    moved = ordo_json("promo", "update", promo_id, "--ends-at", "2032-01-01T00:00:00Z", url=url)
    assert (moved["count"], moved["endsAt"]) == (9, "2032-01-01T00:00:00Z")


async def test_promo_update_below_locked_count_is_refused_with_its_code(url: str) -> None:
    promo_id, user = created_promo(url, 2, 2), unique("u")
    assert ordo("user", "add", user, "--redis-url", url).returncode == 0
    async with store_at(url) as store:
        await orders.create_order(store, user, promo_id)
        await orders.create_order(store, user, promo_id)
    refused = ordo("promo", "update", promo_id, "--count", "1", "--redis-url", url)
    assert refused.returncode == 1
    assert "PROMO_COUNT_BELOW_LOCKED" in refused.stderr
    async with store_at(url) as store:
        assert (await promos.get_promo(store, promo_id)).count == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--ends-at", "2030-01-01T00:00:00Z", "--clear-ends-at"],
        [],
    ],
)
def test_promo_update_with_contradictory_or_no_changes_is_a_usage_error(
    url: str, args: list[str]
) -> None:
    refused = ordo("promo", "update", created_promo(url), *args, "--redis-url", url)
    assert refused.returncode == 2
    assert "Invalid value" in refused.stderr


async def test_promo_show_prints_counters_available_and_used_per_user(url: str) -> None:
    promo_id, user, other = created_promo(url, 5, 2), unique("u"), unique("u")
    assert ordo("user", "add", user, "--redis-url", url).returncode == 0
    async with store_at(url) as store:
        done = await orders.create_order(store, user, promo_id)
        await orders.complete_order(store, done.order_id)
        await orders.create_order(store, user, promo_id)
    shown = ordo_json("promo", "show", promo_id, "--user", user, "--user", other, url=url)
    assert (shown["count"], shown["lockedCount"], shown["available"]) == (4, 1, 3)
    assert shown["used"] == {user: 1, other: 0}
    text = ordo("promo", "show", promo_id, "--user", user, "--redis-url", url)
    assert text.returncode == 0, text.stderr
    lines = [line.split() for line in text.stdout.splitlines()]
    assert ["available", "3"] in lines and [f"used({user})", "1"] in lines


def test_promo_show_of_an_unknown_promo_prints_its_code(url: str) -> None:
    missing = ordo("promo", "show", unique("p"), "--redis-url", url)
    assert missing.returncode == 1
    assert "PROMO_NOT_FOUND" in missing.stderr


async def test_order_show_prints_its_state_and_event_history(url: str) -> None:
    promo_id, user = created_promo(url), unique("u")
    assert ordo("user", "add", user, "--redis-url", url).returncode == 0
    async with store_at(url) as store:
        order = await orders.create_order(store, user, promo_id)
        await orders.cancel_order(store, order.order_id)
    shown = ordo_json("order", "show", order.order_id, url=url)
    assert (shown["status"], shown["promo"], shown["version"]) == (
        "CANCELLED",
        {"promoId": promo_id, "userId": user},
        4,
    )
    assert [e["type"] for e in shown["events"]] == [
        "ORDER_CREATED",
        "PROMO_RESERVED",
        "PROMO_RELEASED",
        "ORDER_CANCELLED",
    ]
    assert shown["events"][2]["data"] == {
        "promoId": promo_id,
        "userId": user,
        "reason": "cancelled",
    }
    text = ordo("order", "show", order.order_id, "--redis-url", url)
    assert text.returncode == 0, text.stderr
    assert "CANCELLED" in text.stdout and "PROMO_RELEASED" in text.stdout


def test_order_show_of_an_unknown_order_prints_its_code(url: str) -> None:
    missing = ordo("order", "show", unique("o"), "--redis-url", url)
    assert missing.returncode == 1
    assert "ORDER_NOT_FOUND: order not found" in missing.stderr


def test_a_store_that_cannot_be_reached_is_reported_unavailable() -> None:
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    failed = ordo(
        "promo", "show", "p-1", "--redis-url", unreachable, env={"ORDO_REDIS_TIMEOUT": "0.5"}
    )
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: UNAVAILABLE: the store is unavailable")

"""`ordo import-mongo` of tests/fixtures/mongo (seed 000's three collections, in JSON lines,
--jsonArray and canonical extended JSON) into a database of its own, checked through the
resolvers the API calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import ErrorCode, OrdoError
from domain.order import OrderStatus, PromoActivation
from resolvers import orders, promos
from resolvers.users import ensure_user_known
from tests.e2e.cli_helpers import FIXTURES, dump, empty_database, ordo, store_at
from tests.support import RedisServer

OID_USER = "64b7f0c2a1b2c3d4e5f60718"  # {"$oid": …} ids are their hex text
OID_ORDER = "64b7f0c2a1b2c3d4e5f60801"
REFUSED = [
    "refused:",
    "  users.json #5 (no spaces allowed): _id must be 1-128 characters of letters, digits and "
    "-_.:@ (got 'no spaces allowed')",
    "  promos.json #3 (LOCKED-OVER-COUNT): lockedCount 2 is more than count 1",
    "  promos.json #4 (GHOST): unknown user dave",
]


def import_fixtures(url: str, *paths: Path) -> tuple[int, list[str], str]:
    done = ordo("import-mongo", *map(str, paths or [FIXTURES]), "--redis-url", url)
    return done.returncode, done.stdout.splitlines(), done.stderr


async def test_import_creates_users_orders_and_promos_with_exact_counters(
    redis_server: RedisServer,
) -> None:
    url = empty_database(redis_server)
    status, lines, progress = import_fixtures(url)
    assert lines == [
        "users: 4 created, 0 already present, 1 refused",
        "orders: 2 created, 0 already present, 0 refused",
        "promos: 2 created, 0 already present, 2 refused",
        "promo orders: 2 created, 0 already present",
        *REFUSED,
    ]
    assert status == 1  # some documents were refused
    assert "importing" in progress
    async with store_at(url) as store:
        for user in ("alice", "bob", "carol", OID_USER):
            await ensure_user_known(store, user, ["userId"])
        spring, summer = [await promos.get_promo(store, p) for p in ("SPRING", "SUMMER")]
        assert (spring.count, spring.per_user_count, spring.locked_count) == (10, 2, 2)
        assert (summer.count, summer.per_user_count, summer.locked_count) == (3, 1, 0)
        used = {
            (p, u): await promos.promo_used(store, p, u)
            for p, u in [
                ("SPRING", "alice"),
                ("SPRING", "bob"),
                ("SUMMER", "carol"),
                ("SUMMER", OID_USER),
            ]
        }
        assert used == {
            ("SPRING", "alice"): 1,
            ("SPRING", "bob"): 0,
            ("SUMMER", "carol"): 1,
            ("SUMMER", OID_USER): 1,
        }
        for order_id, user in [("spring-1", "alice"), ("spring-2", "bob")]:
            order = await orders.get_order(store, order_id)
            assert (order.status, order.promo) == (
                OrderStatus.OPEN,
                PromoActivation("SPRING", user),
            )
        for order_id in ("plain-1", OID_ORDER):
            order = await orders.get_order(store, order_id)
            assert (order.status, order.promo) == (OrderStatus.OPEN, None)
        for refused in ("LOCKED-OVER-COUNT", "GHOST"):
            with pytest.raises(OrdoError) as missing:
                await promos.get_promo(store, refused)
            assert missing.value.code is ErrorCode.PROMO_NOT_FOUND
        assert await orders.find_order(store, "over-1") is None


async def test_imported_activations_count_against_the_per_user_limit(
    redis_server: RedisServer,
) -> None:
    url = empty_database(redis_server)
    import_fixtures(url)
    async with store_at(url) as store:
        with pytest.raises(OrdoError) as limit:  # alice holds 2: 1 used, 1 open
            await orders.create_order(store, "alice", "SPRING")
        assert limit.value.code is ErrorCode.PROMO_USER_LIMIT
        await orders.create_order(store, "bob", "SPRING")  # bob holds 1 of 2
        await orders.complete_order(store, "spring-1")
        assert await promos.promo_used(store, "SPRING", "alice") == 2
        spring = await promos.get_promo(store, "SPRING")
        assert (spring.count, spring.locked_count) == (9, 2)


async def test_a_second_import_changes_nothing_and_the_result_passes_verify(
    redis_server: RedisServer,
) -> None:
    url = empty_database(redis_server)
    import_fixtures(url)
    before = dump(url)
    status, lines, _ = import_fixtures(url, *sorted(FIXTURES.glob("*.json")))  # files this time
    assert dump(url) == before
    assert lines == [
        "users: 0 created, 4 already present, 1 refused",
        "orders: 0 created, 2 already present, 0 refused",
        "promos: 0 created, 2 already present, 2 refused",
        "promo orders: 0 created, 2 already present",
        *REFUSED,
    ]
    assert status == 1
    verified = ordo("verify", "--redis-url", url)
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.endswith("checked 4 orders and 2 promos: 0 discrepancies\n")


async def test_a_file_that_is_not_mongoexport_json_imports_nothing(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    url = empty_database(redis_server)
    (tmp_path / "users.json").write_text('{"_id": "fine"}\n')
    (tmp_path / "promos.json").write_text('{"_id": "SPRING", "count": 1,\n')
    before = dump(url)
    status, lines, errors = import_fixtures(url, tmp_path)
    assert status == 1 and lines == []
    assert "promos.json: not mongoexport JSON" in errors
    assert dump(url) == before

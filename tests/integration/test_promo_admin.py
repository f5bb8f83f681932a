"""create_promo, update_promo and create_user: SPEC §3.2 Admin, counters never reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import ErrorCode, OrdoError
from resolvers import orders, promos, users
from store import Store
from store.argv import NoArgs
from store.keys import promo_keys, user_key, user_keys
from tests.integration.helpers import assert_invariants, new_promo, new_user, promo_state
from tests.support import unique

START = datetime(2026, 1, 1, 9, 30, 0, 123456, tzinfo=UTC)
END = START + timedelta(days=30)


async def test_new_promo_starts_with_nothing_locked(store: Store) -> None:
    promo_id = unique("p")
    promo = await promos.create_promo(store, promo_id, 7, 2, START, END)
    assert (promo.count, promo.per_user_count, promo.locked_count, promo.available) == (7, 2, 0, 7)
    assert (promo.starts_at, promo.ends_at) == (START, END)
    assert await promos.get_promo(store, promo_id) == promo
    fields = (await promo_state(store, promo_id)).fields
    assert fields["count"] == "7" and fields["lockedCount"] == "0"


async def test_promo_without_window_stores_no_window_fields(store: Store) -> None:
    promo_id = await new_promo(store, count=0)
    assert set((await promo_state(store, promo_id)).fields) == {
        "count",
        "perUserCount",
        "lockedCount",
    }


async def test_promo_with_a_window_in_the_past_is_allowed(store: Store) -> None:
    past = datetime.now(UTC) - timedelta(days=10)
    promo = await promos.create_promo(store, unique("p"), 1, 1, past, past + timedelta(days=1))
    assert promo.ends_at == past + timedelta(days=1)


async def test_existing_promo_id_is_409_and_keeps_its_live_counters(store: Store) -> None:
    user, promo_id = await new_user(store), await new_promo(store, count=3)
    await orders.create_order(store, user, promo_id)
    before = await promo_state(store, promo_id)
    with pytest.raises(OrdoError) as caught:
        await promos.create_promo(store, promo_id, 100, 5)
    assert caught.value.code is ErrorCode.PROMO_EXISTS
    assert caught.value.field == ("input", "promoId")
    assert await promo_state(store, promo_id) == before


@pytest.mark.parametrize(
    ("count", "per_user", "window", "field"),
    [
        (-1, 1, (None, None), "count"),
        (2**31, 1, (None, None), "count"),
        (1, 0, (None, None), "perUserCount"),
        (1, 1, (END, START), "endsAt"),
        (1, 1, (START, START), "endsAt"),
    ],
)
async def test_bad_promo_input_is_400_and_creates_nothing(
    store: Store,
    count: int,
    per_user: int,
    window: tuple[datetime | None, datetime | None],
    field: str,
) -> None:
    promo_id = unique("p")
    with pytest.raises(OrdoError) as caught:
        await promos.create_promo(store, promo_id, count, per_user, *window)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert caught.value.field == ("input", field)
    assert await store.read("EXISTS", *promo_keys(promo_id)) == 0


async def test_update_sets_count_and_keeps_omitted_fields(store: Store) -> None:
    promo_id = unique("p")
    await promos.create_promo(store, promo_id, 5, 2, START, END)
    promo = await promos.update_promo(store, promo_id, count=9)
    assert (promo.count, promo.per_user_count, promo.starts_at, promo.ends_at) == (9, 2, START, END)


async def test_update_with_null_clears_a_window_bound(store: Store) -> None:
    promo_id = unique("p")
    await promos.create_promo(store, promo_id, 5, 2, START, END)
    promo = await promos.update_promo(store, promo_id, starts_at=None)
    assert (promo.count, promo.starts_at, promo.ends_at) == (5, None, END)
    assert "startsAt" not in (await promo_state(store, promo_id)).fields


async def test_update_count_down_to_locked_count_is_allowed(store: Store) -> None:
    user, promo_id = await new_user(store), await new_promo(store, count=5, per_user_count=2)
    ids = [(await orders.create_order(store, user, promo_id)).order_id for _ in range(2)]
    promo = await promos.update_promo(store, promo_id, count=2)
    assert (promo.count, promo.locked_count, promo.available) == (2, 2, 0)
    await assert_invariants(store, promo_id, ids)


async def test_update_count_below_locked_count_is_409_and_changes_nothing(store: Store) -> None:
    user, promo_id = await new_user(store), await new_promo(store, count=5, per_user_count=2)
    ids = [(await orders.create_order(store, user, promo_id)).order_id for _ in range(2)]
    before = await promo_state(store, promo_id)
    with pytest.raises(OrdoError) as caught:
        await promos.update_promo(store, promo_id, count=1, ends_at=END)
    assert caught.value.code is ErrorCode.PROMO_COUNT_BELOW_LOCKED
    assert caught.value.field == ("input", "count")
    assert await promo_state(store, promo_id) == before
    await assert_invariants(store, promo_id, ids)


async def test_update_making_the_stored_window_empty_is_400_and_changes_nothing(
    store: Store,
) -> None:
    promo_id = unique("p")
    await promos.create_promo(store, promo_id, 5, 1, START, END)
    before = await promo_state(store, promo_id)
    with pytest.raises(OrdoError) as caught:
        await promos.update_promo(store, promo_id, count=6, starts_at=END + timedelta(days=1))
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert caught.value.field == ("input", "endsAt")
    assert await promo_state(store, promo_id) == before


async def test_update_of_an_unknown_promo_is_404_and_creates_nothing(store: Store) -> None:
    promo_id = unique("p")
    with pytest.raises(OrdoError) as caught:
        await promos.update_promo(store, promo_id, count=3)
    assert caught.value.code is ErrorCode.PROMO_NOT_FOUND
    assert await store.read("EXISTS", promo_keys(promo_id)[0]) == 0


async def test_update_cannot_clear_the_count(store: Store) -> None:
    promo_id = await new_promo(store)
    with pytest.raises(OrdoError) as caught:
        await promos.update_promo(store, promo_id, count=None)
    assert caught.value.code is ErrorCode.INVALID_INPUT


async def test_raising_count_lets_an_exhausted_promo_reserve_again(store: Store) -> None:
    user, promo_id = await new_user(store), await new_promo(store, count=0)
    with pytest.raises(OrdoError):
        await orders.create_order(store, user, promo_id)
    await promos.update_promo(store, promo_id, count=1)
    order = await orders.create_order(store, user, promo_id)
    await assert_invariants(store, promo_id, [order.order_id])


async def test_unknown_promo_query_is_404_and_unused_user_has_zero(store: Store) -> None:
    with pytest.raises(OrdoError) as caught:
        await promos.get_promo(store, unique("p"))
    assert caught.value.code is ErrorCode.PROMO_NOT_FOUND
    assert await promos.promo_used(store, await new_promo(store), unique("u")) == 0


async def test_create_user_makes_the_user_known(store: Store) -> None:
    user_id = unique("u")
    assert await users.create_user(store, user_id) == user_id
    assert await store.read("GET", user_key(user_id)) == "1"
    await users.ensure_user_known(store, user_id, ["userId"])


async def test_creating_an_existing_user_succeeds_without_change(store: Store) -> None:
    user_id = unique("u")
    await users.create_user(store, user_id)
    assert await store.run("create_user", user_keys(user_id), NoArgs()) == ["ok"]
    assert await users.create_user(store, user_id) == user_id
    assert await store.read("GET", user_key(user_id)) == "1"


async def test_unknown_user_is_403_and_bad_user_id_is_400(store: Store) -> None:
    with pytest.raises(OrdoError) as unknown:
        await users.ensure_user_known(store, unique("u"), ["input", "userId"])
    assert (unknown.value.code, unknown.value.field) == (
        ErrorCode.USER_NOT_AUTHORIZED,
        ("input", "userId"),
    )
    with pytest.raises(OrdoError) as bad:
        await users.create_user(store, "no spaces")
    assert (bad.value.code, bad.value.field) == (ErrorCode.INVALID_INPUT, ("userId",))

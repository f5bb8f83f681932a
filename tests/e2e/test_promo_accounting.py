"""Promo accounting over HTTP (SPEC §2): reserve, redeem and release move the counters exactly;
the per-user limit counts used and open activations; the validity window; updatePromo's count
never goes below the reserved activations."""

from datetime import timedelta

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    close,
    counters,
    create_order,
    instant,
    ok,
    open_order,
    parse_instant,
    promo_state,
    refused,
    update_promo,
    user_and_promo,
)


async def test_reserve_raises_locked_count_and_lowers_available(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    await open_order(api, **promo)
    await open_order(api, **promo)
    state = await promo_state(api, promo)
    assert (state["count"], state["lockedCount"], state["available"], state["used"]) == (3, 2, 1, 0)


async def test_complete_redeems_one_activation(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    order = await open_order(api, **promo)
    ok(await close(api, order["orderId"], "success"))
    state = await promo_state(api, promo)
    assert (state["count"], state["lockedCount"], state["available"], state["used"]) == (2, 0, 2, 1)


async def test_cancel_releases_the_reservation(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    order = await open_order(api, **promo)
    ok(await close(api, order["orderId"], "cancel"))
    state = await promo_state(api, promo)
    assert (state["count"], state["lockedCount"], state["available"], state["used"]) == (3, 0, 3, 0)


async def test_used_counts_only_the_users_own_redeemed_activations(api: Api) -> None:
    mine = await user_and_promo(api, count=5)
    theirs = {**mine, "userId": (await user_and_promo(api))["userId"]}
    for promo in (mine, mine, theirs):
        ok(await close(api, (await open_order(api, **promo))["orderId"], "success"))
    assert await counters(api, mine) == (2, 0, 2)
    assert (await promo_state(api, theirs))["used"] == 1


async def test_a_cancelled_activation_can_be_taken_again(api: Api) -> None:
    promo = await user_and_promo(api, count=1, per_user=1)
    order = await open_order(api, **promo)
    assert refused(await create_order(api, **promo))[0] == "PROMO_EXHAUSTED"
    ok(await close(api, order["orderId"], "cancel"))
    await open_order(api, **promo)
    assert await counters(api, promo) == (1, 1, 0)


async def test_the_last_activation_redeemed_leaves_the_promo_exhausted(api: Api) -> None:
    promo = await user_and_promo(api, count=1, per_user=5)
    ok(await close(api, (await open_order(api, **promo))["orderId"], "success"))
    assert refused(await create_order(api, **promo))[:2] == ("PROMO_EXHAUSTED", 409)
    assert await counters(api, promo) == (0, 0, 1)


async def test_per_user_limit_counts_used_and_open_activations(api: Api) -> None:
    promo = await user_and_promo(api, count=10, per_user=2)
    ok(await close(api, (await open_order(api, **promo))["orderId"], "success"))
    await open_order(api, **promo)
    assert refused(await create_order(api, **promo))[:2] == ("PROMO_USER_LIMIT", 409)
    assert await counters(api, promo) == (9, 1, 1)


async def test_per_user_limit_is_per_user(api: Api) -> None:
    promo = await user_and_promo(api, count=10, per_user=1)
    await open_order(api, **promo)
    other = {**promo, "userId": (await user_and_promo(api))["userId"]}
    await open_order(api, **other)
    assert refused(await create_order(api, **promo))[0] == "PROMO_USER_LIMIT"
    assert (await promo_state(api, promo))["lockedCount"] == 2


async def test_a_cancelled_order_frees_the_users_slot(api: Api) -> None:
    promo = await user_and_promo(api, count=10, per_user=1)
    order = await open_order(api, **promo)
    ok(await close(api, order["orderId"], "cancel"))
    assert await counters(api, promo) == (10, 0, 0)
    await open_order(api, **promo)
    assert await counters(api, promo) == (10, 1, 0)
    assert refused(await create_order(api, **promo))[0] == "PROMO_USER_LIMIT"  # taken again


async def test_promo_whose_window_has_begun_is_active(api: Api) -> None:
    promo = await user_and_promo(api, startsAt=instant())  # startsAt <= Redis TIME: inclusive
    await open_order(api, **promo)
    assert await counters(api, promo) == (5, 1, 0)


async def test_promo_whose_end_has_come_is_not_active(api: Api) -> None:
    promo = await user_and_promo(api, endsAt=instant())  # Redis TIME >= endsAt: exclusive
    assert refused(await create_order(api, **promo))[:2] == ("PROMO_NOT_ACTIVE", 409)
    assert await counters(api, promo) == (5, 0, 0)


async def test_promo_inside_its_window_is_active(api: Api) -> None:
    window = {"startsAt": instant(-timedelta(days=1)), "endsAt": instant(timedelta(days=1))}
    promo = await user_and_promo(api, **window)
    await open_order(api, **promo)
    assert await counters(api, promo) == (5, 1, 0)


async def test_promo_with_a_window_in_the_future_is_not_active(api: Api) -> None:
    window = {"startsAt": instant(timedelta(days=1)), "endsAt": instant(timedelta(days=2))}
    promo = await user_and_promo(api, **window)
    assert refused(await create_order(api, **promo))[0] == "PROMO_NOT_ACTIVE"


async def test_promo_with_a_window_in_the_past_is_not_active(api: Api) -> None:
    window = {"startsAt": instant(-timedelta(days=2)), "endsAt": instant(-timedelta(days=1))}
    promo = await user_and_promo(api, **window)
    assert refused(await create_order(api, **promo))[0] == "PROMO_NOT_ACTIVE"


async def test_clearing_the_window_makes_an_expired_promo_active_again(api: Api) -> None:
    window = {"startsAt": instant(-timedelta(days=2)), "endsAt": instant(-timedelta(days=1))}
    promo = await user_and_promo(api, **window)
    assert await counters(api, promo) == (5, 0, 0)
    updated = ok(await update_promo(api, promo["promoId"], endsAt=None), "promo")
    assert updated["endsAt"] is None
    assert parse_instant(updated["startsAt"]) == parse_instant(window["startsAt"])  # kept
    await open_order(api, **promo)
    assert await counters(api, promo) == (5, 1, 0)


async def test_completing_still_redeems_after_the_promo_ended(api: Api) -> None:
    promo = await user_and_promo(api, count=3, endsAt=instant(timedelta(days=1)))
    order = await open_order(api, **promo)
    ok(await update_promo(api, promo["promoId"], endsAt=instant(-timedelta(seconds=1))), "promo")
    assert refused(await create_order(api, **promo))[0] == "PROMO_NOT_ACTIVE"
    assert ok(await close(api, order["orderId"], "success"))["status"] == "COMPLETED"
    assert await counters(api, promo) == (2, 0, 1)


async def test_cancelling_still_releases_after_the_promo_ended(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    order = await open_order(api, **promo)
    ok(await update_promo(api, promo["promoId"], endsAt=instant(-timedelta(seconds=1))), "promo")
    assert ok(await close(api, order["orderId"], "cancel"))["status"] == "CANCELLED"
    assert await counters(api, promo) == (3, 0, 0)


async def test_count_cannot_go_below_the_reserved_activations(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    await open_order(api, **promo)
    await open_order(api, **promo)
    payload = await update_promo(api, promo["promoId"], count=1)
    assert refused(payload, "promo") == ("PROMO_COUNT_BELOW_LOCKED", 409, ["input", "count"])
    assert await counters(api, promo) == (3, 2, 0)


async def test_count_can_go_down_to_the_reserved_activations(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    await open_order(api, **promo)
    updated = ok(await update_promo(api, promo["promoId"], count=1), "promo")
    assert (updated["count"], updated["lockedCount"], updated["available"]) == (1, 1, 0)
    assert refused(await create_order(api, **promo))[0] == "PROMO_EXHAUSTED"


async def test_raising_count_makes_an_exhausted_promo_available(api: Api) -> None:
    promo = await user_and_promo(api, count=0)
    assert refused(await create_order(api, **promo))[0] == "PROMO_EXHAUSTED"
    ok(await update_promo(api, promo["promoId"], count=1), "promo")
    await open_order(api, **promo)
    assert await counters(api, promo) == (1, 1, 0)

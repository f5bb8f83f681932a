"""Promo codes on orders with items: reserve, release on decline, reserve again on restore
(SPEC §2, §3.2), and the promo-order closes applying to these orders too."""

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    cancel,
    complete,
    create,
    decline,
    event_types,
    item,
    listed,
    ok,
    opened,
    promo_state,
    read,
    refused,
    restore,
    update_promo,
    user_and_promo,
)
from tests.support import unique


async def test_create_with_promo_locks_one_activation(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    await opened(api, promo=promo)
    state = await promo_state(api, promo)
    assert (state["count"], state["lockedCount"], state["available"], state["used"]) == (3, 1, 2, 0)


async def test_decline_releases_the_reservation_with_reason_declined(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    order = await opened(api, promo=promo)
    declined = ok(await decline(api, order["orderId"]))
    assert event_types(declined)[order["version"] :] == ["ORDER_DECLINED", "PROMO_RELEASED"]
    assert declined["events"][-1]["data"] == {**promo, "reason": "declined"}
    assert (await promo_state(api, promo))["lockedCount"] == 0


async def test_declining_twice_releases_once(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    order = await opened(api, promo=promo)
    ok(await decline(api, order["orderId"]))
    ok(await decline(api, order["orderId"]))
    assert (await promo_state(api, promo))["lockedCount"] == 0


async def test_restore_reserves_the_promo_again(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    order = await opened(api, promo=promo)
    declined = ok(await decline(api, order["orderId"]))
    restored = ok(await restore(api, order["orderId"]))
    assert event_types(restored)[declined["version"] :] == ["ORDER_RESTORED", "PROMO_RESERVED"]
    assert restored["events"][-1]["data"] == promo
    assert (await promo_state(api, promo))["lockedCount"] == 1
    ok(await restore(api, order["orderId"]))
    assert (await promo_state(api, promo))["lockedCount"] == 1


async def test_restore_without_an_activation_left_is_refused_and_stays_declined(api: Api) -> None:
    promo = await user_and_promo(api, count=1, per_user=5)
    first = await opened(api, promo=promo)
    declined = ok(await decline(api, first["orderId"]))
    await opened(api, promo=promo)  # takes the only activation
    refusal = await restore(api, first["orderId"])
    assert refused(refusal)[:2] == ("PROMO_EXHAUSTED", 409)
    assert await read(api, first["orderId"]) == declined
    assert (await promo_state(api, promo))["lockedCount"] == 1


async def test_restore_over_the_users_limit_is_refused_and_stays_declined(api: Api) -> None:
    promo = await user_and_promo(api, count=5, per_user=1)
    first = await opened(api, promo=promo)
    declined = ok(await decline(api, first["orderId"]))
    await opened(api, promo=promo)
    refusal = await restore(api, first["orderId"])
    assert refused(refusal)[:2] == ("PROMO_USER_LIMIT", 409)
    assert await read(api, first["orderId"]) == declined


async def test_create_with_an_exhausted_promo_is_refused_and_writes_nothing(api: Api) -> None:
    promo = await user_and_promo(api, count=1)
    await opened(api, promo=promo)
    order_id = unique("o")
    refusal = await create(api, order_id, unique("e"), [item("a")], promo=promo)
    assert refused(refusal) == ("PROMO_EXHAUSTED", 409, ["input", "promo", "promoId"])
    assert (await promo_state(api, promo))["lockedCount"] == 1


async def test_create_with_an_unknown_promo_is_not_found(api: Api) -> None:
    promo = await user_and_promo(api)
    missing = {**promo, "promoId": unique("p")}
    refusal = await create(api, unique("o"), unique("e"), [item("a")], promo=missing)
    assert refused(refusal)[:2] == ("PROMO_NOT_FOUND", 404)


async def test_retried_create_succeeds_after_the_promo_ran_out(api: Api) -> None:
    promo = await user_and_promo(api, count=1, per_user=1)
    order = await opened(api, promo=promo)
    again = ok(await create(api, order["orderId"], order["entityId"], [item("a")], promo=promo))
    assert again == order
    assert (await promo_state(api, promo))["lockedCount"] == 1


async def test_complete_redeems_the_promo_of_an_order_with_items(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    order = await opened(api, promo=promo)
    done = ok(await complete(api, order["orderId"]))
    assert done["status"] == "COMPLETED"
    assert event_types(done)[order["version"] :] == ["PROMO_REDEEMED", "ORDER_COMPLETED"]
    state = await promo_state(api, promo)
    assert (state["count"], state["lockedCount"], state["available"], state["used"]) == (2, 0, 2, 1)


async def test_cancel_releases_the_promo_of_an_order_with_items(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    order = await opened(api, promo=promo)
    done = ok(await cancel(api, order["orderId"]))
    assert done["status"] == "CANCELLED"
    assert event_types(done)[order["version"] :] == ["PROMO_RELEASED", "ORDER_CANCELLED"]
    assert done["events"][-2]["data"] == {**promo, "reason": "cancelled"}
    state = await promo_state(api, promo)
    assert (state["count"], state["lockedCount"], state["available"], state["used"]) == (3, 0, 3, 0)


async def test_complete_and_cancel_apply_to_orders_with_items_without_promo(api: Api) -> None:
    order = await opened(api)
    assert event_types(ok(await complete(api, order["orderId"])))[-1] == "ORDER_COMPLETED"
    assert refused(await cancel(api, order["orderId"]))[:2] == ("ORDER_CLOSED", 409)
    other = await opened(api)
    assert event_types(ok(await cancel(api, other["orderId"])))[-1] == "ORDER_CANCELLED"


async def test_a_declined_promo_order_frees_the_activation_for_another_order(api: Api) -> None:
    promo = await user_and_promo(api, count=1, per_user=1)
    first = await opened(api, promo=promo)
    ok(await decline(api, first["orderId"]))
    second = await opened(api, promo=promo)
    assert second["promo"] == promo
    assert (await promo_state(api, promo))["lockedCount"] == 1


async def test_restore_after_the_promo_window_closed_is_refused_and_stays_declined(
    api: Api,
) -> None:
    promo = await user_and_promo(api)
    order = await opened(api, promo=promo)
    declined = ok(await decline(api, order["orderId"]))
    closed = await update_promo(api, promo["promoId"], endsAt="2020-01-01T00:00:00Z")
    assert closed["errors"] == [], closed
    refusal = await restore(api, order["orderId"])
    assert refused(refusal)[:2] == ("PROMO_NOT_ACTIVE", 409)
    assert await read(api, order["orderId"]) == declined
    assert (await promo_state(api, promo))["lockedCount"] == 0


async def test_create_before_the_promo_window_opens_is_refused(api: Api) -> None:
    promo = await user_and_promo(api)
    opens = await update_promo(api, promo["promoId"], startsAt="2999-01-01T00:00:00Z")
    assert opens["errors"] == [], opens
    order_id = unique("o")
    refusal = await create(api, order_id, unique("e"), [item("a")], promo=promo)
    assert refused(refusal) == ("PROMO_NOT_ACTIVE", 409, ["input", "promo", "promoId"])
    assert (await promo_state(api, promo))["lockedCount"] == 0


async def test_a_create_refused_by_the_promo_leaves_no_trace_of_the_order(api: Api) -> None:
    empty = await user_and_promo(api, count=0)
    order_id, entity_id, other_entity = unique("o"), unique("e"), unique("e")
    refusal = await create(api, order_id, entity_id, [item("a")], promo=empty)
    assert refused(refusal)[:2] == ("PROMO_EXHAUSTED", 409)
    assert refused(await restore(api, order_id))[:2] == ("ORDER_NOT_FOUND_FOR_RESTORE", 400)
    made = ok(await create(api, order_id, other_entity, [item("b")]))
    assert made["promo"] is None and made["entityId"] == other_entity
    assert await listed(api, other_entity) == [order_id]
    assert await listed(api, entity_id, include_declined=True) == []

"""Races over HTTP (SPEC §2 invariants): concurrent requests through GraphQL and REST together
never reserve past a promo's count or a user's limit, never reserve twice for one idempotency
key, and never close an order both ways."""

import asyncio
from collections import Counter
from typing import Any

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    close,
    counters,
    create_order,
    create_user,
    open_order,
    read_order,
    rest_close,
    rest_create,
    update_promo,
    user_and_promo,
)
from tests.support import unique


async def graphql_create(api: Api, given: dict[str, str]) -> tuple[str, str | None]:
    """(outcome, order id): outcome "ok" or the error code."""
    payload = await create_order(api, **given)
    if payload["errors"]:
        return payload["errors"][0]["code"], None
    return "ok", payload["order"]["orderId"]


async def rest_create_outcome(
    api: Api, body: dict[str, str], key: str | None = None
) -> tuple[str, str | None]:
    response = await rest_create(api, body, key)
    if response.status_code != 200:
        return response.json()["error"]["code"], None
    return "ok", response.json()["orderId"]


async def mixed_creates(api: Api, givens: list[dict[str, str]]) -> list[tuple[str, str | None]]:
    """Every create at once, alternating GraphQL and REST."""
    calls = [
        graphql_create(api, given) if index % 2 else rest_create_outcome(api, given)
        for index, given in enumerate(givens)
    ]
    return list(await asyncio.gather(*calls))


async def test_200_concurrent_creates_on_a_promo_of_20_reserve_exactly_20(api: Api) -> None:
    promo = await user_and_promo(api, count=20, per_user=1000)
    outcomes = await mixed_creates(api, [promo] * 200)
    assert Counter(outcome for outcome, _ in outcomes) == {"ok": 20, "PROMO_EXHAUSTED": 180}
    assert len({order_id for outcome, order_id in outcomes if outcome == "ok"}) == 20
    assert await counters(api, promo) == (20, 20, 0)


async def test_200_different_users_racing_for_20_activations_get_exactly_20(api: Api) -> None:
    promo_id = (await user_and_promo(api, count=20, per_user=1))["promoId"]
    users = await asyncio.gather(*(create_user(api) for _ in range(200)))
    outcomes = await mixed_creates(api, [{"userId": user, "promoId": promo_id} for user in users])
    assert Counter(outcome for outcome, _ in outcomes) == {"ok": 20, "PROMO_EXHAUSTED": 180}
    winners = [user for user, (outcome, _) in zip(users, outcomes, strict=True) if outcome == "ok"]
    assert len(set(winners)) == 20
    assert (await counters(api, {"promoId": promo_id, "userId": winners[0]}))[:2] == (20, 20)


async def test_50_concurrent_creates_by_one_user_with_limit_3_reserve_exactly_3(api: Api) -> None:
    promo = await user_and_promo(api, count=1000, per_user=3)
    outcomes = await mixed_creates(api, [promo] * 50)
    assert Counter(outcome for outcome, _ in outcomes) == {"ok": 3, "PROMO_USER_LIMIT": 47}
    assert await counters(api, promo) == (1000, 3, 0)


async def test_20_concurrent_creates_with_one_key_make_one_order_and_reserve_once(api: Api) -> None:
    promo, key = await user_and_promo(api, count=5), unique("k")
    calls = [
        graphql_create(api, {**promo, "idempotencyKey": key})
        if index % 2
        else rest_create_outcome(api, promo, key)
        for index in range(20)
    ]
    outcomes = await asyncio.gather(*calls)
    assert {outcome for outcome, _ in outcomes} == {"ok"}
    order_ids = {order_id for _, order_id in outcomes}
    assert len(order_ids) == 1
    assert await counters(api, promo) == (5, 1, 0)
    assert (await read_order(api, order_ids.pop()))["version"] == 2


async def close_outcome(
    api: Api, order_id: str, new_status: str, via_rest: bool
) -> tuple[str, str]:
    """(new status asked, "ok" or the error code)."""
    if via_rest:
        response = await rest_close(api, order_id, new_status)
        ok = response.status_code == 200
        return new_status, "ok" if ok else response.json()["error"]["code"]
    payload = await close(api, order_id, new_status)
    return new_status, payload["errors"][0]["code"] if payload["errors"] else "ok"


FINAL = {"success": "COMPLETED", "cancel": "CANCELLED"}


async def test_concurrent_completes_and_cancels_close_each_order_exactly_one_way(api: Api) -> None:
    promo = await user_and_promo(api, count=30, per_user=100)
    order_ids = [order_id for _, order_id in await mixed_creates(api, [promo] * 20)]
    assert None not in order_ids
    calls = [
        close_outcome(api, order_id, new_status, via_rest)
        for order_id in order_ids
        for new_status in ("success", "cancel")
        for via_rest in (False, True)
        for _ in range(2)
    ]
    outcomes: list[tuple[str, str]] = list(await asyncio.gather(*calls))
    finals = [await read_order(api, order_id) for order_id in order_ids]
    per_order = len(calls) // len(order_ids)
    for index, order in enumerate(finals):
        asked = outcomes[index * per_order : (index + 1) * per_order]
        assert_closed_once(order, asked)
    completed = sum(order["status"] == "COMPLETED" for order in finals)
    assert await counters(api, promo) == (30 - completed, 0, completed)


def assert_closed_once(order: dict[str, Any], asked: list[tuple[str, str]]) -> None:
    """Every request for the winning way succeeded; every other one was refused as closed."""
    assert order["status"] in {"COMPLETED", "CANCELLED"}
    winner = next(way for way, final in FINAL.items() if final == order["status"])
    for new_status, outcome in asked:
        assert outcome == ("ok" if new_status == winner else "ORDER_CLOSED"), (order, asked)
    assert order["version"] == 4
    types = [event["type"] for event in order["events"]]
    closing = {
        "COMPLETED": ["PROMO_REDEEMED", "ORDER_COMPLETED"],
        "CANCELLED": ["PROMO_RELEASED", "ORDER_CANCELLED"],
    }
    assert types == ["ORDER_CREATED", "PROMO_RESERVED", *closing[order["status"]]]


async def test_creates_racing_with_cancels_keep_the_counters_exact(api: Api) -> None:
    promo = await user_and_promo(api, count=10, per_user=1000)
    first = [order_id for _, order_id in await mixed_creates(api, [promo] * 10)]
    cancels = [
        close_outcome(api, order_id, "cancel", index % 2 == 0)
        for index, order_id in enumerate(first)
    ]
    results = await asyncio.gather(*cancels, mixed_creates(api, [promo] * 40))
    *cancelled, creates = results
    assert all(outcome == "ok" for _, outcome in cancelled)
    made = Counter(outcome for outcome, _ in creates)
    assert set(made) <= {"ok", "PROMO_EXHAUSTED"}
    assert made["ok"] <= 10
    assert await counters(api, promo) == (10, made["ok"], 0)


async def test_lowering_count_while_orders_reserve_never_leaves_locked_above_count(
    api: Api,
) -> None:
    promo = await user_and_promo(api, count=100, per_user=1000)
    updates = [update_promo(api, promo["promoId"], count=30) for _ in range(20)]
    results = await asyncio.gather(mixed_creates(api, [promo] * 60), *updates)
    creates, *updated = results
    made = Counter(outcome for outcome, _ in creates)
    lowered = [payload for payload in updated if not payload["errors"]]
    assert all(
        payload["errors"][0]["code"] == "PROMO_COUNT_BELOW_LOCKED"
        for payload in updated
        if payload["errors"]
    )
    count, locked, _ = await counters(api, promo)
    assert locked == made["ok"] <= count
    if lowered:
        assert count == 30 and set(made) <= {"ok", "PROMO_EXHAUSTED"}
    else:
        assert (count, made) == (100, {"ok": 60})


async def test_one_key_racing_a_refill_of_its_promo_makes_one_order(api: Api) -> None:
    """A create refused for want of activations must not free its key while a duplicate of it
    is still in flight, or that duplicate and a later retry each make (and reserve) an order.
    The interleaving is not forced: repeated rounds make a missed one all but certain."""
    for _ in range(12):
        promo, key = await user_and_promo(api, count=0, per_user=100), unique("k")
        given = {**promo, "idempotencyKey": key}
        creates = [create_order(api, **given) for _ in range(10)]
        refill = update_promo(api, promo["promoId"], count=5)
        *racing, _ = await asyncio.gather(*creates, refill)
        retry = await open_order(api, **given)
        made = {payload["order"]["orderId"] for payload in racing if payload["order"]}
        assert made | {retry["orderId"]} == {retry["orderId"]}
        assert (await counters(api, promo))[1] == 1

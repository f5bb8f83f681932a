"""The cross-slot create protocol (store/homes.py), stopped between its steps, on every
backend: a create that dies after its claim or its index entry leaves no read that lies and no
activation held; a retry completes it once; of two creates of one id under two homes, however
they interleave, at most one writes; stale index entries are dropped only when provably dead.

A test-only seam, `homes.between_steps`, stops the work after a step ("claimed", "indexed"):
raising there is a process dying; waiting there lets another create run in between.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest

from domain.errors import ErrorCode, OrdoError
from domain.order import PromoActivation
from resolvers import entity_orders, idempotency, orders
from store import Store, homes
from store.keys import Home, entity_orders_key, fence_key, home_key
from tests.e2e.helpers import RAW_RENT, RawItemIn
from tests.integration.helpers import (
    assert_invariants,
    new_promo,
    new_user,
    nothing_stored,
    promo_state,
)
from tests.support import unique


class Died(Exception):
    """The process stopped here."""


class Stop:
    """Replaces homes.between_steps: the first create reaching `step` dies there, or waits
    there until released (`wait=True`); every other call goes on."""

    def __init__(self, step: str, wait: bool = False) -> None:
        self.step, self.wait, self.used = step, wait, False
        self.reached, self.released = asyncio.Event(), asyncio.Event()

    async def __call__(self, step: str, order_id: str) -> None:
        if step != self.step or self.used:
            return
        self.used = True
        self.reached.set()
        if not self.wait:
            raise Died(step)
        await self.released.wait()


@pytest.fixture
def stop_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Stop]]:
    def install(step: str, wait: bool = False) -> Stop:
        stop = Stop(step, wait)
        monkeypatch.setattr(homes, "between_steps", stop)
        return stop

    yield install  # type: ignore[misc]


async def _activation(store: Store, count: int = 5) -> PromoActivation:
    user, promo = await new_user(store), await new_promo(store, count, per_user_count=5)
    return PromoActivation(promo, user)


async def _create(
    store: Store, order_id: str, entity_id: str, promo: PromoActivation | None = None
) -> str:
    made = await entity_orders.create_order_with_items(
        store, order_id, entity_id, RAW_RENT, [RawItemIn("a")], promo
    )
    return made.order_id


async def _listed(store: Store, entity_id: str) -> list[str]:
    return [o.order_id for o in await entity_orders.list_orders(store, entity_id, True)]


async def _not_found(store: Store, order_id: str) -> bool:
    try:
        await orders.get_order(store, order_id)
    except OrdoError as error:
        return error.code is ErrorCode.ORDER_NOT_FOUND
    return False


@pytest.mark.parametrize("step", ["claimed", "indexed"])
async def test_a_create_that_died_between_steps_shows_nothing_and_its_retry_reserves_once(
    store: Store, stop_at: type[Stop], step: str
) -> None:
    promo, order_id, entity_id = await _activation(store), unique("o"), unique("e")
    stop_at(step)
    with pytest.raises(Died):
        await _create(store, order_id, entity_id, promo)
    assert await _not_found(store, order_id)
    assert await _listed(store, entity_id) == []
    assert (await promo_state(store, promo.promo_id)).locked == 0
    assert await _create(store, order_id, entity_id, promo) == order_id
    assert await _listed(store, entity_id) == [order_id]
    state = await assert_invariants(store, promo.promo_id, [order_id])
    assert (state.locked, state.open) == (1, {promo.user_id: 1})


async def test_a_create_under_another_home_takes_over_a_dead_claim_and_its_entry_is_dropped(
    store: Store, stop_at: type[Stop]
) -> None:
    promo, order_id = await _activation(store), unique("o")
    first_entity, second_entity = unique("e"), unique("e")
    stop_at("indexed")
    with pytest.raises(Died):
        await _create(store, order_id, first_entity, promo)
    assert await _create(store, order_id, second_entity) == order_id
    assert (await orders.get_order(store, order_id)).entity_id == second_entity
    assert await _listed(store, first_entity) == []
    # The claim moved on, so the dead create's entry can never lead to an order: dropped.
    assert await store.read("HGET", entity_orders_key(first_entity), order_id) is None
    assert await _listed(store, second_entity) == [order_id]
    assert (await promo_state(store, promo.promo_id)).locked == 0


@pytest.mark.parametrize("paused_at", ["claimed", "indexed"])
@pytest.mark.parametrize("same_entity", [True, False], ids=["same-entity", "two-entities"])
async def test_of_two_creates_of_one_id_under_two_homes_only_one_writes(
    store: Store, stop_at: type[Stop], paused_at: str, same_entity: bool
) -> None:
    """The first holds its claim and pauses; the second fences the first's home, takes the
    claim over and writes; the first, resumed, is refused and writes nothing."""
    first_promo, second_promo, order_id = (
        await _activation(store),
        await _activation(store),
        unique("o"),
    )
    first_entity = unique("e")
    second_entity = first_entity if same_entity else unique("e")
    stop = stop_at(paused_at, wait=True)
    first = asyncio.create_task(_create(store, order_id, first_entity, first_promo))
    await asyncio.wait_for(stop.reached.wait(), 10)
    assert await _create(store, order_id, second_entity, second_promo) == order_id
    stop.released.set()
    with pytest.raises(OrdoError) as refused:
        await first
    assert refused.value.code is ErrorCode.ORDER_CONFLICT
    assert await nothing_stored(store, Home.of_promo(first_promo.promo_id), order_id)
    assert (await promo_state(store, first_promo.promo_id)).locked == 0
    assert (await promo_state(store, second_promo.promo_id)).locked == 1
    found = await orders.get_order(store, order_id)
    assert (found.entity_id, found.promo) == (second_entity, second_promo)
    assert await _listed(store, second_entity) == [order_id]
    if not same_entity:
        assert await _listed(store, first_entity) == []


async def test_a_paused_create_whose_entry_was_dropped_after_the_grace_period_still_lands_once(
    store: Store, stop_at: type[Stop], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listing past the grace period fences the paused create's home and drops its entry;
    the create, resumed, is refused there, claims again, lists itself again and writes."""
    promo, order_id, entity_id = await _activation(store), unique("o"), unique("e")
    monkeypatch.setattr(homes, "GRACE_SECONDS", 0)
    stop = stop_at("indexed", wait=True)
    paused = asyncio.create_task(_create(store, order_id, entity_id, promo))
    await asyncio.wait_for(stop.reached.wait(), 10)
    assert await _listed(store, entity_id) == []
    assert await store.read("HGET", entity_orders_key(entity_id), order_id) is None
    assert await store.read("EXISTS", fence_key(Home.of_promo(promo.promo_id), order_id)) == 1
    stop.released.set()
    assert await paused == order_id
    assert await _listed(store, entity_id) == [order_id]
    state = await assert_invariants(store, promo.promo_id, [order_id])
    assert state.locked == 1


async def test_an_entry_of_a_create_in_flight_is_kept_within_the_grace_period(
    store: Store, stop_at: type[Stop]
) -> None:
    order_id, entity_id = unique("o"), unique("e")
    stop = stop_at("indexed", wait=True)
    paused = asyncio.create_task(_create(store, order_id, entity_id))
    await asyncio.wait_for(stop.reached.wait(), 10)
    assert await _listed(store, entity_id) == []
    assert await store.read("HGET", entity_orders_key(entity_id), order_id) is not None
    stop.released.set()
    assert await paused == order_id
    assert await _listed(store, entity_id) == [order_id]


async def test_an_entry_naming_an_order_of_another_entity_is_dropped(store: Store) -> None:
    """Two creates of one id with one promo but two entities share a home: the loser's entry
    points at the winner, whose events name the winner's entity."""
    promo, order_id = await _activation(store), unique("o")
    winner, loser = unique("e"), unique("e")
    await _create(store, order_id, winner, promo)
    with pytest.raises(OrdoError) as refused:
        await _create(store, order_id, loser, promo)
    assert refused.value.code is ErrorCode.ORDER_CONFLICT
    assert await store.read("HGET", entity_orders_key(loser), order_id) is not None
    assert await _listed(store, loser) == []
    assert await store.read("HGET", entity_orders_key(loser), order_id) is None
    assert await _listed(store, winner) == [order_id]


async def test_a_promo_create_that_died_after_its_claims_is_completed_by_its_retry(
    store: Store,
) -> None:
    """createOrder binds its idempotency key, then claims the promo home, then creates: a
    process dying after both claims leaves nothing to read, and the retry reserves once."""
    user, promo, key, order_id = (
        await new_user(store),
        await new_promo(store),
        unique("k"),
        unique("o"),
    )
    await idempotency.claim(store, key, json.dumps([promo, user]), order_id)
    await homes.claim(store, order_id, Home.of_promo(promo))
    assert await store.read("GET", home_key(order_id)) == Home.of_promo(promo).tag
    assert await _not_found(store, order_id)
    assert (await promo_state(store, promo)).locked == 0
    made = await orders.create_order(store, user, promo, key)
    again = await orders.create_order(store, user, promo, key)
    assert made.order_id == again.order_id == order_id
    assert (await assert_invariants(store, promo, [order_id])).locked == 1

"""SPEC §2 invariants, read straight from Redis after every step of seeded random sequences of
create / complete / cancel / recount, checked against a model of what each step must do."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from domain.errors import ErrorCode, OrdoError
from resolvers import orders, promos
from store import Store
from tests.integration.helpers import assert_invariants, new_promo, new_user

STEPS = 60


@dataclass
class Model:
    """What the counters must be: SPEC §2's table applied step by step."""

    count: int
    per_user: int
    open: dict[str, str] = field(default_factory=dict)  # order id -> user
    closed: list[str] = field(default_factory=list)
    used: dict[str, int] = field(default_factory=dict)

    def open_of(self, user: str) -> int:
        return sum(1 for owner in self.open.values() if owner == user)

    def refusal(self, user: str) -> ErrorCode | None:
        if self.count - len(self.open) < 1:
            return ErrorCode.PROMO_EXHAUSTED
        if self.used.get(user, 0) + self.open_of(user) >= self.per_user:
            return ErrorCode.PROMO_USER_LIMIT
        return None


async def create(store: Store, model: Model, promo: str, user: str) -> None:
    expected = model.refusal(user)
    try:
        order = await orders.create_order(store, user, promo)
    except OrdoError as error:
        assert error.code is expected
        return
    assert expected is None
    model.open[order.order_id] = user


async def close(store: Store, model: Model, rng: random.Random) -> None:
    order_id = rng.choice(sorted(model.open))
    user = model.open.pop(order_id)
    model.closed.append(order_id)
    if rng.random() < 0.5:
        await orders.complete_order(store, order_id)
        model.count -= 1
        model.used[user] = model.used.get(user, 0) + 1
    else:
        await orders.cancel_order(store, order_id)


async def close_again(store: Store, rng: random.Random, closed: list[str]) -> None:
    """A repeated or opposite close of a closed order: success or 409, never a counter change."""
    closing = rng.choice([orders.complete_order, orders.cancel_order])
    try:
        await closing(store, rng.choice(closed))
    except OrdoError as error:
        assert error.code is ErrorCode.ORDER_CLOSED


async def recount(store: Store, model: Model, promo: str, rng: random.Random) -> None:
    target = rng.randint(0, model.count + 2)
    try:
        await promos.update_promo(store, promo, count=target)
    except OrdoError as error:
        assert error.code is ErrorCode.PROMO_COUNT_BELOW_LOCKED
        assert target < len(model.open)
        return
    assert target >= len(model.open)
    model.count = target


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
async def test_counters_hold_the_spec_invariants_after_every_step(store: Store, seed: int) -> None:
    rng = random.Random(seed)
    model = Model(count=rng.randint(3, 8), per_user=rng.randint(1, 3))
    promo = await new_promo(store, model.count, model.per_user)
    people = [await new_user(store) for _ in range(4)]
    for _ in range(STEPS):
        roll = rng.random()
        if roll < 0.5:
            await create(store, model, promo, rng.choice(people))
        elif roll < 0.8 and model.open:
            await close(store, model, rng)
        elif roll < 0.9 and model.closed:
            await close_again(store, rng, model.closed)
        else:
            await recount(store, model, promo, rng)
        state = await assert_invariants(store, promo, [*model.open, *model.closed])
        assert state.count == model.count
        assert state.open_orders == set(model.open)
        assert state.used == model.used
        assert state.open == {u: model.open_of(u) for u in people if model.open_of(u)}

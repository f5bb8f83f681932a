"""The audit every fault test relies on (testing/audit.py) passes on a whole store and catches
each kind of half-applied state: an order nobody can find, a state hash without its events,
a status its events do not fold to, a counter off by one."""

from collections.abc import AsyncIterator

import pytest

from resolvers import orders
from store import Store
from store.keys import Home, events_key, home_key, order_keys, promo_keys
from testing.audit import audit, redis_store
from tests.integration.helpers import new_promo, new_user
from tests.support import RedisServer


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    private = RedisServer()
    private.start()
    made = redis_store(private.url)
    try:
        yield made
    finally:
        await made.close()
        private.cleanup()


async def promo_order(store: Store) -> tuple[str, str]:
    promo = await new_promo(store, 5, 5)
    order = await orders.create_order(store, await new_user(store), promo)
    await orders.create_order(store)  # a plain order beside it
    return promo, order.order_id


CORRUPTIONS = {
    "home pointer lost": lambda promo, order: ("DEL", home_key(order)),
    "events lost": lambda promo, order: ("DEL", events_key(Home.of_promo(promo), order)),
    "status unfolded": lambda promo, order: (
        "HSET",
        order_keys(Home.of_promo(promo), order)[0],
        "status",
        "COMPLETED",
    ),
    "lockedCount off by one": lambda promo, order: (
        "HINCRBY",
        promo_keys(promo)[0],
        "lockedCount",
        1,
    ),
    "used counted twice": lambda promo, order: ("HINCRBY", promo_keys(promo)[1], "someone", 1),
}


async def test_a_whole_store_passes_the_audit(store: Store) -> None:
    promo, order = await promo_order(store)
    found = await audit(store)
    assert order in found.orders and found.promos[promo].locked == 1
    assert sum(found.statuses().values()) == 2


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
async def test_the_audit_catches_a_half_applied_state(store: Store, corruption: str) -> None:
    promo, order = await promo_order(store)
    await store.read(*CORRUPTIONS[corruption](promo, order))
    with pytest.raises(AssertionError):
        await audit(store)

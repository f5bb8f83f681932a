"""An audit of everything ordo keeps in one Redis, read with plain commands (no resolver).

After load, a crash or an outage it checks that nothing is half-applied: every order's state
hash and event stream exist together and agree (the stream folds to the hash's status and
promo), every order living away from its own slot can be found by id (its home pointer), and
every promo holds SPEC §2's invariants exactly, with `used` and `open` matching its orders.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from domain.order import OrderStatus
from ordo.connect import connect
from ordo.settings import load_settings
from store import Store
from store.keys import (
    Home,
    entity_orders_key,
    events_key,
    home_key,
    order_key_pattern,
    order_keys,
    order_of_key,
    promo_key_pattern,
    promo_of_key,
)
from store.keyspace import scan_keys
from store.replies import order_from_entries
from testing.invariants import PromoState, assert_invariants


def redis_store(url: str) -> Store:
    """A store on a Redis the caller started (for reading it straight)."""
    return connect(load_settings({"ORDO_REDIS_URL": url, "ORDO_ADMIN_TOKEN": "audit"}))


@dataclass(frozen=True)
class StoredOrder:
    order_id: str
    home: Home
    status: OrderStatus
    promo_id: str
    user_id: str


@dataclass(frozen=True)
class Audit:
    orders: dict[str, StoredOrder]
    promos: dict[str, PromoState]

    def statuses(self) -> Counter[str]:
        return Counter(order.status.value for order in self.orders.values())


async def stored_order(store: Store, order_id: str) -> StoredOrder:
    """The order found by id (through its home pointer), checked; raises if it does not exist."""
    pointer = await store.read("GET", home_key(order_id))
    return await _checked_order(
        store, Home(pointer) if pointer else Home.of_order(order_id), order_id
    )


async def _checked_order(store: Store, home: Home, order_id: str) -> StoredOrder:
    """State hash and stream agree; the order can be found by id and under its entity."""
    state = dict(await store.read("HGETALL", order_keys(home, order_id)[0]))
    order = order_from_entries(
        order_id, await store.read("XRANGE", events_key(home, order_id), "-", "+")
    )
    assert order is not None, f"order {order_id} has no events at {home.tag}"
    assert order.status.value == state.get("status"), (order_id, order.status, state)
    promo = order.promo
    held = (promo.promo_id, promo.user_id) if promo else ("", "")
    assert held == (state["promoId"], state["userId"]), (order_id, promo, state)
    if home.promo_id is not None:
        assert promo is not None and promo.promo_id == home.promo_id, (order_id, home)
    if home != Home.of_order(order_id):
        pointer = await store.read("GET", home_key(order_id))
        assert pointer == home.tag, (
            f"order {order_id} lives at {home.tag}; its pointer says {pointer}"
        )
    if order.entity_id is not None:
        listed = await store.read("HGET", entity_orders_key(order.entity_id), order_id)
        assert listed == home.tag, f"order {order_id} is not listed under its entity"
    return StoredOrder(order_id, home, order.status, state["promoId"], state["userId"])


async def _streams_have_state(store: Store) -> None:
    """An event stream without its state hash would be an order half-written."""
    for key in await scan_keys(store, order_key_pattern().replace(":order:", ":events:")):
        state_key = key.replace("}:events:", "}:order:", 1)
        assert await store.read("EXISTS", state_key) == 1, key


async def check_promo(store: Store, promo_id: str, orders: list[StoredOrder]) -> PromoState:
    """SPEC §2 for one promo, given every order it has ever held."""
    state = await assert_invariants(store, promo_id, [order.order_id for order in orders])
    by_status = {
        status: Counter(order.user_id for order in orders if order.status is status)
        for status in (OrderStatus.OPEN, OrderStatus.COMPLETED)
    }
    # No activation lost or counted twice: each redeem is one COMPLETED order, each hold one OPEN.
    assert state.used == dict(by_status[OrderStatus.COMPLETED]), (promo_id, state.used)
    assert state.open == dict(by_status[OrderStatus.OPEN]), (promo_id, state.open)
    return state


async def audit(store: Store) -> Audit:
    """Every order and promo in the store, each checked; raises AssertionError on a fault."""
    orders = {}
    for key in await scan_keys(store, order_key_pattern()):
        located = order_of_key(key)
        assert located is not None, key
        order = await _checked_order(store, *located)
        orders[order.order_id] = order
    await _streams_have_state(store)
    promos = {}
    for key in await scan_keys(store, promo_key_pattern()):
        promo_id = promo_of_key(key)
        assert promo_id is not None, key
        held = [order for order in orders.values() if order.home.promo_id == promo_id]
        promos[promo_id] = await check_promo(store, promo_id, held)
    return Audit(orders, promos)

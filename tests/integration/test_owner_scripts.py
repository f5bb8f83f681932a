"""The owner checks of SPEC §9 inside the scripts, on every backend (the cluster too): an
order records its customer atomically, and a customer's change of an order it does not own is
refused as if the order were missing, before anything is written."""

from __future__ import annotations

import pytest

from domain.access import Caller, Role
from domain.errors import ErrorCode, OrdoError
from domain.order import PromoActivation
from resolvers import entity_orders, orders
from store import Store
from store.keys import Home, order_keys
from tests.e2e.helpers import RAW_RENT, RawItemIn
from tests.integration.helpers import new_promo, new_user, promo_state, stream
from tests.support import unique


def customer(user_id: str) -> Caller:
    return Caller(Role.CUSTOMER, user_id)


SERVICE = Caller(Role.SERVICE, "billing")


async def test_an_order_made_under_a_customer_records_its_owner_in_state_and_event(
    store: Store,
) -> None:
    user_id = await new_user(store)
    order = await orders.create_order(store, caller=customer(user_id))
    assert order.owner_id == user_id
    assert order.events[0].data["ownerId"] == user_id
    home = Home.of_order(order.order_id)
    assert (
        await store.read("HGET", order_keys(home, order.order_id).order_key, "ownerId") == user_id
    )
    plain = await orders.create_order(store, caller=SERVICE)
    assert plain.owner_id is None and "ownerId" not in plain.events[0].data


CHANGES = {
    "complete": (lambda s, o, c: orders.complete_order(s, o, c), ErrorCode.ORDER_NOT_FOUND),
    "cancel": (lambda s, o, c: orders.cancel_order(s, o, c), ErrorCode.ORDER_NOT_FOUND),
    "restore": (
        lambda s, o, c: entity_orders.restore_order(s, o, c),
        ErrorCode.ORDER_NOT_FOUND_FOR_RESTORE,
    ),
    "update": (
        lambda s, o, c: entity_orders.update_order(s, o, None, ["a"], caller=c),
        ErrorCode.ORDER_NOT_FOUND,
    ),
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("made_by", ["another customer", "a service"])
async def test_a_customer_changing_an_order_it_does_not_own_is_refused_and_nothing_changes(
    store: Store, change: str, made_by: str
) -> None:
    owner, other, promo_id = await new_user(store), await new_user(store), await new_promo(store)
    maker = customer(owner) if made_by == "another customer" else SERVICE
    order_id = unique("o")
    activation = PromoActivation(promo_id, owner)
    await entity_orders.create_order_with_items(
        store, order_id, unique("e"), RAW_RENT, [RawItemIn("a")], activation, maker
    )
    home = Home.of_promo(promo_id)
    events, counters = await stream(store, home, order_id), await promo_state(store, promo_id)
    call, code = CHANGES[change]
    with pytest.raises(OrdoError) as refused:
        await call(store, order_id, customer(other))
    assert refused.value.code is code
    assert await stream(store, home, order_id) == events
    assert await promo_state(store, promo_id) == counters
    # The owner itself (when there is one) and a service may.
    allowed = customer(owner) if made_by == "another customer" else SERVICE
    if change != "restore":  # an OPEN order is restored as it is: nothing to show
        await call(store, order_id, allowed)
        assert len(await stream(store, home, order_id)) > len(events)


async def test_declining_an_order_one_does_not_own_answers_as_for_no_order(store: Store) -> None:
    owner, other = await new_user(store), await new_user(store)
    order = await orders.create_order(store, caller=customer(owner))
    assert await entity_orders.decline_order(store, order.order_id, customer(other)) is None
    read = await orders.get_order(store, order.order_id, customer(owner))
    assert read.version == 1
    declined = await entity_orders.decline_order(store, order.order_id, customer(owner))
    assert declined is not None and declined.version == 2


async def test_an_order_id_of_another_owner_is_a_conflict_for_create_with_items(
    store: Store,
) -> None:
    owner, other = await new_user(store), await new_user(store)
    order_id, entity_id = unique("o"), unique("e")
    made = (store, order_id, entity_id, RAW_RENT, [RawItemIn("a")])
    await entity_orders.create_order_with_items(*made, caller=customer(owner))
    with pytest.raises(OrdoError) as refused:
        await entity_orders.create_order_with_items(*made, caller=customer(other))
    assert refused.value.code is ErrorCode.ORDER_CONFLICT
    again = await entity_orders.create_order_with_items(*made, caller=customer(owner))
    assert again.version == 2  # the owner's repeat is idempotent


async def test_reads_hide_orders_a_customer_does_not_own(store: Store) -> None:
    owner, other = await new_user(store), await new_user(store)
    entity_id = unique("e")
    for caller in (customer(owner), customer(other), SERVICE):
        await entity_orders.create_order_with_items(
            store, unique("o"), entity_id, RAW_RENT, [RawItemIn("a")], caller=caller
        )
    listed = await entity_orders.list_orders(store, entity_id, caller=customer(owner))
    assert [order.owner_id for order in listed] == [owner]
    assert len(await entity_orders.list_orders(store, entity_id, caller=SERVICE)) == 3
    with pytest.raises(OrdoError) as refused:
        await orders.get_order(store, listed[0].order_id, customer(other))
    assert refused.value.code is ErrorCode.ORDER_NOT_FOUND

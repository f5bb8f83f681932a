"""orders(entityId) reads the entity's own keys only: its cost grows with the entity's orders,
never with the rest of Redis (checked by the keys it touches, not by timing it)."""

import pytest

from resolvers import entity_orders
from store import Store
from store.keys import entity_orders_key
from tests.e2e.helpers import RAW_RENT, RawItemIn
from tests.support import unique


async def _create(store: Store, entity_id: str) -> str:
    order_id = unique("o")
    items = [RawItemIn("i1")]
    await entity_orders.create_order_with_items(store, order_id, entity_id, RAW_RENT, items)
    return order_id


async def test_listing_touches_only_the_entitys_index_and_its_orders_streams(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    entity_id = unique("e")
    mine = {await _create(store, entity_id) for _ in range(3)}
    for _ in range(20):
        await _create(store, unique("e"))
    touched: list[str] = []
    read, read_many = store.read, store.read_many

    async def spy_read(command: str, *args: object) -> object:
        touched.append(str(args[0]))
        return await read(command, *args)

    async def spy_read_many(commands: list[tuple[object, ...]], **options: bool) -> list[object]:
        touched.extend(str(command[1]) for command in commands)
        return await read_many(commands, **options)

    monkeypatch.setattr(store, "read", spy_read)
    monkeypatch.setattr(store, "read_many", spy_read_many)
    listed = await entity_orders.list_orders(store, entity_id)
    assert {order.order_id for order in listed} == mine
    assert touched[0] == entity_orders_key(entity_id)
    assert len(touched) == 1 + len(mine)
    assert all(any(order_id in key for order_id in mine) for key in touched[1:])

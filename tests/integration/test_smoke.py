from resolvers import orders
from store import Store


async def test_plain_order_folds_from_its_stream(store: Store) -> None:
    order = await orders.create_order(store)
    assert (await orders.get_order(store, order.order_id)) == order

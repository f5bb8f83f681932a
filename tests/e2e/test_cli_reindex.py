"""`ordo reindex` on a database of its own: a store upgraded from before the pages' listings
(their keys deleted, as they never were) is reported by verify, listed again by reindex in
`entityOrders`, and left as it is by a second run."""

from __future__ import annotations

import redis

from resolvers import pages
from store.keys import entity_homes_key, listing_keys, order_of_key
from tests.e2e.cli_helpers import dump, empty_database, ordo, store_at
from tests.e2e.test_cli_verify import promo_with_orders_in_every_state, verify
from tests.support import RedisServer


def reindex(url: str) -> list[str]:
    done = ordo("reindex", "--redis-url", url)
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout.splitlines()


def forget_listings(url: str) -> list[str]:
    """Every listing key and every entity's homes deleted, every order unmarked: the store
    as the scripts wrote it before listings existed. Answers the entities' order ids."""
    listed = []
    with redis.Redis.from_url(url, decode_responses=True) as raw:
        for key in list(raw.scan_iter("ordo:*", count=1000)):
            located = order_of_key(key)
            if located is not None:
                home, order_id = located
                entity = raw.hget(key, "entityId")
                if entity:
                    listed.append(order_id)
                    raw.delete(entity_homes_key(entity), *listing_keys(home))
                raw.hdel(key, "listed")
    return sorted(listed)


async def test_reindex_lists_the_orders_of_a_store_from_before_the_listings(
    redis_server: RedisServer,
) -> None:
    url = empty_database(redis_server)
    async with store_at(url) as store:
        made = await promo_with_orders_in_every_state(store)
        entity_id = _entity(url, made.items)
        page = await pages.list_page(store, entity_id)
        assert [edge.order.order_id for edge in page.edges] == [made.items]
    forgotten = forget_listings(url)
    assert len(forgotten) == 2  # the two orders with an entity
    assert made.items in forgotten
    async with store_at(url) as store:
        assert (await pages.list_page(store, entity_id)).edges == []

    status, lines = verify(url)
    assert status == 1
    assert sorted(lines[:-1]) == sorted(
        f"order {o}: is missing from entity {_entity(url, o)}'s page index (`ordo reindex`)"
        for o in forgotten
    )
    assert lines[-1] == f"checked {made.orders} orders and 1 promos: 2 discrepancies"

    assert reindex(url) == [
        "reindexed 2 entities: 2 orders listed, 0 already listed, 0 index entries without "
        "their order"
    ]
    async with store_at(url) as store:
        page = await pages.list_page(store, entity_id)
        assert [edge.order.order_id for edge in page.edges] == [made.items]
        assert page.total_count == 1
    assert verify(url) == (0, [f"checked {made.orders} orders and 1 promos: 0 discrepancies"])

    before = dump(url)
    assert reindex(url) == [
        "reindexed 2 entities: 0 orders listed, 2 already listed, 0 index entries without "
        "their order"
    ]
    assert dump(url) == before


def _entity(url: str, order_id: str) -> str:
    with redis.Redis.from_url(url, decode_responses=True) as raw:
        for key in raw.scan_iter(f"ordo:*:order:{order_id}"):
            return str(raw.hget(key, "entityId"))
    raise AssertionError(f"no order {order_id}")


def test_reindex_needs_a_redis_url() -> None:
    done = ordo("reindex")
    assert done.returncode != 0
    assert "--redis-url" in done.stderr

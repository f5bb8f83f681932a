"""`ordo verify` on a database of its own: silent on what the scripts wrote, one line for each
discrepancy put in by hand, exit status 1 when there is any."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from domain.order import PromoActivation
from resolvers import entity_orders, orders, promos, users
from store import Store
from store.keys import Home, order_keys, promo_keys
from tests.e2e.cli_helpers import empty_database, ordo, store_at
from tests.e2e.helpers import RAW_RENT, RawItemIn, RawRentIn, RawTypeIn
from tests.support import RedisServer, unique


@dataclass(frozen=True)
class Made:
    promo: PromoActivation  # a user on a promo with perUserCount 5
    open: str  # an OPEN promo order
    plain: str  # an OPEN order without promo
    items: str  # an OPEN order with items, under the promo: item "a" active, "b" cancelled
    orders: int  # how many orders there are


async def promo_with_orders_in_every_state(store: Store) -> Made:
    user, promo_id = unique("u"), unique("p")
    await users.create_user(store, user)
    await promos.create_promo(store, promo_id, 20, 5)
    opened = await orders.create_order(store, user, promo_id)
    done = await orders.create_order(store, user, promo_id)
    await orders.complete_order(store, done.order_id)
    await orders.cancel_order(store, (await orders.create_order(store, user, promo_id)).order_id)
    restored = await orders.create_order(store, user, promo_id)
    await entity_orders.decline_order(store, restored.order_id)
    await entity_orders.restore_order(store, restored.order_id)
    await entity_orders.decline_order(store, (await orders.create_order(store)).order_id)
    plain = await orders.create_order(store)
    activation = PromoActivation(promo_id, user)
    items = unique("o")
    await entity_orders.create_order_with_items(
        store, items, unique("e"), RAW_RENT, [RawItemIn("a"), RawItemIn("b")], activation
    )
    await entity_orders.update_order(
        store, items, RawTypeIn(rent_payment=RawRentIn(term="SHORT")), ["b"]
    )
    no_promo = unique("o")
    await entity_orders.create_order_with_items(
        store, no_promo, unique("e"), RAW_RENT, [RawItemIn("a")]
    )
    return Made(activation, opened.order_id, plain.order_id, items, orders=8)


def verify(url: str) -> tuple[int, list[str]]:
    """verify's exit status and the lines it printed."""
    done = ordo("verify", "--redis-url", url)
    assert done.stderr == ""
    return done.returncode, done.stdout.splitlines()


async def test_verify_finds_nothing_on_a_store_the_scripts_wrote(redis_server: RedisServer) -> None:
    url = empty_database(redis_server)
    async with store_at(url) as store:
        made = await promo_with_orders_in_every_state(store)
    status, lines = verify(url)
    assert lines == [f"checked {made.orders} orders and 1 promos: 0 discrepancies"]
    assert status == 0


async def test_verify_lists_each_discrepancy_made_by_hand_and_exits_non_zero(
    redis_server: RedisServer,
) -> None:
    url = empty_database(redis_server)
    async with store_at(url) as store:
        made = await promo_with_orders_in_every_state(store)  # 3 OPEN orders on the promo
        odd = await promo_with_orders_in_every_state(store)
    p, u = made.promo.promo_id, made.promo.user_id
    counters, used, _, open_orders = promo_keys(p)
    home = Home.of_promo(p)
    with redis.Redis.from_url(url, decode_responses=True) as raw:
        raw.hincrby(counters, "lockedCount", 1)
        raw.hincrby(used, u, 3)  # used 1 + 3, open 3: over perUserCount 5
        raw.zrem(open_orders, made.open)
        state, _, items = order_keys(home, made.items)
        raw.hset(state, "status", "COMPLETED")
        raw.hset(items, "a", "C" + raw.hget(items, "a")[1:])
        raw.hset(order_keys(Home.of_order(made.plain), made.plain)[0], "entityId", "e-1")
        raw.hincrby(promo_keys(odd.promo.promo_id)[2], odd.promo.user_id, -1)
        odd_events = order_keys(Home.of_promo(odd.promo.promo_id), odd.open)[1]
        raw.xadd(odd_events, {"type": "NO_SUCH_EVENT", "data": "{}"})
    status, lines = verify(url)
    assert sorted(lines[:-1]) == sorted(
        [
            f"order {made.items}: status is 'COMPLETED' but its events say 'OPEN'",
            f"order {made.items}: item a is stored as 'C|svc-rent|100|2026-01-01|', "
            "its events say 'A|svc-rent|100|2026-01-01|'",
            f"order {made.plain}: is stored under {{o:{made.plain}}} but belongs under {{e:e-1}}",
            f"order {made.plain}: entityId is 'e-1' but its events say ''",
            f"order {made.plain}: is missing from entity e-1's page index (`ordo reindex`)",
            f"order {odd.open}: its events cannot be folded: ValueError(\"'NO_SUCH_EVENT' is not a "
            'valid EventType")',
            f"promo {p}: lockedCount is 4 but 2 of its orders are OPEN",
            f"promo {p}: open-orders holds {made.items}, which is not OPEN",
            f"promo {p}: OPEN order {made.open} is missing from open-orders",
            f"promo {p}: open({u}) is '3' but 2 OPEN orders are theirs",
            f"promo {p}: user {u}: used 4 + open 3 > perUserCount 5",
            f"promo {odd.promo.promo_id}: open({odd.promo.user_id}) is '2' "
            "but 3 OPEN orders are theirs",
        ]
    )
    assert lines[-1] == f"checked {2 * made.orders} orders and 2 promos: 12 discrepancies"
    assert status == 1

"""The data the operations run on, made through the real resolvers (and, for the many
orders of the completeOrder pool, by replaying what one real create ran: bench/replay.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.replay import record, replay
from domain.order import PromoActivation
from domain.validation import MAX_COUNT
from ordo.connect import connect
from ordo.settings import load_settings
from resolvers import entity_orders, orders, promos, users
from store import Store

PROMO = "BENCH"
USER_PREFIX = "bench-u-"
ENTITY_PREFIX = "bench-e-"
ENTITIES = 10_000  # createOrderWithItems spreads its orders over these
ORDER = "bench-order"  # the order `order` reads: 5 items, a promo, 7 events
LISTED_ENTITY = "bench-entity-50"  # the entity `orders` reads: 50 orders of 3 items
TEMPLATE_USER = "tplusr"


# Inputs as domain/commands.py's RawItem and RawType describe them (what GraphQL hands over).
@dataclass(frozen=True)
class Item:
    order_item_id: str
    service_id: str
    price: str
    period_start_date: str
    period_end_date: str | None


@dataclass(frozen=True)
class Rent:
    payment_date: str = "2026-02-01"
    term: str = "FULL"


@dataclass(frozen=True)
class OrderTypeIn:
    rent_payment: Rent | None = Rent()
    security_deposit: None = None


RENT = OrderTypeIn()


@dataclass(frozen=True)
class Seeded:
    users: int
    pool: Path
    pool_size: int

    def wrk_opts(self) -> dict[str, str]:
        """What the wrk scripts need to know (bench/wrk/common.lua's opts)."""
        return {
            "users": str(self.users),
            "user_prefix": USER_PREFIX,
            "promo": PROMO,
            "entities": str(ENTITIES),
            "entity_prefix": ENTITY_PREFIX,
            "order": ORDER,
            "entity": LISTED_ENTITY,
            "pool": str(self.pool),
        }


def open_store(redis_url: str) -> Store:
    """The store ordo itself would make for this URL (blocking pool, hiredis)."""
    return connect(load_settings({"ORDO_REDIS_URL": redis_url, "ORDO_ADMIN_TOKEN": "bench"}))


async def in_chunks(calls: Iterable[Awaitable[Any]], size: int = 200) -> None:
    """Await the calls `size` at a time (a generator makes each only when its turn comes)."""
    batch: list[Awaitable[Any]] = []
    for call in calls:
        batch.append(call)
        if len(batch) == size:
            await asyncio.gather(*batch)
            batch = []
    await asyncio.gather(*batch)


def items(count: int) -> list[Item]:
    """As bench/wrk/gql_create_items.lua sends them."""
    return [
        Item(f"i{n}", f"svc-{n}", f"{100 * n}.50", f"2026-0{n}-01", f"2026-0{n}-28")
        for n in range(1, count + 1)
    ]


async def seed(store: Store, user_count: int, pool_size: int, workdir: Path) -> Seeded:
    await in_chunks(users.create_user(store, f"{USER_PREFIX}{n}") for n in range(user_count))
    await users.create_user(store, TEMPLATE_USER)
    await promos.create_promo(store, PROMO, MAX_COUNT, MAX_COUNT)
    activation = PromoActivation(PROMO, f"{USER_PREFIX}0")
    await entity_orders.create_order_with_items(
        store, ORDER, "bench-entity-1", RENT, items(5), activation
    )
    await in_chunks(
        entity_orders.create_order_with_items(
            store, f"bench-listed-{n}", LISTED_ENTITY, RENT, items(3)
        )
        for n in range(50)
    )
    pool = workdir / "pool.txt"
    await make_pool(store, user_count, pool_size, pool)
    return Seeded(user_count, pool, pool_size)


async def make_pool(store: Store, user_count: int, size: int, path: Path) -> None:
    """OPEN promo orders for completeOrder, as REST/GraphQL createOrder makes them."""

    async def create(recorder: Store) -> dict[str, str]:
        order = await orders.create_order(recorder, TEMPLATE_USER, PROMO)
        return {"order": order.order_id, "user": TEMPLATE_USER}

    template = await record(store.client, create)
    ids = [f"pool-{n}" for n in range(size)]
    wrong = await replay(
        store.client,
        template,
        (
            {"order": order_id, "user": f"{USER_PREFIX}{n % user_count}"}
            for n, order_id in enumerate(ids)
        ),
    )
    if wrong:
        raise RuntimeError(f"{wrong} pool orders were not created")
    await asyncio.to_thread(path.write_text, "\n".join(ids) + "\n")

"""Every key one script call uses is in one cluster slot, so the call is legal on Redis Cluster:
all share one hash tag, but for the change feed's partition, whose tag is chosen to fall in
that same slot (store/keys.py, `feed_key`).

A spy on Store.run records each call's KEYS while whole workflows run on both backends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

import pytest
from redis.crc import key_slot

from domain.errors import OrdoError
from resolvers import orders, promos
from store import Store
from store.keys import PARTITIONS, Home, feed_key, partition_key
from tests.integration.helpers import hash_tag, new_promo, new_user
from tests.support import unique

Calls = list[tuple[str, list[str]]]
FEEDS = frozenset(partition_key(slot) for slot in range(PARTITIONS))


@pytest.fixture
def script_calls(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    calls: Calls = []
    real = store.run

    async def spy(script: str, keys: list[str], args: list[str | int]) -> object:
        calls.append((script, list(keys)))
        return await real(script, keys, args)

    real_in_order = store.run_in_order

    async def spy_in_order(steps: list[tuple[str, list[str], list[str | int]]]) -> object:
        calls.extend((script, list(keys)) for script, keys, _ in steps)
        return await real_in_order(steps)

    monkeypatch.setattr(store, "run", spy)
    monkeypatch.setattr(store, "run_in_order", spy_in_order)
    yield calls


def assert_one_tag_per_call(calls: Calls) -> None:
    for script, keys in calls:
        tags = {hash_tag(key) for key in keys}
        assert None not in tags, f"{script}: a key without a hash tag: {keys}"
        slots = {key_slot(key.encode()) for key in keys}
        assert len(slots) == 1, f"{script} spans slots {sorted(slots)}: {keys}"
        others = {hash_tag(key) for key in keys if key not in FEEDS}
        assert len(others) == 1, f"{script} spans hash tags {sorted(map(str, others))}: {keys}"


async def test_promo_order_workflow_keeps_each_script_call_in_one_slot(
    store: Store, script_calls: Calls
) -> None:
    user, promo = await new_user(store), await new_promo(store, 5, 3)
    done = await orders.create_order(store, user, promo, unique("k"))
    await orders.complete_order(store, done.order_id)
    cancelled = await orders.create_order(store, user, promo)
    await orders.cancel_order(store, cancelled.order_id)
    plain = await orders.create_order(store, idempotency_key=unique("k"))
    await orders.complete_order(store, plain.order_id)
    await orders.cancel_order(store, (await orders.create_order(store)).order_id)
    await promos.update_promo(store, promo, count=4)
    assert {script for script, _ in script_calls} >= {
        "create_user",
        "create_promo",
        "claim_idempotency_key",
        "claim_order_home",
        "create_order",
        "complete_order",
        "cancel_order",
        "update_promo",
    }
    assert_one_tag_per_call(script_calls)


async def test_refused_calls_keep_each_script_call_in_one_slot(
    store: Store, script_calls: Calls
) -> None:
    user, exhausted = await new_user(store), await new_promo(store, 0)
    attempts: list[Callable[[], Awaitable[object]]] = [
        lambda: orders.create_order(store, user, exhausted, unique("k")),
        lambda: orders.create_order(store, user, unique("p")),
        lambda: orders.complete_order(store, unique("o")),
        lambda: promos.update_promo(store, unique("p"), count=1),
        lambda: promos.create_promo(store, exhausted, 1, 1),
    ]
    for attempt in attempts:
        with pytest.raises(OrdoError):
            await attempt()
    assert "release_idempotency_key" in {script for script, _ in script_calls}
    assert_one_tag_per_call(script_calls)


async def test_home_claim_keys_share_the_order_own_tag(store: Store, script_calls: Calls) -> None:
    order_id = unique("o")
    await orders.claim_home(store, order_id, Home.of_promo(unique("p")))
    ((script, keys),) = script_calls
    assert script == "claim_order_home"
    assert {hash_tag(key) for key in keys} == {Home.of_order(order_id).tag}


async def test_promo_order_keys_carry_the_promo_tag(store: Store, script_calls: Calls) -> None:
    user, promo = await new_user(store), await new_promo(store)
    await orders.create_order(store, user, promo)
    (keys,) = [keys for script, keys in script_calls if script == "create_order"]
    assert len(keys) == 7
    assert {hash_tag(key) for key in keys[:6]} == {Home.of_promo(promo).tag}
    assert keys[6] == feed_key(Home.of_promo(promo))


def test_hash_tag_follows_the_cluster_rule() -> None:
    assert hash_tag("ordo:{p:1}:promo") == "p:1"
    assert hash_tag("a{}b{c}") is None
    assert hash_tag("plain") is None


def test_every_feed_partition_is_in_its_own_slot() -> None:
    assert [key_slot(partition_key(slot).encode()) for slot in range(PARTITIONS)] == list(
        range(PARTITIONS)
    )

"""Idempotency keys (SPEC §3.2) and home claims: the scripts, and create_order over them."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode, OrdoError
from domain.order import OrderStatus
from resolvers import orders, promos
from resolvers.idempotency import TTL_SECONDS
from store import Store
from store.argv import IdempotencyClaimArgs, IdempotencyReleaseArgs
from store.keys import Home, home_key, idempotency_key, idempotency_keys
from tests.integration.helpers import assert_invariants, new_promo, new_user, promo_state
from tests.support import unique


async def claim(store: Store, key: str, fingerprint: str, order_id: str) -> list[str]:
    return list(
        await store.run(
            "claim_idempotency_key",
            idempotency_keys(key),
            IdempotencyClaimArgs(fingerprint, order_id, TTL_SECONDS),
        )
    )


async def release(store: Store, key: str, order_id: str) -> None:
    assert await store.run(
        "release_idempotency_key", idempotency_keys(key), IdempotencyReleaseArgs(order_id)
    ) == ["ok"]


REUSED = ["refused", "IDEMPOTENCY_KEY_REUSED", "idempotencyKey"]


async def test_first_claim_binds_the_key_for_24_hours(store: Store) -> None:
    key = unique("k")
    assert await claim(store, key, "fp", "o-1") == ["claimed", "o-1"]
    assert await store.read("HGETALL", idempotency_key(key)) == {
        "fingerprint": "fp",
        "orderId": "o-1",
    }
    assert 0 < await store.read("TTL", idempotency_key(key)) <= TTL_SECONDS


async def test_claim_with_the_same_fingerprint_answers_the_bound_order(store: Store) -> None:
    key = unique("k")
    await claim(store, key, "fp", "o-1")
    assert await claim(store, key, "fp", "o-2") == ["existing", "o-1"]


async def test_claim_with_another_fingerprint_is_reused_and_keeps_the_binding(
    store: Store,
) -> None:
    key = unique("k")
    await claim(store, key, "fp", "o-1")
    assert await claim(store, key, "other", "o-2") == REUSED
    assert await store.read("HGET", idempotency_key(key), "orderId") == "o-1"


async def test_release_frees_only_the_binding_of_the_same_order(store: Store) -> None:
    key = unique("k")
    await claim(store, key, "fp", "o-1")
    await release(store, key, "o-2")
    assert await claim(store, key, "other", "o-3") == REUSED
    await release(store, key, "o-1")
    assert await claim(store, key, "other", "o-3") == ["claimed", "o-3"]


async def test_a_retry_after_a_failure_takes_the_failed_requests_order_id(store: Store) -> None:
    """A sibling that saw the first binding may still create under it: the retry must land on
    that same order, never on a second one."""
    key = unique("k")
    await claim(store, key, "fp", "o-1")
    await release(store, key, "o-1")
    assert await claim(store, key, "fp", "o-2") == ["claimed", "o-1"]


async def test_home_claim_records_the_first_home_only(store: Store) -> None:
    order_id, first, second = unique("o"), Home.of_promo(unique("p")), Home.of_entity(unique("e"))
    assert await orders.claim_home(store, order_id, first) == first
    assert await orders.claim_home(store, order_id, second) == first
    assert await store.read("GET", home_key(order_id)) == first.tag


async def test_home_claim_takes_over_the_home_it_replaces(store: Store) -> None:
    order_id, first, second = unique("o"), Home.of_promo(unique("p")), Home.of_entity(unique("e"))
    await orders.claim_home(store, order_id, first)
    assert await orders.claim_home(store, order_id, second, replaces=first) == second
    assert await orders.locate(store, order_id) == second


async def test_home_claim_answers_own_home_for_an_order_stored_under_its_id(store: Store) -> None:
    order_id = (await orders.create_order(store)).order_id
    home = await orders.claim_home(store, order_id, Home.of_promo(unique("p")))
    assert home == Home.of_order(order_id)
    assert await store.read("EXISTS", home_key(order_id)) == 0


async def test_repeat_with_the_same_key_returns_the_same_order_and_reserves_once(
    store: Store,
) -> None:
    user, promo, key = await new_user(store), await new_promo(store, 5, 5), unique("k")
    first = await orders.create_order(store, user, promo, key)
    again = await orders.create_order(store, user, promo, key)
    assert again == first
    assert (await assert_invariants(store, promo, [first.order_id])).locked == 1


async def test_repeat_returns_the_order_as_it_is_now_even_after_promo_ran_out(
    store: Store,
) -> None:
    user, promo, key = await new_user(store), await new_promo(store, 1, 1), unique("k")
    first = await orders.create_order(store, user, promo, key)
    completed = await orders.complete_order(store, first.order_id)
    again = await orders.create_order(store, user, promo, key)
    assert again == completed
    assert again.status is OrderStatus.COMPLETED
    state = await promo_state(store, promo)
    assert (state.count, state.locked, state.used) == (0, 0, {user: 1})


async def test_plain_order_repeat_with_the_same_key_returns_the_same_order(store: Store) -> None:
    key = unique("k")
    first = await orders.create_order(store, idempotency_key=key)
    assert await orders.create_order(store, idempotency_key=key) == first


async def test_same_key_with_another_input_is_409_and_creates_nothing(store: Store) -> None:
    user, promo, key = await new_user(store), await new_promo(store, 5, 5), unique("k")
    await orders.create_order(store, user, promo, key)
    before = await promo_state(store, promo)
    for other in [(None, None), (await new_user(store), promo)]:
        with pytest.raises(OrdoError) as caught:
            await orders.create_order(store, *other, idempotency_key=key)
        assert caught.value.code is ErrorCode.IDEMPOTENCY_KEY_REUSED
        assert caught.value.field == ("input", "idempotencyKey")
    assert await promo_state(store, promo) == before


async def test_reused_key_naming_an_unknown_promo_is_404_first(store: Store) -> None:
    user, key = await new_user(store), unique("k")
    await orders.create_order(store, idempotency_key=key)
    with pytest.raises(OrdoError) as caught:
        await orders.create_order(store, user, unique("p"), key)
    assert caught.value.code is ErrorCode.PROMO_NOT_FOUND


async def test_failed_create_releases_its_key_so_a_retry_can_succeed(store: Store) -> None:
    user, promo, key = await new_user(store), await new_promo(store, 0), unique("k")
    with pytest.raises(OrdoError) as caught:
        await orders.create_order(store, user, promo, key)
    assert caught.value.code is ErrorCode.PROMO_EXHAUSTED
    assert await store.read("HEXISTS", idempotency_key(key), "fingerprint") == 0
    await promos.update_promo(store, promo, count=1)
    order = await orders.create_order(store, user, promo, key)
    assert order.status is OrderStatus.OPEN
    assert await store.read("HGET", idempotency_key(key), "orderId") == order.order_id


async def test_failed_create_is_not_remembered_for_another_input(store: Store) -> None:
    user, key = await new_user(store), unique("k")
    with pytest.raises(OrdoError) as caught:
        await orders.create_order(store, user, unique("p"), key)
    assert caught.value.code is ErrorCode.PROMO_NOT_FOUND
    assert await store.read("HEXISTS", idempotency_key(key), "fingerprint") == 0
    assert (await orders.create_order(store, idempotency_key=key)).promo is None


async def test_unknown_user_never_claims_the_key(store: Store) -> None:
    key = unique("k")
    with pytest.raises(OrdoError) as caught:
        await orders.create_order(store, unique("u"), await new_promo(store), key)
    assert caught.value.code is ErrorCode.USER_NOT_AUTHORIZED
    assert await store.read("EXISTS", idempotency_key(key)) == 0


@pytest.mark.parametrize("key", ["", "a b", "k{1}", "x" * 129])
async def test_malformed_key_is_400_and_claims_nothing(store: Store, key: str) -> None:
    with pytest.raises(OrdoError) as caught:
        await orders.create_order(store, idempotency_key=key)
    assert caught.value.code is ErrorCode.INVALID_INPUT
    assert caught.value.field == ("input", "idempotencyKey")

"""The keyspace walk's patterns and their inverses (store/keys.py): every order's state
hash and every promo's counters, found from the key alone."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from store.keys import (
    Home,
    entity_orders_key,
    home_key,
    order_key_pattern,
    order_keys,
    order_of_key,
    promo_key_pattern,
    promo_keys,
    promo_of_key,
    user_key,
)

HOMES = [Home.of_promo("p:1"), Home.of_entity("flat-7"), Home.of_order("o:1@x")]


@pytest.mark.parametrize("home", HOMES, ids=lambda home: home.tag)
def test_an_order_state_key_matches_the_pattern_and_gives_back_home_and_id(home: Home) -> None:
    state = order_keys(home, "o:1@x")[0]
    assert fnmatchcase(state, order_key_pattern())
    assert order_of_key(state) == (home, "o:1@x")


def test_a_promo_counters_key_gives_back_its_promo() -> None:
    assert fnmatchcase(promo_keys("p:1")[0], promo_key_pattern())
    assert promo_of_key(promo_keys("p:1")[0]) == "p:1"


OTHER_KEYS = [
    *order_keys(HOMES[0], "o1")[1:],
    *promo_keys("p1")[1:],
    home_key("o1"),
    user_key("u1"),
    entity_orders_key("e1"),
    "elsewhere:{p:x}:order:o1",
    "ordo:{}:order:o1",
]


@pytest.mark.parametrize("key", OTHER_KEYS)
def test_other_keys_are_neither_orders_nor_promos(key: str) -> None:
    assert order_of_key(key) is None
    assert promo_of_key(key) is None

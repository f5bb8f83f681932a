"""Seed 000's documents read as ordo's facts (domain/seed.py): what a promo document becomes,
and every rule of SPEC §2 a document can break, each named."""

from __future__ import annotations

from typing import Any

import pytest

from domain.seed import SeedOrder, SeedRefused, read_plain_order, read_promo, read_user


def promo(**fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_id": "SPRING",
        "count": 10,
        "perUserCount": 2,
        "lockedCount": 2,
        "orders": [{"_id": "o1", "userId": "alice"}, {"_id": "o2", "userId": "bob"}],
        "users": [{"_id": "alice", "count": 2}, {"_id": "bob", "count": 1}],
    }
    return doc | fields


def reasons(doc: object) -> list[str]:
    with pytest.raises(SeedRefused) as refused:
        read_promo(doc)
    return refused.value.reasons


def test_nested_orders_are_open_and_used_is_what_users_hold_beyond_them() -> None:
    read = read_promo(promo())
    assert (read.promo_id, read.count, read.per_user_count) == ("SPRING", 10, 2)
    assert read.open_orders == (SeedOrder("o1", "alice"), SeedOrder("o2", "bob"))
    assert read.used == (("alice", 1),)  # bob's one activation is his open order
    assert read.users == {"alice", "bob"}


def test_a_promo_without_orders_or_users_arrays_has_none() -> None:
    read = read_promo({"_id": 7, "count": 3.0, "perUserCount": 1, "lockedCount": 0})
    assert (read.promo_id, read.count, read.open_orders, read.used) == ("7", 3, (), ())


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"lockedCount": 11, "count": 10}, "lockedCount 11 is more than count 10"),
        ({"lockedCount": 1}, "lockedCount is 1 but 2 orders are listed"),
        ({"perUserCount": 0}, "perUserCount must be at least 1"),
        ({"count": -1}, "count must be a whole number from 0 to 2147483647 (got -1)"),
        ({"count": 2.5}, "count must be a whole number"),
        ({"count": "10"}, "count must be a whole number"),
        ({"count": True}, "count must be a whole number"),
        ({"lockedCount": None}, "lockedCount must be a whole number"),
        ({"_id": "has space"}, "_id must be 1-128 characters"),
        ({"_id": {"$date": 1}}, "_id must be 1-128 characters"),
        (
            {"users": [{"_id": "alice", "count": 3}, {"_id": "bob", "count": 1}]},
            "user alice holds 3 activations, over perUserCount 2",
        ),
        (
            {"users": [{"_id": "alice", "count": 2}]},
            "user bob has 1 open orders but users[].count is 0",
        ),
        ({"users": [{"_id": "alice", "count": -1}]}, "users[0].count must be a whole number"),
        (
            {"users": [{"_id": "alice", "count": 2}, {"_id": "alice", "count": 1}]},
            "user alice is listed twice in users",
        ),
        (
            {"orders": [{"_id": "o1", "userId": "alice"}, {"_id": "o1", "userId": "bob"}]},
            "order o1 is listed twice",
        ),
        (
            {"orders": [{"_id": "o1", "userId": "al ice"}]},
            "orders[0].userId must be 1-128 characters",
        ),
        ({"orders": {"_id": "o1"}}, "orders must be an array"),
        ({"users": ["alice"]}, "users[0] is not an object"),
    ],
)
def test_a_document_breaking_a_rule_is_refused_naming_it(
    fields: dict[str, Any], reason: str
) -> None:
    found = reasons(promo(**fields))
    assert any(r.startswith(reason) for r in found), found


def test_every_reason_of_a_document_is_given_at_once() -> None:
    found = reasons(promo(count=1, perUserCount=1))
    assert found == [
        "lockedCount 2 is more than count 1",
        "user alice holds 2 activations, over perUserCount 1",
    ]


def test_a_document_that_is_not_an_object_is_refused() -> None:
    assert reasons(["SPRING"])[0] == "not a JSON object"
    with pytest.raises(SeedRefused):
        read_user("alice")


def test_user_and_plain_order_documents_give_their_ids() -> None:
    assert read_user({"_id": "alice"}) == "alice"
    assert read_plain_order({"_id": 42}) == "42"
    with pytest.raises(SeedRefused, match="_id must be"):
        read_plain_order({})

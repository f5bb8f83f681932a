"""The documents tests/engine/test_prepared.py sends to a prepared and a generic app: every
operation of the schema, with its failures, aliases, fragments, unions and variables."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ordo.media import GRAPHQL_RESPONSE
from tests.e2e import helpers
from tests.e2e.helpers import DEPOSIT, RENT, item, rent
from tests.engine.replay import Ask, admin
from tests.support import ADMIN_TOKEN
from tests.tokens import hs256

ACTIVATION = {"promoId": "<promo>", "userId": "<user>"}
SETUP = [
    admin(helpers.CREATE_USER, {"userId": "<user>"}),
    # Three times: one promo, then PROMO_EXISTS.
    admin(helpers.CREATE_PROMO, {"input": {"promoId": "<promo>", "count": 3, "perUserCount": 5}}),
]
COUNTERS = admin(helpers.PROMO, ACTIVATION)
LATER = {"startsAt": "2999-01-01T00:00:00Z"}  # PROMO_NOT_ACTIVE


def with_items(
    order: str, *entries: dict[str, Any], type_: Any = RENT, promo: Any = None
) -> dict[str, Any]:
    given = {"orderId": f"<{order}>", "entityId": "<entity>", "type": type_}
    given["items"] = list(entries) or [item("a")]
    return {"input": {**given, "promo": promo} if promo else given}


def created(*orders: str, **options: Any) -> list[Ask]:
    return [Ask(helpers.CREATE, with_items(order, **options), times=1) for order in orders]


SHAPES = """
query Shapes($a: ID!, $b: ID!) {
  __typename
  first: order(orderId: $a) {
    ...Head
    ... on Order { total }
    ... { version }
    kind: type { __typename ... on SecurityDeposit { refundDate } }
  }
  second: order(orderId: $b) {
    id: orderId state: status
    items { __typename orderItemId cost: price }
    events { __typename kind: type }
    promo { __typename promoId }
    type { ... on RentPayment { term } }
  }
}
fragment Head on Order { __typename orderId status entityId }
"""
TWO_OPERATIONS = """
query Status($a: ID!) { order(orderId: $a) { status } }
query Listing($entity: ID!) { orders(entityId: $entity) { orderId items { orderItemId } } }
"""
TWO_CLOSES = """
mutation Close($a: ID!, $b: ID!) {
  __typename
  done: completeOrder(orderId: $a) {
    __typename order { orderId status events { type } } errors { code field }
  }
  gone: cancelOrder(orderId: $b) { order { ...Head } problems: errors { __typename code status } }
}
fragment Head on Order { __typename orderId status entityId }
"""
BOTH_ORDERS = """
query($a: ID!, $b: ID!) { a: order(orderId: $a) { status } b: order(orderId: $b) { status } }
"""
USED = """
mutation($input: CreatePromoInput!, $u: ID!, $v: ID!) {
  createPromo(input: $input) {
    promo { promoId a: used(userId: $u) b: used(userId: $v) } errors { code }
  }
}"""
DEFAULTS = """
query($e: ID!, $inc: Boolean = true) { orders(entityId: $e, includeDeclined: $inc) { orderId } }
"""
PAGE = """
query($e: ID!, $first: Int, $after: String, $inc: Boolean) {
  entityOrders(entityId: $e, first: $first, after: $after, includeDeclined: $inc) {
    __typename totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id orderId status items { periodStartDate } } }
  }
}"""
NODE = """
query($id: ID!) { node(id: $id) { __typename id ... on Order { orderId status } } }
"""
MIXED = """
mutation Make { createOrder { errors { code } } }
query Read($o: ID!) { order(orderId: $o) { status } }
"""


def promo_used(promo: str, user: str, other: str) -> Ask:
    fresh = {"promoId": f"<{promo}>", "count": 2, "perUserCount": 1}
    return Ask(USED, {"input": fresh, "u": user, "v": other}, times=1, token=ADMIN_TOKEN)


_LISTING = 'a{n}: orders(entityId: "e{n}") {{ orderId }}'
LISTINGS = "{ " + " ".join(_LISTING.format(n=n) for n in range(30)) + " }"  # cost 1530

CASES: dict[str, list[Ask]] = {
    "createOrder without a promo": [
        Ask(helpers.CREATE_ORDER, {"input": {}}),
        Ask(helpers.CREATE_ORDER, {"input": None}),
        Ask(helpers.CREATE_ORDER_WITHOUT_INPUT),
    ],
    "createOrder with a promo, until its rules refuse": [
        *SETUP,
        Ask(helpers.CREATE_ORDER, {"input": ACTIVATION}, times=5),  # then PROMO_EXHAUSTED
        COUNTERS,
        admin(
            helpers.CREATE_PROMO,
            {"input": {"promoId": "<single>", "count": 5, "perUserCount": 1}},
        ),
        Ask(helpers.CREATE_ORDER, {"input": {"promoId": "<single>", "userId": "<user>"}}),
        admin(
            helpers.CREATE_PROMO,
            {"input": {"promoId": "<later>", "count": 5, "perUserCount": 1, **LATER}},
        ),
        Ask(helpers.CREATE_ORDER, {"input": {"promoId": "<later>", "userId": "<user>"}}),
    ],
    "createOrder refusals": [
        *SETUP,
        Ask(helpers.CREATE_ORDER, {"input": {"userId": "<stranger>", "promoId": "<promo>"}}),
        Ask(helpers.CREATE_ORDER, {"input": {"userId": "<user>", "promoId": "<nowhere>"}}),
        Ask(helpers.CREATE_ORDER, {"input": {"userId": "bad id!", "promoId": "<promo>"}}),
        Ask(helpers.CREATE_ORDER, {"input": {"userId": "<user>"}}),
        Ask(helpers.CREATE_ORDER, {"input": {"promoId": "p" * 129, "userId": "<user>"}}),
        Ask(helpers.CREATE_ORDER, {"input": {"idempotencyKey": "has space"}}),
    ],
    "createOrder with an idempotency key": [
        *SETUP,
        Ask(helpers.CREATE_ORDER, {"input": {"idempotencyKey": "<key>"}}),
        Ask(helpers.CREATE_ORDER, {"input": {"idempotencyKey": "<key>", **ACTIVATION}}),
        Ask(helpers.CREATE_ORDER, {"input": {"idempotencyKey": "<other>", **ACTIVATION}}),
        COUNTERS,
    ],
    "closing, declining and restoring": [
        *SETUP,
        *created("o1", "o2", "o3"),
        *created("p1", "p2", promo=ACTIVATION),
        # One of each close runs generic, the next from its plan: both change state.
        Ask(helpers.CANCEL_ORDER, {"orderId": "<o1>"}, times=1),
        Ask(helpers.CANCEL_ORDER, {"orderId": "<p1>"}, times=1),
        Ask(helpers.COMPLETE_ORDER, {"orderId": "<o2>"}, times=1),
        Ask(helpers.COMPLETE_ORDER, {"orderId": "<p2>"}),  # then repeats: no new events
        Ask(helpers.CANCEL_ORDER, {"orderId": "<p2>"}),  # ORDER_CLOSED
        Ask(helpers.CANCEL_ORDER, {"orderId": "<nowhere>"}),
        Ask(helpers.COMPLETE_ORDER, {"orderId": "bad id!"}),
        Ask(helpers.DECLINE, {"orderId": "<o3>"}),
        Ask(helpers.COMPLETE, {"orderId": "<o3>"}),  # ORDER_DECLINED
        Ask(helpers.RESTORE, {"orderId": "<o3>"}),
        Ask(helpers.RESTORE, {"orderId": "<nowhere>"}),
        Ask(helpers.DECLINE, {"orderId": "<nowhere>"}),
        COUNTERS,
    ],
    "orders with items": [
        Ask(helpers.CREATE, with_items("r", item("a", end="2026-01-31"), item("b", "0.5"))),
        Ask(helpers.CREATE, with_items("d", item("c", start="2025-12-01"), type_=DEPOSIT)),
        Ask(helpers.CREATE, with_items("n", item("e"), type_={"securityDeposit": {}})),
        Ask(helpers.CREATE, with_items("r", item("z"))),  # ORDER_CONFLICT
        Ask(helpers.CREATE, with_items("x", item("a"), item("a"))),
        Ask(helpers.CREATE, with_items("x", item("a"), item("b", "-1"))),
        Ask(
            helpers.UPDATE,
            {
                "input": {
                    "orderId": "<r>",
                    "type": rent("2026-03-01", "SHORT"),
                    "cancelItemIds": ["a"],
                    "addItems": [item("f", start="2026-02-01")],
                }
            },
        ),
        Ask(helpers.UPDATE, {"input": {"orderId": "<r>", "type": DEPOSIT}}),
        Ask(helpers.UPDATE, {"input": {"orderId": "<r>", "cancelItemIds": ["never"]}}),
        Ask(helpers.UPDATE, {"input": {"orderId": "<r>", "expectedVersion": 1}}),
        Ask(helpers.DECLINE, {"orderId": "<n>"}, times=1),
        Ask(helpers.ORDER, {"orderId": "<r>"}),
        Ask(helpers.ORDER, {"orderId": "<d>"}),
        Ask(helpers.ORDERS, {"entityId": "<entity>"}),
        Ask(helpers.ORDERS, {"entityId": "<entity>", "includeDeclined": True}),
    ],
    "pages and global ids": [
        *created("a", "b", "c"),
        Ask(helpers.DECLINE, {"orderId": "<b>"}, times=1),
        Ask(PAGE, {"e": "<entity>", "first": 2}),
        Ask(PAGE, {"e": "<entity>", "first": 2, "inc": True}),
        Ask(PAGE, {"e": "<entity>"}),
        Ask(PAGE, {"e": "<nowhere>", "first": 5}),
        Ask(PAGE, {"e": "<entity>", "first": 0}),
        Ask(PAGE, {"e": "<entity>", "first": 101}),
        Ask(PAGE, {"e": "<entity>", "first": 2, "after": "not a cursor"}),
        Ask(PAGE, {"e": "bad id!"}),
        Ask(NODE, {"id": "T3JkZXI6bm93aGVyZQ=="}),  # Order:nowhere
        Ask(NODE, {"id": "%%%"}),
    ],
    "aliases, fragments and __typename": [
        *SETUP,
        *created("d", type_=DEPOSIT),
        *created("r", promo=ACTIVATION),
        Ask(SHAPES, {"a": "<d>", "b": "<r>"}),
        Ask(SHAPES, {"a": "<r>", "b": "<d>"}),
        Ask(TWO_OPERATIONS, {"a": "<r>", "entity": "<entity>"}, operation="Status"),
        Ask(TWO_OPERATIONS, {"a": "<r>", "entity": "<entity>"}, operation="Listing"),
        # Several operations and no operationName: a request error (GraphQL spec), both types.
        Ask(TWO_OPERATIONS, {"a": "<r>", "entity": "<entity>"}),
        Ask(TWO_OPERATIONS, {"a": "<r>", "entity": "<entity>"}, accept=GRAPHQL_RESPONSE),
        Ask(SHAPES, {"a": "<d>", "b": "<r>"}, accept=GRAPHQL_RESPONSE),
        Ask(SHAPES, {"a": "<d>", "b": "<r>"}, accept=f"{GRAPHQL_RESPONSE}, application/json;q=0.9"),
        Ask(SHAPES, {"a": "<d>", "b": "<r>"}, accept="text/html"),  # 406
        Ask(SHAPES, {"a": "<d>"}, accept=GRAPHQL_RESPONSE),  # a variable missing: no data
        *created("m1", "m2", "m3"),
        Ask(TWO_CLOSES, {"a": "<m1>", "b": "<m2>"}, times=1),
        Ask(TWO_CLOSES, {"a": "<m3>", "b": "<m3>"}),  # the cancel is refused: ORDER_CLOSED
    ],
    "query cost": [
        *SETUP,
        *created("c"),
        Ask(helpers.ORDERS, {"entityId": "<entity>"}, accept=GRAPHQL_RESPONSE),
        Ask(LISTINGS),  # 30 listings: QUERY_TOO_COSTLY, nothing runs
        Ask(LISTINGS, accept=GRAPHQL_RESPONSE),
    ],
    "queries that fail": [
        *SETUP,
        *created("r"),
        # Each document runs well first, so the failing runs meet a plan.
        Ask(helpers.ORDER, {"orderId": "<r>"}, times=1),
        Ask(helpers.ORDER, {"orderId": "<nowhere>"}),
        Ask(helpers.ORDER, {"orderId": "bad id!"}),
        Ask(BOTH_ORDERS, {"a": "<r>", "b": "<r>"}, times=1),
        Ask(BOTH_ORDERS, {"a": "<r>", "b": "<nowhere>"}),
        Ask(helpers.ORDERS, {"entityId": "<entity>"}, times=1),
        Ask(helpers.ORDERS, {"entityId": "bad id!"}),  # [Order!]!: data null
        COUNTERS,
        Ask(helpers.PROMO, ACTIVATION),
        Ask(helpers.PROMO, ACTIVATION, token="wrong"),
        admin(helpers.PROMO, {"promoId": "<nowhere>", "userId": "<user>"}),
        admin(helpers.PROMO, {"promoId": "<promo>", "userId": "bad id!"}),  # used: Int!
    ],
    "variables that do not coerce": [
        *created("r"),
        Ask(helpers.ORDER, {"orderId": "<r>"}, times=1),
        Ask(helpers.ORDER, {}),
        Ask(helpers.ORDER, {"orderId": None}),
        Ask(helpers.ORDER, {"orderId": ["r"]}),
        Ask(helpers.ORDERS, {"entityId": "<entity>"}, times=1),
        Ask(helpers.ORDERS, {"entityId": "<entity>", "includeDeclined": "yes"}),
        Ask(helpers.CREATE, {"input": {"orderId": "<r>"}}),
        Ask(helpers.CREATE, with_items("r", type_={**RENT, **DEPOSIT})),
        Ask(helpers.CREATE, with_items("r", type_=rent(term="WEEKLY"))),
        Ask(helpers.CREATE, with_items("r", {**item("a"), "price": 12})),
        Ask(helpers.CREATE, with_items("r", item("a", start="2026-13-01"))),
        Ask(helpers.CREATE_ORDER, {"input": {}}, times=1),
        Ask(helpers.CREATE_ORDER, {"input": "not an object"}),
        Ask(helpers.CREATE_ORDER, {"input": {"promoID": "<promo>"}}),
    ],
    "promo administration": [
        *SETUP,
        # An async field with arguments inside a mutation: its failure nulls the promo.
        promo_used("p1", "<user>", "<stranger>"),
        promo_used("p2", "<user>", "<stranger>"),
        promo_used("p3", "bad id!", "<user>"),
        promo_used("p4", "bad id!", "bad:id?"),
        Ask(helpers.CREATE_ORDER, {"input": ACTIVATION}, times=1),
        admin(helpers.UPDATE_PROMO, {"input": {"promoId": "<promo>", "count": 9}}),
        admin(helpers.UPDATE_PROMO, {"input": {"promoId": "<promo>", "count": 0}}),
        admin(helpers.UPDATE_PROMO, {"input": {"promoId": "<nowhere>", "endsAt": None}}),
        Ask(helpers.UPDATE_PROMO, {"input": {"promoId": "<promo>"}}),
        Ask(helpers.UPDATE_PROMO, {"input": {"promoId": "<promo>"}}, token="wrong"),
        admin(helpers.CREATE_USER, {"userId": "bad id!"}),
        COUNTERS,
    ],
    "operation names and variable defaults": [
        *created("r", "n"),
        Ask(helpers.DECLINE, {"orderId": "<n>"}, times=1),
        Ask(DEFAULTS, {"e": "<entity>"}),
        Ask(DEFAULTS, {"e": "<entity>", "inc": None}),
        Ask(DEFAULTS, {"e": "<entity>", "inc": False}),
        Ask(DEFAULTS, {"e": "<entity>"}, operation=""),
        Ask(MIXED, {"o": "<r>"}, operation="Read"),
        Ask(MIXED, {"o": "<r>"}, operation="Make"),
        Ask(MIXED, {"o": "<r>"}, operation="Read", get=True),
        Ask(MIXED, {"o": "<r>"}, operation="Make", get=True),
        Ask(MIXED, {"o": "<r>"}, operation="Nope"),
        Ask(MIXED, {"o": "<r>"}),
    ],
    "GET": [
        *created("r", "o1", "o2"),
        Ask(helpers.ORDER, {"orderId": "<r>"}, get=True),
        Ask(helpers.ORDER, {"orderId": "<nowhere>"}, get=True),
        Ask(helpers.ORDER, {}, get=True),
        Ask(helpers.COMPLETE, {"orderId": "<o1>"}, times=2),
        # The mutation has a plan now; over GET it is still refused, and changes nothing.
        Ask(helpers.COMPLETE, {"orderId": "<o2>"}, get=True),
        Ask(helpers.CREATE_ORDER, {"input": {}}, get=True),
        Ask(helpers.ORDER, {"orderId": "<o2>"}),
    ],
}

# End-user identity (SPEC §9), for apps verifying HS256 tokens: the same documents from a
# customer, a service and no one. Long-lived: the corpus is built when the tests are collected.
SHOPPER = hs256("shopper", lifetime=86_400)
SERVICE = hs256("billing", role="service", lifetime=86_400)
OWNED = """
query($o: ID!, $e: ID!) {
  order(orderId: $o) { orderId ownerId promo { userId } }
  orders(entityId: $e, includeDeclined: true) { orderId ownerId }
}"""
OWNER_OF_NEW = "mutation($input: CreateOrderInput) { createOrder(input: $input) { order { ownerId promo { userId } } errors { code status field } } }"  # noqa: E501


def as_(token: str | None, ask: Ask) -> Ask:
    return replace(ask, token=token)


CUSTOMER_CASES: dict[str, list[Ask]] = {
    "a customer's own orders and promo": [
        admin(helpers.CREATE_USER, {"userId": "shopper"}),
        *SETUP,
        as_(SHOPPER, Ask(OWNER_OF_NEW, {"input": {}})),
        as_(SHOPPER, Ask(OWNER_OF_NEW, {"input": {"promoId": "<promo>"}}, times=1)),
        as_(SHOPPER, Ask(OWNER_OF_NEW, {"input": ACTIVATION})),  # FORBIDDEN
        as_(SHOPPER, created("mine", promo={"promoId": "<promo>"})[0]),
        as_(SHOPPER, Ask(OWNED, {"o": "<mine>", "e": "<entity>"})),
        as_(SHOPPER, Ask(helpers.COMPLETE, {"orderId": "<mine>"})),
        COUNTERS,
    ],
    "other owners' orders": [
        *SETUP,
        as_(SERVICE, created("theirs")[0]),
        as_(SHOPPER, Ask(OWNED, {"o": "<theirs>", "e": "<entity>"})),  # ORDER_NOT_FOUND
        as_(SHOPPER, Ask(helpers.COMPLETE, {"orderId": "<theirs>"})),
        as_(SHOPPER, Ask(helpers.DECLINE, {"orderId": "<theirs>"})),
        as_(SHOPPER, Ask(helpers.RESTORE, {"orderId": "<theirs>"})),
        as_(SERVICE, Ask(OWNED, {"o": "<theirs>", "e": "<entity>"})),
    ],
    "no token, and admin operations": [
        Ask(OWNER_OF_NEW, {"input": {}}),
        Ask(OWNED, {"o": "<nowhere>", "e": "<entity>"}),
        as_(SHOPPER, admin(helpers.CREATE_USER, {"userId": "<user>"})),
        as_(SERVICE, admin(helpers.PROMO, ACTIVATION)),
        as_("not.a.jwt", Ask(helpers.COMPLETE, {"orderId": "<nowhere>"})),
    ],
}

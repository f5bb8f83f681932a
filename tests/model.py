"""A pure reference model of SPEC §2-3: what every operation must answer and do.

Plain dictionaries and the SPEC's rules, nothing of ordo's code: the model-based test drives the
real service and this model side by side and compares them after every step. Inputs are the
GraphQL variables' shapes (items and types as JSON objects); each operation returns an
`Outcome`: success (`code` None) or the error code, and the events the call appended.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

OPEN, COMPLETED, CANCELLED, DECLINED = "OPEN", "COMPLETED", "CANCELLED", "DECLINED"
CLOSE = {
    "complete": (COMPLETED, "PROMO_REDEEMED", "ORDER_COMPLETED"),
    "cancel": (CANCELLED, "PROMO_RELEASED", "ORDER_CANCELLED"),
}

Json = dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    code: str | None = None
    order_id: str | None = None  # the order answered (None: no order, e.g. a decline of none)

    @property
    def ok(self) -> bool:
        return self.code is None


@dataclass
class Promo:
    count: int
    per_user: int
    used: Counter[str] = field(default_factory=Counter)


@dataclass
class Order:
    order_id: str
    promo: tuple[str, str] | None  # (promoId, userId)
    entity_id: str | None = None
    type: Json | None = None
    status: str = OPEN
    items: list[Json] = field(default_factory=list)  # active, in the order added
    cancelled: list[Json] = field(default_factory=list)  # in the order cancelled
    events: list[str] = field(default_factory=list)

    def item(self, item_id: str) -> Json | None:
        return next((i for i in self.items + self.cancelled if i["orderItemId"] == item_id), None)

    def view(self) -> Json:
        """What the API must show of this order (see tests/e2e/test_model.py's reading)."""
        return {
            "status": self.status,
            "promo": {"promoId": self.promo[0], "userId": self.promo[1]} if self.promo else None,
            "entityId": self.entity_id,
            "type": self.type,
            "items": self.items,
            "cancelledItems": self.cancelled,
            "events": self.events,
        }


def same_item(a: Json, b: Json) -> bool:
    """Items compare by content, prices by value (SPEC §4)."""

    def content(item: Json) -> tuple[Any, ...]:
        return (
            item["serviceId"],
            Decimal(item["price"]),
            item["periodStartDate"],
            item.get("periodEndDate"),
        )

    return content(a) == content(b)


def duplicates(ids: list[str]) -> bool:
    return len(set(ids)) != len(ids)


@dataclass
class Model:
    users: set[str] = field(default_factory=set)
    promos: dict[str, Promo] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    keys: dict[str, tuple[Any, str]] = field(default_factory=dict)  # key -> (input, order id)

    # --- promo accounting (SPEC §2) ------------------------------------------------------

    def open_orders(self, promo_id: str, user_id: str | None = None) -> list[Order]:
        return [
            order
            for order in self.orders.values()
            if order.status == OPEN
            and order.promo
            and order.promo[0] == promo_id
            and user_id in (None, order.promo[1])
        ]

    def locked(self, promo_id: str) -> int:
        return len(self.open_orders(promo_id))

    def refusal(self, promo_id: str, user_id: str) -> str | None:
        """The reserve step's first failing rule, in SPEC §2's order (no windows modelled)."""
        promo = self.promos.get(promo_id)
        if promo is None:
            return "PROMO_NOT_FOUND"
        if promo.count - self.locked(promo_id) < 1:
            return "PROMO_EXHAUSTED"
        if promo.used[user_id] + len(self.open_orders(promo_id, user_id)) >= promo.per_user:
            return "PROMO_USER_LIMIT"
        return None

    def update_promo(self, promo_id: str, count: int) -> Outcome:
        if promo_id not in self.promos:
            return Outcome("PROMO_NOT_FOUND")
        if count < self.locked(promo_id):
            return Outcome("PROMO_COUNT_BELOW_LOCKED")
        self.promos[promo_id].count = count
        return Outcome()

    # --- seed 000 ---------------------------------------------------------------------------

    def create_order(self, promo: tuple[str, str] | None, key: str | None) -> Outcome:
        """Success answers no id: the server makes it, and `opened` records it."""
        if promo and promo[1] not in self.users:
            return Outcome("USER_NOT_AUTHORIZED")
        if key in self.keys:
            given, order_id = self.keys[key]
            if given == promo:
                return Outcome(order_id=order_id)  # a repeat reserves nothing (§3.1)
            if promo and promo[0] not in self.promos:
                return Outcome("PROMO_NOT_FOUND")
            return Outcome("IDEMPOTENCY_KEY_REUSED")
        if promo and (refused := self.refusal(*promo)):
            return Outcome(refused)
        return Outcome()

    def opened(self, order_id: str, promo: tuple[str, str] | None, key: str | None) -> None:
        """Record the order a successful createOrder made."""
        order = Order(order_id, promo, events=["ORDER_CREATED"])
        if promo:
            order.events.append("PROMO_RESERVED")
        self.orders[order_id] = order
        if key is not None:
            self.keys[key] = (promo, order_id)

    def close(self, order_id: str, way: str) -> Outcome:
        order = self.orders.get(order_id)
        if order is None:
            return Outcome("ORDER_NOT_FOUND")
        final, promo_event, event = CLOSE[way]
        if order.status == final:
            return Outcome(order_id=order_id)
        if order.status != OPEN:
            return Outcome("ORDER_DECLINED" if order.status == DECLINED else "ORDER_CLOSED")
        if order.promo:
            order.events.append(promo_event)
            if way == "complete":
                promo = self.promos[order.promo[0]]
                promo.count -= 1
                promo.used[order.promo[1]] += 1
        order.events.append(event)
        order.status = final
        return Outcome(order_id=order_id)

    # --- seed 003 ---------------------------------------------------------------------------

    def create_with_items(
        self,
        order_id: str,
        entity_id: str,
        type_: Json,
        items: list[Json],
        promo: tuple[str, str] | None,
    ) -> Outcome:
        if duplicates([item["orderItemId"] for item in items]):
            return Outcome("DUPLICATE_ITEM_ID")
        if promo and promo[1] not in self.users:
            return Outcome("USER_NOT_AUTHORIZED")
        existing = self.orders.get(order_id)
        if existing is not None:
            if promo and promo[0] not in self.promos:
                return Outcome("PROMO_NOT_FOUND")  # 404 outranks the order's 409 (§3.1)
            return self._created_again(existing, entity_id, type_, items, promo)
        if promo and (refused := self.refusal(*promo)):
            return Outcome(refused)
        order = Order(order_id, promo, entity_id, type_, events=["ORDER_CREATED"])
        if promo:
            order.events.append("PROMO_RESERVED")
        for item in items:
            order.items.append(item)
            order.events.append("ITEM_ADDED")
        self.orders[order_id] = order
        return Outcome(order_id=order_id)

    @staticmethod
    def _created_again(
        order: Order, entity_id: str, type_: Json, items: list[Json], promo: tuple[str, str] | None
    ) -> Outcome:
        if order.status == DECLINED:
            return Outcome("ORDER_DECLINED")
        if order.status != OPEN:
            return Outcome("ORDER_CLOSED")
        active = {item["orderItemId"]: item for item in order.items}
        same = (
            (order.entity_id, order.type, order.promo) == (entity_id, type_, promo)
            and len(active) == len(items)
            and all(
                i["orderItemId"] in active and same_item(active[i["orderItemId"]], i) for i in items
            )
        )
        return Outcome(order_id=order.order_id) if same else Outcome("ORDER_CONFLICT")

    def update(
        self,
        order_id: str,
        type_: Json | None,
        cancel_ids: list[str],
        add: list[Json],
        expected_version: int | None,
    ) -> Outcome:
        refused = self._update_refusal(order_id, type_, cancel_ids, add, expected_version)
        if refused:
            return Outcome(refused)
        order = self.orders[order_id]
        if type_ is not None and type_ != order.type:
            order.type = type_
            order.events.append("ORDER_UPDATED")
        for item_id in cancel_ids:
            active = next((i for i in order.items if i["orderItemId"] == item_id), None)
            if active is not None:
                order.items.remove(active)
                order.cancelled.append(active)
                order.events.append("ITEM_CANCELLED")
        for item in add:
            if order.item(item["orderItemId"]) is None:
                order.items.append(item)
                order.events.append("ITEM_ADDED")
        return Outcome(order_id=order_id)

    def _update_refusal(
        self,
        order_id: str,
        type_: Json | None,
        cancel_ids: list[str],
        add: list[Json],
        expected_version: int | None,
    ) -> str | None:
        added = [item["orderItemId"] for item in add]
        if duplicates(cancel_ids) or duplicates(added):
            return "DUPLICATE_ITEM_ID"
        if set(added) & set(cancel_ids):
            return "ITEM_ADDED_AND_CANCELLED"
        order = self.orders.get(order_id)
        if order is None:
            return "ORDER_NOT_FOUND"
        if any(order.item(item_id) is None for item_id in cancel_ids):
            return "ITEM_NOT_FOUND"
        if order.status != OPEN:
            return "ORDER_DECLINED" if order.status == DECLINED else "ORDER_CLOSED"
        if expected_version is not None and expected_version != len(order.events):
            return "VERSION_CONFLICT"
        if type_ is not None and (order.type is None or set(type_) != set(order.type)):
            return "TYPE_KIND_CHANGE"
        for item in add:
            present = order.item(item["orderItemId"])
            if present is not None and not same_item(present, item):
                return "ITEM_ID_REUSED"
        return None

    def decline(self, order_id: str) -> Outcome:
        order = self.orders.get(order_id)
        if order is None:
            return Outcome()  # the seed names no failure: success without an order
        if order.status == OPEN:
            order.status = DECLINED
            order.events.append("ORDER_DECLINED")
            if order.promo:
                order.events.append("PROMO_RELEASED")
        return Outcome(order_id=order_id)

    def restore(self, order_id: str) -> Outcome:
        order = self.orders.get(order_id)
        if order is None:
            return Outcome("ORDER_NOT_FOUND_FOR_RESTORE")
        if order.status in (COMPLETED, CANCELLED):
            return Outcome("ORDER_CLOSED")
        if order.status == DECLINED:
            if order.promo and (refused := self.refusal(*order.promo)):
                return Outcome(refused)
            order.status = OPEN
            order.events.append("ORDER_RESTORED")
            if order.promo:
                order.events.append("PROMO_RESERVED")
        return Outcome(order_id=order_id)

    # --- what SPEC §2 says must always hold ---------------------------------------------------

    def promo_view(self, promo_id: str, users: list[str]) -> Json:
        promo = self.promos[promo_id]
        locked = self.locked(promo_id)
        return {
            "count": promo.count,
            "perUserCount": promo.per_user,
            "lockedCount": locked,
            "available": promo.count - locked,
            **{f"u{index}": promo.used[user] for index, user in enumerate(users)},
        }

    def check_invariants(self) -> None:
        for promo_id, promo in self.promos.items():
            assert 0 <= self.locked(promo_id) <= promo.count
            for user in self.users:
                held = promo.used[user] + len(self.open_orders(promo_id, user))
                assert held <= promo.per_user, (promo_id, user)

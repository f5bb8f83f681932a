"""The reference model the property test (test_items_properties.py) checks the store against:
what SPEC §2 and §3.2 say each step does to a few orders of one entity sharing a small promo.
Its own tests below pin it to the spec's rules, so a model bug is not mistaken for a product
bug (or hides one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ITEM_IDS = ["i0", "i1", "i2"]  # in the openings
ADD_IDS = [*ITEM_IDS, "n0", "n1", "n2"]
PRICES = ["10", "10.00", "25"]  # the first two are one price
STARTS = ["2026-01-01", "2026-02-01", "2026-03-01"]
TYPES = [
    ("rentPayment", "FULL"),
    ("rentPayment", "SHORT"),
    ("securityDeposit", None),
    ("securityDeposit", "2026-12-31"),
]
USERS_OF = [0, 0, 1, None]  # order index -> promo user index (None: no promo)
KIND_OF = [0, 2, 1, 3]  # order index -> its type when created
Item = tuple[str, int, int]  # id, price index, start index


def _content(entry: tuple[int, int]) -> tuple[Decimal, str]:
    return Decimal(PRICES[entry[0]]).normalize(), STARTS[entry[1]]


@dataclass
class Model:
    """What the spec says each order and the promo are after the steps so far."""

    count: int
    per_user: int
    status: dict[int, str] = field(default_factory=dict)
    type: dict[int, int] = field(default_factory=dict)
    active: dict[int, dict[str, tuple[int, int]]] = field(default_factory=dict)
    known: dict[int, dict[str, tuple[int, int]]] = field(default_factory=dict)  # and cancelled
    used: list[int] = field(default_factory=lambda: [0, 0])

    def holds(self, user: int | None) -> list[int]:
        return [i for i, s in self.status.items() if s == "OPEN" and USERS_OF[i] == user]

    def again(self, order: int, changed: bool) -> list[Item]:
        """The order's active items as a create would repeat them: prices in another spelling."""
        given = [(i, {0: 1, 1: 0}.get(p, p), s) for i, (p, s) in self.active[order].items()]
        return [
            (i, p, (s + 1) % 3) if changed and n == 0 else (i, p, s)
            for n, (i, p, s) in enumerate(reversed(given))
        ]

    def cancels(
        self, order: int, type_: Any, picks: list[int], add: list[Item], mode: str
    ) -> list[Any]:
        """Picks of the order's known items to cancel (past them: an id it never had). The
        added items leave the cancelled ids out unless mode is "overlap"; with "again" they
        also bring back every item the order had before, unchanged."""
        known = list(self.known.get(order, {}))
        cancel = [known[n] if n < len(known) else f"ghost{n}" for n in picks]
        if mode != "overlap":
            add = [i for i in add if i[0] not in cancel]
        again = (
            [i for i in self.add_again(order)[2] if i[0] not in cancel] if mode == "again" else []
        )
        return [type_, cancel, [*add, *(i for i in again if i[0] not in {a[0] for a in add})]]

    def add_again(self, order: int) -> list[Any]:
        """An update adding back every item the order had, cancelled ones too, unchanged."""
        known = self.known.get(order, {})
        return [None, [], [(i, {0: 1, 1: 0}.get(p, p), s) for i, (p, s) in known.items()]]

    def refusal(self, order: int) -> str | None:
        """SPEC §2 reserve for the order's promo, if it has one."""
        user = USERS_OF[order]
        if user is None:
            return None
        locked = len([i for i, s in self.status.items() if s == "OPEN" and USERS_OF[i] is not None])
        if self.count - locked < 1:
            return "PROMO_EXHAUSTED"
        return (
            "PROMO_USER_LIMIT" if self.used[user] + len(self.holds(user)) >= self.per_user else None
        )

    def state_refusal(self, order: int) -> str:
        return "ORDER_DECLINED" if self.status[order] == "DECLINED" else "ORDER_CLOSED"

    def promo_event(self, order: int, event: str) -> list[str]:
        return [event] if USERS_OF[order] is not None else []

    def create(self, order: int, given: list[Item]) -> str | list[str]:
        wanted = {i: (p, s) for i, p, s in given}
        if order in self.status:
            if self.status[order] != "OPEN":
                return self.state_refusal(order)
            same = {i: _content(c) for i, c in self.active[order].items()} == {
                i: _content(c) for i, c in wanted.items()
            }  # and the type, changed by an update?
            return [] if same and self.type[order] == KIND_OF[order] else "ORDER_CONFLICT"
        refusal = self.refusal(order)
        if refusal:
            return refusal
        self.status[order], self.type[order] = "OPEN", KIND_OF[order]
        self.active[order], self.known[order] = dict(wanted), dict(wanted)
        return [
            "ORDER_CREATED",
            *self.promo_event(order, "PROMO_RESERVED"),
            *["ITEM_ADDED"] * len(given),
        ]

    def create_other_promo(self, order: int, given: list[Item]) -> str:
        """The same order id asked for with its promo taken away or added: refused."""
        return "ORDER_CONFLICT" if self.status[order] == "OPEN" else self.state_refusal(order)

    def update(self, order: int, type_: int | None, cancel: list[str], add: list[Item]) -> Any:
        added = {i: (p, s) for i, p, s in add}
        if set(cancel) & set(added):
            return "ITEM_ADDED_AND_CANCELLED"
        if order not in self.status:
            return "ORDER_NOT_FOUND"
        known = self.known[order]
        if any(item_id not in known for item_id in cancel):
            return "ITEM_NOT_FOUND"
        if self.status[order] != "OPEN":
            return self.state_refusal(order)
        if type_ is not None and TYPES[type_][0] != TYPES[self.type[order]][0]:
            return "TYPE_KIND_CHANGE"
        if any(i in known and _content(known[i]) != _content(c) for i, c in added.items()):
            return "ITEM_ID_REUSED"
        events = ["ORDER_UPDATED"] if type_ is not None and type_ != self.type[order] else []
        self.type[order] = self.type[order] if type_ is None else type_
        events += ["ITEM_CANCELLED" for i in cancel if self.active[order].pop(i, None)]
        for item_id, content in added.items():
            if item_id not in known:
                known[item_id] = self.active[order][item_id] = content
                events.append("ITEM_ADDED")
        return events

    def decline(self, order: int) -> list[str]:
        if self.status.get(order) != "OPEN":
            return []  # unknown, declined or closed: success without events
        self.status[order] = "DECLINED"
        return ["ORDER_DECLINED", *self.promo_event(order, "PROMO_RELEASED")]

    def restore(self, order: int) -> str | list[str]:
        state = self.status.get(order)
        if state != "DECLINED":
            return {None: "ORDER_NOT_FOUND_FOR_RESTORE", "OPEN": []}.get(state, "ORDER_CLOSED")
        refusal = self.refusal(order)
        if refusal:
            return refusal
        self.status[order] = "OPEN"
        return ["ORDER_RESTORED", *self.promo_event(order, "PROMO_RESERVED")]

    def close(self, order: int, to: str, promo_event: str, event: str) -> str | list[str]:
        state, user = self.status.get(order), USERS_OF[order]
        if state != "OPEN":
            return (
                "ORDER_NOT_FOUND"
                if state is None
                else []
                if state == to
                else self.state_refusal(order)
            )
        self.status[order] = to
        if to == "COMPLETED" and user is not None:  # redeemed
            self.used[user], self.count = self.used[user] + 1, self.count - 1
        return [*self.promo_event(order, promo_event), event]

    def complete(self, order: int) -> str | list[str]:
        return self.close(order, "COMPLETED", "PROMO_REDEEMED", "ORDER_COMPLETED")

    def cancel(self, order: int) -> str | list[str]:
        return self.close(order, "CANCELLED", "PROMO_RELEASED", "ORDER_CANCELLED")


def _opened(count: int = 1, per_user: int = 1) -> Model:
    model = Model(count, per_user)
    for order in range(len(USERS_OF)):
        model.create(order, [("i0", 0, 0)])
    return model


def test_model_opens_orders_until_the_promo_runs_out() -> None:
    model = _opened(count=1)
    assert model.status == {0: "OPEN", 3: "OPEN"}
    assert model.create(1, []) == "PROMO_EXHAUSTED"


def test_model_repeat_of_a_create_compares_prices_by_value_and_type() -> None:
    model = _opened()
    assert model.create(0, [("i0", 1, 0)]) == []
    assert model.create(0, [("i0", 2, 0)]) == "ORDER_CONFLICT"
    assert model.update(0, 1, [], []) == ["ORDER_UPDATED"]
    assert model.create(0, [("i0", 0, 0)]) == "ORDER_CONFLICT"


def test_model_restore_needs_the_promo_again() -> None:
    model = _opened(count=1, per_user=2)
    assert model.decline(0) == ["ORDER_DECLINED", "PROMO_RELEASED"]
    assert model.create(1, []) == ["ORDER_CREATED", "PROMO_RESERVED"]
    assert model.restore(0) == "PROMO_EXHAUSTED"


def test_model_update_refusals_follow_spec_precedence() -> None:
    model = _opened()
    model.decline(3)
    assert model.update(3, None, ["ghost"], [("x", 0, 0)]) == "ITEM_NOT_FOUND"
    assert model.update(3, None, ["x"], [("x", 0, 0)]) == "ITEM_ADDED_AND_CANCELLED"
    assert model.update(3, 2, [], []) == "ORDER_DECLINED"


def test_model_never_reactivates_a_cancelled_item() -> None:
    model = _opened()
    assert model.update(3, None, ["i0"], []) == ["ITEM_CANCELLED"]
    assert model.update(3, None, [], [("i0", 1, 0)]) == []
    assert model.update(3, None, [], [("i0", 0, 1)]) == "ITEM_ID_REUSED"
    assert model.active[3] == {}


def test_model_completing_redeems_and_closing_twice_is_a_no_op() -> None:
    model = _opened(count=2)
    assert model.complete(0) == ["PROMO_REDEEMED", "ORDER_COMPLETED"]
    assert (model.count, model.used) == (1, [1, 0])
    assert model.complete(0) == [] and model.cancel(0) == "ORDER_CLOSED"

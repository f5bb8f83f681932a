"""Random histories of create/update/decline/restore/complete/cancel on a few orders of one
entity, some sharing a small promo, checked after every step against a model and against
Redis itself: each stream folds to what get_order returns, the appended events are the
model's, SPEC §2's invariants hold, the listing is in order, and a repeat appends nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import OrdoError
from domain.order import PromoActivation
from resolvers import entity_orders, orders, promos, users
from store import Store
from tests.e2e.helpers import RawDepositIn, RawItemIn, RawRentIn, RawTypeIn, folded, promo_counters
from tests.integration.test_items_model import (
    ADD_IDS,
    ITEM_IDS,
    KIND_OF,
    PRICES,
    STARTS,
    TYPES,
    USERS_OF,
    Item,
    Model,
)
from tests.support import unique

MODES = ["apart", "apart", "again", "again", "overlap"]  # how an update's adds meet its cancels


def _raw_type(index: int) -> RawTypeIn:
    kind, value = TYPES[index]
    rent = kind == "rentPayment"
    return RawTypeIn(
        RawRentIn("2026-02-01", value or "FULL") if rent else None,
        None if rent else RawDepositIn(value),
    )


def _raw_items(entries: list[Item]) -> list[RawItemIn]:
    return [RawItemIn(i, price=PRICES[p], period_start_date=STARTS[s]) for i, p, s in entries]


def _items(ids: list[str], min_size: int = 0, max_size: int = 3) -> st.SearchStrategy[list[Item]]:
    return st.lists(
        st.tuples(st.sampled_from(ids), st.integers(0, 2), st.integers(0, 2)),
        min_size=min_size,
        max_size=max_size,
        unique_by=lambda entry: entry[0],
    )


def _update_args(order: int) -> st.SearchStrategy[tuple[Any, ...]]:
    """Mostly updates that can succeed (a type of the order's kind, known ids cancelled, no id
    both cancelled and added), sometimes each of those rules broken."""
    kind = TYPES[KIND_OF[order]][0]
    same_kind = [n for n, (other, _) in enumerate(TYPES) if other == kind]
    types = st.one_of(st.none(), st.sampled_from(same_kind), st.integers(0, len(TYPES) - 1))
    picks = st.lists(st.integers(0, 3), max_size=2, unique=True)  # see Model.cancels
    return st.tuples(types, picks, _items(ADD_IDS, max_size=2), st.sampled_from(MODES))


ARGS: dict[str, Any] = {
    "create": lambda _: st.tuples(_items(ADD_IDS)),
    "create_other_promo": lambda _: st.tuples(_items(ADD_IDS)),
    "create_again": lambda _: st.tuples(st.booleans()),  # the same content, or one item changed
    "add_again": lambda _: st.just(()),  # every item the order ever had, content unchanged
    "update": _update_args,
    **dict.fromkeys(("decline", "restore", "complete", "cancel"), lambda _: st.just(())),
}
OPS = [*ARGS, *["create"] * 3, *["update"] * 4, "decline", "decline", "restore", "restore"]
steps = st.lists(
    st.tuples(st.sampled_from(OPS), st.sampled_from([0, 0, 1, 2, 3, 3])).flatmap(
        lambda chosen: ARGS[chosen[0]](chosen[1]).map(lambda args: (*chosen, *args))
    ),
    min_size=6,
    max_size=24,
)
openings = st.tuples(*[_items(ITEM_IDS, 1) for _ in USERS_OF])  # every example creates each order


class History:
    """One example's ids, and the resolver calls that run its steps against the store."""

    def __init__(self, store: Store, promo_id: str, user_ids: list[str]) -> None:
        self.store, self.promo_id, self.users = store, promo_id, user_ids
        self.entity = unique("e")
        self.ids = [f"{self.entity}-{name}" for name in "dbca"]  # not in creation order

    async def call(self, op: str, order: int, *args: Any) -> Any:
        order_id = self.ids[order]
        if op.startswith("create"):
            user = USERS_OF[order] if op == "create" else 0 if USERS_OF[order] is None else None
            promo = None if user is None else PromoActivation(self.promo_id, self.users[user])
            return await entity_orders.create_order_with_items(
                self.store,
                order_id,
                self.entity,
                _raw_type(KIND_OF[order]),
                _raw_items(args[0]),
                promo,
            )
        if op == "update":
            type_, cancel, add = args
            new_type = None if type_ is None else _raw_type(type_)
            return await entity_orders.update_order(
                self.store, order_id, new_type, cancel, _raw_items(add)
            )
        call = {
            "decline": entity_orders.decline_order,
            "restore": entity_orders.restore_order,
            "complete": orders.complete_order,
            "cancel": orders.cancel_order,
        }[op]
        return await call(self.store, order_id)

    async def events(self, order: int) -> list[str]:
        """The order's event types, read straight from its stream."""
        found = await folded(self.store, self.ids[order])
        return [event.type.value for event in found.events] if found else []

    async def run(self, op: str, order: int, *args: Any) -> tuple[str | None, list[str]]:
        """(error code or None, the order's event types afterwards)."""
        try:
            await self.call(op, order, *args)
            code = None
        except OrdoError as error:
            code = error.code.name
        return code, await self.events(order)

    async def check(self, model: Model) -> None:
        """Streams fold to get_order and to the model; SPEC §2's counters hold in Redis."""
        open_orders = []
        for order, order_id in enumerate(self.ids):
            found = await folded(self.store, order_id)
            assert (found and found.status.value) == model.status.get(order)
            if found:
                assert found == await orders.get_order(self.store, order_id)
                assert [i.order_item_id for i in found.items] == list(model.active[order])
                open_orders += [order_id] if model.status[order] == "OPEN" and found.promo else []
        counters = await promo_counters(self.store, self.promo_id)
        assert counters["lockedCount"] == len(open_orders)
        assert counters["openOrders"] == sorted(open_orders)
        assert 0 <= counters["lockedCount"] <= counters["count"] == model.count
        for user, user_id in enumerate(self.users):
            held = counters["open"].get(user_id, 0)
            assert held == len(model.holds(user))
            assert counters["used"].get(user_id, 0) == model.used[user]
            assert model.used[user] + held <= counters["perUserCount"]
        await self.check_listing(model)

    async def check_listing(self, model: Model) -> None:
        """orders(entityId): by earliest active start, orders without items last, then by id."""

        def place(order: int) -> tuple[bool, str, str]:
            starts = [STARTS[s] for _, s in model.active[order].values()]
            return (not starts, min(starts, default=""), self.ids[order])

        for include_declined in (False, True):
            shown = [
                o for o, state in model.status.items() if include_declined or state != "DECLINED"
            ]
            found = await entity_orders.list_orders(self.store, self.entity, include_declined)
            assert [o.order_id for o in found] == [self.ids[o] for o in sorted(shown, key=place)]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(count=st.integers(1, 2), per_user=st.integers(1, 2), opening=openings, steps=steps)
async def test_random_histories_keep_streams_listing_and_promo_invariants(
    store: Store, count: int, per_user: int, opening: tuple[Any, ...], steps: list[tuple[Any, ...]]
) -> None:
    promo_id, user_ids = unique("p"), [unique("u"), unique("u")]
    for user_id in user_ids:
        await users.create_user(store, user_id)
    await promos.create_promo(store, promo_id, count, per_user)
    history, model = History(store, promo_id, user_ids), Model(count, per_user)
    for op, order, *args in [("create", i, first) for i, first in enumerate(opening)] + steps:
        if op in ("create_again", "create_other_promo", "add_again") and order not in model.status:
            continue
        if op == "create_again":
            op, args = "create", [model.again(order, args[0])]
        elif op == "add_again":
            op, args = "update", model.add_again(order)
        elif op == "update":
            args = model.cancels(order, *args)
        before = await history.events(order)
        expected = getattr(model, op)(order, *args)
        code, after = await history.run(op, order, *args)
        if isinstance(expected, str):  # refused: nothing written
            assert (code, after) == (expected, before), (op, order, args)
        else:
            assert (code, after[len(before) :]) == (None, expected), (op, order, args)
            assert await history.run(op, order, *args) == (None, after)  # a repeat: no-op
        await history.check(model)

"""Model-based test: hypothesis drives the real server (GraphQL and REST mixed, one real Redis)
and the pure reference model of tests/model.py side by side. After every step the service's
answers (success or error code, the order it shows) equal the model's, and SPEC §2's
invariants hold as read through the API and, separately, straight from Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from store import Store
from testing.audit import check_promo, redis_store, stored_order
from testing.documents import order_reads
from tests.e2e.helpers import (
    CANCEL,
    COMPLETE,
    CREATE,
    CREATE_PLAIN,
    CREATE_PROMO,
    CREATE_USER,
    DECLINE,
    ORDER_FIELDS,
    RESTORE,
    UPDATE,
    UPDATE_PROMO,
)
from tests.model import Json, Model, Outcome, Promo
from tests.support import ADMIN_TOKEN, OrdoServer, RedisServer, unique

ITEM_IDS = ["i1", "i2", "i3"]
DATES = ["2026-01-01", "2026-02-01"]
CLOSE_DOCUMENTS = {"complete": ("completeOrder", COMPLETE), "cancel": ("cancelOrder", CANCEL)}
REST_STATUS = {"complete": "success", "cancel": "cancel"}


@dataclass
class Harness:
    http: httpx.Client
    store: Store
    loop: asyncio.AbstractEventLoop

    def graphql(self, query: str, variables: dict[str, Any], *, admin: bool = False) -> Json:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if admin else {}
        answer = self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        body: Json = answer.json()
        assert "errors" not in body, body
        return body["data"]

    def redis(self, check: Any) -> Any:
        return self.loop.run_until_complete(check)


@pytest.fixture(scope="module")
def harness(redis_server: RedisServer) -> Iterator[Harness]:
    server = OrdoServer(redis_server.url)
    server.start()
    loop = asyncio.new_event_loop()
    store = redis_store(redis_server.url)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            yield Harness(http, store, loop)
    finally:
        loop.run_until_complete(store.close())
        loop.close()
        server.stop()


# --- inputs --------------------------------------------------------------------------------

items = st.builds(
    lambda item_id, service, price, start, end: {
        "orderItemId": item_id,
        "serviceId": service,
        "price": price,
        "periodStartDate": start,
        "periodEndDate": end,
    },
    st.sampled_from(ITEM_IDS),
    st.sampled_from(["svc-a", "svc-b"]),
    st.sampled_from(["100.00", "100", "250.5"]),  # "100.00" and "100" are the same price
    st.sampled_from(DATES),
    st.sampled_from([None, "2026-03-31"]),
)
types = st.one_of(
    st.builds(
        lambda day, term: {"rentPayment": {"paymentDate": day, "term": term}},
        st.sampled_from(DATES),
        st.sampled_from(["FULL", "SHORT"]),
    ),
    st.builds(
        lambda day: {"securityDeposit": {"refundDate": day}}, st.sampled_from([None, "2026-12-31"])
    ),
)
# (promo index, user index): index 2 is a promo / user that does not exist.
activations = st.none() | st.tuples(st.integers(0, 2), st.integers(0, 2))
picks = st.integers(0, 40)  # an order chosen among those known (and one unknown id)


TYPE_INPUTS = {"RentPayment": "rentPayment", "SecurityDeposit": "securityDeposit"}


def api_type(shown: Json | None) -> Json | None:
    """The union the API shows, as the @oneOf input that made it."""
    if shown is None:
        return None
    fields = {name: value for name, value in shown.items() if name != "__typename"}
    return {TYPE_INPUTS[shown["__typename"]]: fields}


def api_view(order: Json) -> Json:
    """The order as the API shows it, in the model's terms (tests/model.py Order.view)."""
    return {
        "status": order["status"],
        "promo": order["promo"],
        "entityId": order["entityId"],
        "type": api_type(order["type"]),
        "items": order["items"],
        "cancelledItems": order["cancelledItems"],
        "events": [event["type"] for event in order["events"]],
    }


def outcome(payload: Json) -> Outcome:
    """A mutation payload as an Outcome."""
    if payload["errors"]:
        assert payload["order"] is None and len(payload["errors"]) == 1, payload
        return Outcome(payload["errors"][0]["code"])
    return Outcome(order_id=payload["order"]["orderId"] if payload["order"] else None)


def rest_outcome(answer: httpx.Response) -> Outcome:
    if answer.status_code == 200:
        return Outcome(order_id=answer.json().get("orderId"))
    body = answer.json()
    assert list(body) == ["error"], body
    return Outcome(body["error"]["code"])


class OrdoMachine(RuleBasedStateMachine):
    def __init__(self, harness: Harness) -> None:
        super().__init__()
        self.h = harness
        self.model = Model()
        prefix = unique("m")
        self.users = [f"{prefix}-u{n}" for n in range(3)]
        self.promos = [f"{prefix}-p{n}" for n in range(3)]
        self.keys = [f"{prefix}-k{n}" for n in range(3)]
        self.chosen_ids = [f"{prefix}-o{n}" for n in range(3)]
        self.entities = [f"{prefix}-e{n}" for n in range(2)]
        self.unknown_order = f"{prefix}-none"

    # --- set-up: two known users, two promos (the third of each never exists) -----------------

    @initialize(
        counts=st.tuples(st.integers(0, 3), st.integers(0, 3)),
        per_user=st.tuples(st.integers(1, 2), st.integers(1, 2)),
    )
    def setup(self, counts: tuple[int, int], per_user: tuple[int, int]) -> None:
        for user in self.users[:2]:
            made = self.h.graphql(CREATE_USER, {"userId": user}, admin=True)["createUser"]
            assert made["errors"] == [], made
            self.model.users.add(user)
        for promo_id, count, per in zip(self.promos[:2], counts, per_user, strict=True):
            given = {"promoId": promo_id, "count": count, "perUserCount": per}
            made = self.h.graphql(CREATE_PROMO, {"input": given}, admin=True)["createPromo"]
            assert made["errors"] == [], made
            self.model.promos[promo_id] = Promo(count, per)

    def activation(self, chosen: tuple[int, int] | None) -> tuple[str, str] | None:
        return (self.promos[chosen[0]], self.users[chosen[1]]) if chosen else None

    def order_id(self, pick: int, extra: list[str] | None = None) -> str:
        candidates = [*self.model.orders, *(extra or []), self.unknown_order]
        return candidates[pick % len(candidates)]

    def expect(self, expected: Outcome, got: Outcome, shown: Json | None = None) -> None:
        assert got.code == expected.code, (expected, got)
        if expected.order_id is not None:
            assert got.order_id == expected.order_id, (expected, got)
        if shown is not None and got.ok and got.order_id:
            assert api_view(shown) == self.model.orders[got.order_id].view()

    # --- seed 000 ------------------------------------------------------------------------------

    @rule(chosen=activations, key=st.none() | st.integers(0, 2), via_rest=st.booleans())
    def create_order(self, chosen: tuple[int, int] | None, key: int | None, via_rest: bool) -> None:
        promo = self.activation(chosen)
        key_id = None if key is None else self.keys[key]
        expected = self.model.create_order(promo, key_id)
        given = {"promoId": promo[0], "userId": promo[1]} if promo else {}
        shown = None
        if via_rest:
            headers = {"Idempotency-Key": key_id} if key_id else {}
            got = rest_outcome(self.h.http.post("/orders", json=given, headers=headers))
        else:
            variables = {"input": {**given, **({"idempotencyKey": key_id} if key_id else {})}}
            payload = self.h.graphql(CREATE_PLAIN, variables)["createOrder"]
            got, shown = outcome(payload), payload["order"]
        if expected.ok and expected.order_id is None:
            assert got.ok and got.order_id not in self.model.orders, got
            self.model.opened(got.order_id or "", promo, key_id)
        self.expect(expected, got, shown)

    @rule(pick=picks, way=st.sampled_from(["complete", "cancel"]), via_rest=st.booleans())
    def close(self, pick: int, way: str, via_rest: bool) -> None:
        order_id = self.order_id(pick)
        expected = self.model.close(order_id, way)
        if via_rest:
            body = {"new status": REST_STATUS[way]}
            got = rest_outcome(self.h.http.post(f"/orders/{order_id}", json=body))
            self.expect(Outcome(expected.code), got)
            return
        name, document = CLOSE_DOCUMENTS[way]
        payload = self.h.graphql(document, {"orderId": order_id})[name]
        self.expect(expected, outcome(payload), payload["order"])

    # --- seed 003 ------------------------------------------------------------------------------

    @rule(
        pick=picks,
        entity=st.integers(0, 1),
        type_=types,
        given=st.lists(items, max_size=3),
        chosen=activations,
    )
    def create_with_items(
        self, pick: int, entity: int, type_: Json, given: list[Json], chosen: tuple[int, int] | None
    ) -> None:
        order_id = self.order_id(pick, self.chosen_ids)
        promo = self.activation(chosen)
        expected = self.model.create_with_items(
            order_id, self.entities[entity], type_, given, promo
        )
        variables: Json = {
            "orderId": order_id,
            "entityId": self.entities[entity],
            "type": type_,
            "items": given,
        }
        if promo:
            variables["promo"] = {"promoId": promo[0], "userId": promo[1]}
        payload = self.h.graphql(CREATE, {"input": variables})["createOrderWithItems"]
        self.expect(expected, outcome(payload), payload["order"])

    @rule(
        pick=picks,
        type_=st.none() | types,
        cancel=st.lists(st.sampled_from(ITEM_IDS), max_size=2),
        add=st.lists(items, max_size=2),
        version=st.sampled_from([None, 0, -1, 1]),
    )
    def update(
        self, pick: int, type_: Json | None, cancel: list[str], add: list[Json], version: int | None
    ) -> None:
        order_id = self.order_id(pick)
        known = self.model.orders.get(order_id)
        # 0: the order's version; -1 / 1: one below / above it.
        current = len(known.events) if known else 1
        expected_version = None if version is None else current + version
        expected = self.model.update(order_id, type_, cancel, add, expected_version)
        variables: Json = {
            "orderId": order_id,
            "cancelItemIds": cancel,
            "addItems": add,
            "expectedVersion": expected_version,
        }
        if type_ is not None:
            variables["type"] = type_
        payload = self.h.graphql(UPDATE, {"input": variables})["updateOrder"]
        self.expect(expected, outcome(payload), payload["order"])

    @rule(pick=picks)
    def decline(self, pick: int) -> None:
        order_id = self.order_id(pick)
        expected = self.model.decline(order_id)
        payload = self.h.graphql(DECLINE, {"orderId": order_id})["declineOrder"]
        self.expect(expected, outcome(payload), payload["order"])

    @rule(pick=picks)
    def restore(self, pick: int) -> None:
        order_id = self.order_id(pick)
        expected = self.model.restore(order_id)
        payload = self.h.graphql(RESTORE, {"orderId": order_id})["restoreOrder"]
        self.expect(expected, outcome(payload), payload["order"])

    # --- admin ---------------------------------------------------------------------------------

    @rule(promo=st.integers(0, 2), count=st.integers(0, 4))
    def update_promo(self, promo: int, count: int) -> None:
        expected = self.model.update_promo(self.promos[promo], count)
        given = {"promoId": self.promos[promo], "count": count}
        payload = self.h.graphql(UPDATE_PROMO, {"input": given}, admin=True)["updatePromo"]
        got = Outcome(payload["errors"][0]["code"]) if payload["errors"] else Outcome()
        assert got == expected, (expected, payload)

    # --- after every step -----------------------------------------------------------------------

    @invariant()
    def api_agrees_with_the_model(self) -> None:
        self.model.check_invariants()
        shown = self.read_orders()
        assert {order_id: api_view(order) for order_id, order in shown.items()} == {
            order_id: order.view() for order_id, order in self.model.orders.items()
        }
        for promo_id in self.model.promos:
            counters = self.read_promo(promo_id)
            assert counters == self.model.promo_view(promo_id, self.users)
            # SPEC §2 on the API's own numbers, as a client would check them.
            opened = [
                o
                for o in shown.values()
                if o["status"] == "OPEN" and o["promo"] and o["promo"]["promoId"] == promo_id
            ]
            assert 0 <= counters["lockedCount"] == len(opened) <= counters["count"]
            assert counters["available"] == counters["count"] - counters["lockedCount"]

    @invariant()
    def redis_agrees_with_the_model(self) -> None:
        self.h.redis(self.check_redis())

    async def check_redis(self) -> None:
        stored = {
            order_id: await stored_order(self.h.store, order_id) for order_id in self.model.orders
        }
        for order_id, order in stored.items():
            assert order.status.value == self.model.orders[order_id].status
        for promo_id, promo in self.model.promos.items():
            held = [order for order in stored.values() if order.promo_id == promo_id]
            state = await check_promo(self.h.store, promo_id, held)
            assert (state.count, state.per_user) == (promo.count, promo.per_user)

    def read_orders(self) -> dict[str, Json]:
        shown: dict[str, Json] = {}
        for request, chunk in order_reads(list(self.model.orders), "{ ...OrderFields }"):
            data = self.h.graphql(f"{request['query']}\n{ORDER_FIELDS}", request["variables"])
            shown.update({order_id: data[f"o{n}"] for n, order_id in enumerate(chunk)})
        return shown

    def read_promo(self, promo_id: str) -> Json:
        used = " ".join(f'u{n}: used(userId: "{user}")' for n, user in enumerate(self.users))
        query = f"""query($p: ID!) {{ promo(promoId: $p) {{
            count perUserCount lockedCount available {used} }} }}"""
        promo: Json = self.h.graphql(query, {"p": promo_id}, admin=True)["promo"]
        return promo


def test_the_service_behaves_as_the_reference_model(harness: Harness) -> None:
    run_state_machine_as_test(
        lambda: OrdoMachine(harness),
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            # Shrinking an HTTP-driven machine takes many minutes: report the failing run as
            # found (25 steps at most, printed in full). Add Phase.shrink here to minimise one.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )

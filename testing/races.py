"""Mixed clients racing on a few small promos: the load of the soak and of the fault tests.

Each client loops over create / complete / cancel / decline / restore / update and promo
recounts, GraphQL and REST mixed, on shared users, promos and orders, until its time, its
operation budget or stop(); every answer is counted in `Figures` (successes, 409s by code,
other errors, 5xx, transport errors).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from testing.documents import (
    CANCEL,
    COMPLETE,
    CREATE,
    CREATE_PLAIN,
    CREATE_PROMO,
    CREATE_USER,
    DECLINE,
    RESTORE,
    UPDATE,
    UPDATE_PROMO,
)
from testing.servers import ADMIN_TOKEN, unique

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
CLOSE = {"completeOrder": COMPLETE, "cancelOrder": CANCEL}


@dataclass(frozen=True)
class Config:
    seconds: float = 60
    operations: int = 20_000
    clients: int = 64
    promos: int = 3
    promo_count: int = 4
    per_user: int = 2
    users: int = 12
    workers: int = 2
    seed: int = 0


@dataclass
class Figures:
    operations: int = 0
    successes: int = 0
    conflicts: Counter[str] = field(default_factory=Counter)  # 409s, by code
    refusals: Counter[str] = field(default_factory=Counter)  # other expected errors, by code
    server_errors: Counter[int] = field(default_factory=Counter)  # 5xx, by status
    transport_errors: Counter[str] = field(default_factory=Counter)
    by_operation: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def record(self, operation: str, status: int, code: str | None) -> None:
        self.operations += 1
        self.by_operation[operation] += 1
        if status >= 500:
            self.server_errors[status] += 1
        elif code is None:
            self.successes += 1
        elif status == 409:
            self.conflicts[code] += 1
        else:
            self.refusals[code] += 1

    def report(self) -> str:
        rate = self.operations / self.seconds if self.seconds else 0.0
        lines = [
            f"operations {self.operations} in {self.seconds:.1f} s ({rate:.0f}/s), "
            f"successes {self.successes}",
            f"conflicts {sum(self.conflicts.values())}: {dict(self.conflicts.most_common())}",
            f"other errors {sum(self.refusals.values())}: {dict(self.refusals.most_common())}",
            f"5xx {sum(self.server_errors.values())}: {dict(self.server_errors)}",
            f"transport errors {dict(self.transport_errors)}",
            f"by operation: {dict(sorted(self.by_operation.items()))}",
        ]
        return "\n".join(lines)


class Load:
    """The shared world of the clients: users, promos, orders seen, and the figures."""

    def __init__(self, http: httpx.AsyncClient, config: Config) -> None:
        self.http, self.config = http, config
        self.rng = random.Random(config.seed)
        prefix = unique("soak")
        self.users = [f"{prefix}-u{n}" for n in range(config.users)]
        self.promos = [f"{prefix}-p{n}" for n in range(config.promos)]
        self.chosen_ids = [f"{prefix}-o{n}" for n in range(config.operations // 20 + 10)]
        self.entities = [f"{prefix}-e{n}" for n in range(5)]
        self.keys = [f"{prefix}-k{n}" for n in range(config.operations // 40 + 5)]
        self.orders: list[str] = []
        self.figures = Figures()
        self.stopped = False
        # (shortest, longest) client timeout: a client that gives up mid-request, at random.
        self.give_up: tuple[float, float] | None = None

    async def send(self, method: str, url: str, **sent: Any) -> httpx.Response | None:
        """The answer, or None when the request failed in transport (counted)."""
        if self.give_up:
            sent["timeout"] = self.rng.uniform(*self.give_up)
        try:
            return await self.http.request(method, url, **sent)
        except httpx.HTTPError as error:
            self.figures.transport_errors[type(error).__name__] += 1
            return None

    async def graphql(
        self, operation: str, query: str, variables: dict[str, Any], admin: bool = False
    ) -> None:
        sent = {"query": query, "variables": variables}
        answer = await self.send("POST", "/graphql", json=sent, headers=ADMIN if admin else {})
        if answer is None:
            return
        body = answer.json() if answer.status_code < 500 else {}
        if "errors" in body:  # a failure of the service itself (a 503 in extensions)
            status = body["errors"][0].get("extensions", {}).get("status", answer.status_code)
            self.figures.record(operation, status, "TOP_LEVEL")
            return
        payload = next(iter(body.get("data", {}).values()), {}) if body else {}
        errors = payload.get("errors") or []
        order = payload.get("order")
        if order and order.get("orderId") and not errors:
            self.orders.append(order["orderId"])
        code = errors[0]["code"] if errors else None
        self.figures.record(operation, errors[0]["status"] if errors else answer.status_code, code)

    async def rest(self, operation: str, method: str, url: str, **sent: Any) -> None:
        answer = await self.send(method, url, **sent)
        if answer is None:
            return
        if answer.status_code >= 500:
            self.figures.record(operation, answer.status_code, "SERVER_ERROR")
            return
        body = answer.json()
        if "orderId" in body:
            self.orders.append(body["orderId"])
        self.figures.record(
            operation, answer.status_code, body["error"]["code"] if "error" in body else None
        )

    # --- operations -------------------------------------------------------------------------

    def activation(self) -> dict[str, str]:
        return {"userId": self.rng.choice(self.users), "promoId": self.rng.choice(self.promos)}

    def some_order(self) -> str:
        return self.rng.choice(self.orders) if self.orders else self.rng.choice(self.chosen_ids)

    def items(self) -> list[dict[str, Any]]:
        ids = self.rng.sample(["i1", "i2", "i3", "i4"], self.rng.randint(0, 2))
        return [
            {
                "orderItemId": item_id,
                "serviceId": "svc",
                "price": self.rng.choice(["10", "10.00", "25"]),
                "periodStartDate": "2026-01-01",
                "periodEndDate": None,
            }
            for item_id in ids
        ]

    async def create(self) -> None:
        given = self.activation()
        key = self.rng.choice(self.keys) if self.rng.random() < 0.3 else None
        if self.rng.random() < 0.5:
            headers = {"Idempotency-Key": key} if key else {}
            await self.rest("createOrder/rest", "POST", "/orders", json=given, headers=headers)
        else:
            await self.graphql(
                "createOrder", CREATE_PLAIN, {"input": {**given, "idempotencyKey": key}}
            )

    async def create_with_items(self) -> None:
        given = {
            "orderId": self.rng.choice(self.chosen_ids),
            "entityId": self.rng.choice(self.entities),
            "type": {"rentPayment": {"paymentDate": "2026-02-01", "term": "FULL"}},
            "items": self.items(),
            "promo": self.activation() if self.rng.random() < 0.7 else None,
        }
        await self.graphql("createOrderWithItems", CREATE, {"input": given})

    async def close(self) -> None:
        order_id, way = self.some_order(), self.rng.choice(["completeOrder", "cancelOrder"])
        if self.rng.random() < 0.5:
            new_status = {"completeOrder": "success", "cancelOrder": "cancel"}[way]
            await self.rest(
                f"{way}/rest", "POST", f"/orders/{order_id}", json={"new status": new_status}
            )
        else:
            await self.graphql(way, CLOSE[way], {"orderId": order_id})

    async def decline(self) -> None:
        await self.graphql("declineOrder", DECLINE, {"orderId": self.some_order()})

    async def restore(self) -> None:
        await self.graphql("restoreOrder", RESTORE, {"orderId": self.some_order()})

    async def update(self) -> None:
        given = {
            "orderId": self.some_order(),
            "cancelItemIds": self.rng.sample(["i1", "i2", "i3", "i4"], 1),
            "addItems": self.items(),
        }
        await self.graphql("updateOrder", UPDATE, {"input": given})

    async def recount(self) -> None:
        given = {
            "promoId": self.rng.choice(self.promos),
            "count": self.rng.randint(0, self.config.promo_count + 2),
        }
        await self.graphql("updatePromo", UPDATE_PROMO, {"input": given}, admin=True)

    def mix(self) -> list[tuple[Callable[[], Awaitable[None]], int]]:
        return [
            (self.create, 30),
            (self.create_with_items, 12),
            (self.close, 25),
            (self.decline, 10),
            (self.restore, 10),
            (self.update, 8),
            (self.recount, 5),
        ]

    async def client(self, deadline: float) -> None:
        operations, weights = zip(*self.mix(), strict=True)
        while (
            self.figures.operations + sum(self.figures.transport_errors.values())
            < self.config.operations
        ):
            if self.stopped or time.monotonic() >= deadline:
                return
            await self.rng.choices(operations, weights)[0]()

    def stop(self) -> None:
        """Every client ends after its request in flight."""
        self.stopped = True

    async def setup(self) -> None:
        for user in self.users:
            await self.graphql("setup", CREATE_USER, {"userId": user}, admin=True)
        for promo in self.promos:
            given = {
                "promoId": promo,
                "count": self.config.promo_count,
                "perUserCount": self.config.per_user,
            }
            await self.graphql("setup", CREATE_PROMO, {"input": given}, admin=True)

    async def drive(self, seconds: float) -> Figures:
        """Fresh figures for `seconds` of load (or the operations budget, or stop())."""
        self.figures, self.stopped = Figures(), False
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(*(self.client(deadline) for _ in range(self.config.clients)))
        self.figures.seconds = time.monotonic() - started
        return self.figures

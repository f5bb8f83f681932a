"""The one key builder. Keys of one script call share one hash tag, so they share a cluster slot.

An order lives under its *home* tag: its promo's (`p:<promoId>`) when it holds a promo, so the
reserve can check the counters and write the order atomically; its entity's (`e:<entityId>`);
or its own (`o:<orderId>`). `home_key` (in the order's own slot) records a home other than its
own, so an order can be found by id alone.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "ordo"


@dataclass(frozen=True)
class Home:
    tag: str

    @classmethod
    def of_promo(cls, promo_id: str) -> Home:
        return cls(f"p:{promo_id}")

    @classmethod
    def of_entity(cls, entity_id: str) -> Home:
        return cls(f"e:{entity_id}")

    @classmethod
    def of_order(cls, order_id: str) -> Home:
        return cls(f"o:{order_id}")

    @property
    def promo_id(self) -> str | None:
        return self.tag[2:] if self.tag.startswith("p:") else None


def _key(tag: str, *parts: str) -> str:
    return ":".join((PREFIX, "{" + tag + "}", *parts))


def order_keys(home: Home, order_id: str) -> list[str]:
    """State hash, event stream, items hash: always in this order in a script's KEYS."""
    return [
        _key(home.tag, "order", order_id),
        _key(home.tag, "events", order_id),
        _key(home.tag, "items", order_id),
    ]


def events_key(home: Home, order_id: str) -> str:
    return order_keys(home, order_id)[1]


def promo_keys(promo_id: str) -> list[str]:
    """Counters hash, used-by-user hash, open-by-user hash, open orders (sorted by time)."""
    tag = Home.of_promo(promo_id).tag
    return [_key(tag, "promo"), _key(tag, "used"), _key(tag, "open"), _key(tag, "open-orders")]


def order_and_promo_keys(home: Home, order_id: str) -> list[str]:
    keys = order_keys(home, order_id)
    return keys + promo_keys(home.promo_id) if home.promo_id else keys


def home_key(order_id: str) -> str:
    return _key(Home.of_order(order_id).tag, "home")


def user_key(user_id: str) -> str:
    return _key(f"u:{user_id}", "user")


def idempotency_key(key: str) -> str:
    return _key(f"i:{key}", "idempotency")


def entity_orders_key(entity_id: str) -> str:
    """The entity's orders: order id -> home tag. Only the entity's own orders are read."""
    return _key(Home.of_entity(entity_id).tag, "orders")


def promo_registry_key() -> str:
    """Every promo id (one key: read by the reaper, written once per promo)."""
    return _key("promos", "registry")

"""The one key builder. Keys of one script call share one hash tag, so they share a cluster slot.

An order lives under its *home* tag: its promo's (`p:<promoId>`) when it holds a promo, so the
reserve can check the counters and write the order atomically; its entity's (`e:<entityId>`);
or its own (`o:<orderId>`). `home_key` (in the order's own slot) records a home other than its
own, so an order can be found by id alone.

Each script's KEYS are built here, as its layout (store/layouts.py); the single-key
functions serve reads and the layouts.
"""

from __future__ import annotations

from binascii import crc_hqx
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from store.layouts import (
    CursorSecretKeys,
    DocumentKeys,
    EntityHomesKeys,
    EntityIndexKeys,
    FenceKeys,
    HomeClaimKeys,
    IdempotencyKeys,
    IndexOrderKeys,
    ItemsCreateKeys,
    ListedOrderKeys,
    ListedOrderPromoKeys,
    ListingKeys,
    OrderKeys,
    OrderListingKeys,
    OrderPromoKeys,
    PageKeys,
    PromoCounterKeys,
    PromoKeys,
    PromoUsageKeys,
    RegistryKeys,
    UserKeys,
)

PREFIX = "ordo"


@dataclass(frozen=True, slots=True)
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


PARTITIONS = 16384  # Redis Cluster's slots: the change feed has a partition per slot


def partition_of(tag: str) -> int:
    """The cluster slot of keys under the tag (CRC16/XMODEM of the tag, as Redis computes)."""
    return crc_hqx(tag.encode(), 0) % PARTITIONS


@cache
def _partition_tags() -> tuple[str, ...]:
    """For each slot, the first tag 'f<base 36 n>' (n = 0, 1, …) that falls in it: a key
    needs the *slot* of the keys it is written with, not their tag. About 0.1 s, once."""
    tags: dict[int, str] = {}
    n = 0
    while len(tags) < PARTITIONS:
        tag = "f" + _base36(n)
        tags.setdefault(partition_of(tag), tag)
        n += 1
    return tuple(tags[slot] for slot in range(PARTITIONS))


def _base36(n: int) -> str:
    digits = ""
    while True:
        n, digit = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if not n:
            return digits


def partition_key(partition: int) -> str:
    """The change feed's stream of one slot (SPEC §10)."""
    return _key(_partition_tags()[partition], "feed")


def feed_key(home: Home) -> str:
    """The feed partition an order's events are also written to: its home's slot."""
    return partition_key(partition_of(home.tag))


FEED_NEWS = f"{PREFIX}:feed:news"  # a script names its partition here after writing to it
FEED_GROUPS = f"{PREFIX}:{{feed-groups}}:names"  # the consumer groups ever made (`ordo feed`)


def _head(tag: str) -> str:
    """What every key under the tag starts with."""
    return f"{PREFIX}:{{{tag}}}:"


def _key(tag: str, *parts: str) -> str:
    return _head(tag) + ":".join(parts)


def order_keys(home: Home, order_id: str) -> OrderKeys:
    """State hash, event stream, items hash."""
    head = _head(home.tag)  # once for the three: keys are made on every request's path
    return OrderKeys(
        f"{head}order:{order_id}", f"{head}events:{order_id}", f"{head}items:{order_id}"
    )


def events_key(home: Home, order_id: str) -> str:
    return order_keys(home, order_id).events_key


def _promo_keys_under(tag: str) -> PromoKeys:
    head = _head(tag)
    return PromoKeys(f"{head}promo", f"{head}used", f"{head}open", f"{head}open-orders")


def promo_keys(promo_id: str) -> PromoKeys:
    """Counters hash, used-by-user hash, open-by-user hash, open orders (sorted by time)."""
    return _promo_keys_under(Home.of_promo(promo_id).tag)


def _home_promo_keys(home: Home) -> PromoKeys:
    """The promo keys of an order's home. A home without a promo has none: it gets the same
    names under its own tag, placeholders in the call's slot that no script reads or writes
    (a script touches promo keys only for an order whose promoId is set, and such an order
    lives under its promo's tag)."""
    return _promo_keys_under(home.tag)


def order_promo_keys(home: Home, order_id: str) -> OrderPromoKeys:
    order, events, _ = order_keys(home, order_id)
    promo, feed = _home_keys(home.tag)
    return OrderPromoKeys(order, events, *promo, feed)


@lru_cache(maxsize=4096)
def _home_keys(tag: str) -> tuple[PromoKeys, str]:
    """A home's promo keys and feed partition, the same for every order under it: made once
    per home (a promo's, on every create) instead of per request (a CRC16 and five keys)."""
    home = Home(tag)
    return _home_promo_keys(home), feed_key(home)


def items_create_keys(home: Home, order_id: str) -> ItemsCreateKeys:
    fence = fence_key(home, order_id)
    return ItemsCreateKeys(
        *order_keys(home, order_id),
        fence,
        *_home_promo_keys(home),
        *listing_keys(home),
        feed_key(home),
    )


def listing_keys(home: Home) -> ListingKeys:
    """The home's listing of its entities' orders, by entity and place (lua/page_orders.lua).
    Every home has these names; a home whose orders have no entity never writes them."""
    head = _head(home.tag)
    return ListingKeys(
        f"{head}listing",
        f"{head}listing-retired",
        f"{head}listing-retired-at",
        f"{head}listing-counts",
        f"{head}listing-seq",
    )


def page_keys(home: Home, entity_id: str) -> PageKeys:
    """page_orders' keys: the home's listing and, under the entity's own home, its homes."""
    own = home == Home.of_entity(entity_id)
    homes = entity_homes_key(entity_id) if own else _key(home.tag, "homes")
    return PageKeys(*listing_keys(home), homes)


def listed_order_keys(home: Home, order_id: str) -> ListedOrderKeys:
    return ListedOrderKeys(*order_keys(home, order_id), *listing_keys(home), feed_key(home))


def order_listing_keys(home: Home, order_id: str) -> OrderListingKeys:
    return OrderListingKeys(*order_keys(home, order_id), listing_keys(home).listing_key)


def listed_order_promo_keys(home: Home, order_id: str) -> ListedOrderPromoKeys:
    order, events, _ = order_keys(home, order_id)
    promo = _home_promo_keys(home)
    return ListedOrderPromoKeys(order, events, *promo, *listing_keys(home), feed_key(home))


def promo_counter_keys(promo_id: str) -> PromoCounterKeys:
    return PromoCounterKeys(promo_keys(promo_id).promo_key)


def promo_usage_keys(promo_id: str) -> PromoUsageKeys:
    promo, used, open_, _ = promo_keys(promo_id)
    return PromoUsageKeys(promo, used, open_)


def promo_state_keys(promo_id: str, order_ids: Sequence[str]) -> tuple[str, ...]:
    """read_promo_state's: the promo's keys, then the state hash of each order asked about."""
    home = Home.of_promo(promo_id)
    return (
        *promo_keys(promo_id),
        *(order_keys(home, order_id).order_key for order_id in order_ids),
    )


def home_claim_keys(order_id: str) -> HomeClaimKeys:
    own = order_keys(Home.of_order(order_id), order_id).order_key
    return HomeClaimKeys(home_key(order_id), own, home_generation_key(order_id))


def fence_keys(home: Home, order_id: str) -> FenceKeys:
    return FenceKeys(order_keys(home, order_id).order_key, fence_key(home, order_id))


def entity_index_keys(entity_id: str) -> EntityIndexKeys:
    return EntityIndexKeys(entity_orders_key(entity_id), entity_claims_key(entity_id))


def index_order_keys(entity_id: str) -> IndexOrderKeys:
    return IndexOrderKeys(*entity_index_keys(entity_id), entity_homes_key(entity_id))


def entity_homes_keys(entity_id: str) -> EntityHomesKeys:
    return EntityHomesKeys(entity_homes_key(entity_id))


def idempotency_keys(key: str) -> IdempotencyKeys:
    return IdempotencyKeys(idempotency_key(key))


def user_keys(user_id: str) -> UserKeys:
    return UserKeys(user_key(user_id))


def registry_keys() -> RegistryKeys:
    return RegistryKeys(promo_registry_key())


def cursor_secret_keys() -> CursorSecretKeys:
    """One key for the whole store: every worker and instance reads the same secret."""
    return CursorSecretKeys(_key("cursors", "secret"))


def document_keys() -> DocumentKeys:
    """Persisted GraphQL documents: few and small, so one slot holds them all and one script
    can bound their number (docs/scaling.md)."""
    return DocumentKeys(_key("documents", "texts"), _key("documents", "uses"))


def home_key(order_id: str) -> str:
    return _key(Home.of_order(order_id).tag, "home")


def home_generation_key(order_id: str) -> str:
    """How many times the order's home claim was taken over (store/homes.py)."""
    return _key(Home.of_order(order_id).tag, "home-generation")


def fence_key(home: Home, order_id: str) -> str:
    """Under a home the claim left: creates of the order with an older generation are refused."""
    return _key(home.tag, "fence", order_id)


def user_key(user_id: str) -> str:
    return _key(f"u:{user_id}", "user")


def idempotency_key(key: str) -> str:
    return _key(f"i:{key}", "idempotency")


def entity_orders_key(entity_id: str) -> str:
    """The entity's orders: order id -> home tag. Only the entity's own orders are read."""
    return _key(Home.of_entity(entity_id).tag, "orders")


def entity_homes_key(entity_id: str) -> str:
    """The homes the entity's orders live under (a set of tags; pages look in each)."""
    return _key(Home.of_entity(entity_id).tag, "homes")


def entity_claims_key(entity_id: str) -> str:
    """Beside the entity's orders: order id -> "<claim generation> <written at, Unix seconds>"."""
    return _key(Home.of_entity(entity_id).tag, "order-claims")


def promo_registry_key() -> str:
    """Every promo id (one key: read by the reaper, written once per promo)."""
    return _key("promos", "registry")


def order_key_pattern() -> str:
    """A SCAN pattern for every order's state hash, under any home (`ordo verify`)."""
    return _key("*", "order", "*")


def _tag_and_rest(key: str) -> tuple[str, str] | None:
    # Ids hold no braces, so the first "}" ends the tag.
    head = f"{PREFIX}:{{"
    tag, sep, rest = key[len(head) :].partition("}:")
    return (tag, rest) if key.startswith(head) and sep and tag else None


def order_of_key(key: str) -> tuple[Home, str] | None:
    """The home and order id of a state-hash key, None for any other key."""
    parts = _tag_and_rest(key)
    if parts is None or not parts[1].startswith("order:") or parts[1] == "order:":
        return None
    return Home(parts[0]), parts[1].removeprefix("order:")


def entity_orders_key_pattern() -> str:
    """A SCAN pattern for every entity's index of orders (`ordo reindex`)."""
    return entity_orders_key("*")


def entity_of_orders_key(key: str) -> str | None:
    """The entity id of an entity's index key, None for any other key."""
    parts = _tag_and_rest(key)
    if parts is None or parts[1] != "orders" or not parts[0].startswith("e:"):
        return None
    return parts[0][2:] or None


def promo_key_pattern() -> str:
    """A SCAN pattern for every promo's counters hash."""
    return promo_keys("*").promo_key


def promo_of_key(key: str) -> str | None:
    parts = _tag_and_rest(key)
    return Home(parts[0]).promo_id if parts and parts[1] == "promo" else None

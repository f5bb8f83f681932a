"""Each script's KEYS by name: one NamedTuple per shape, beside the loader (store/scripts.py).

A script's first line binds `KEYS[1..n]`, in order, to locals named exactly as its layout's
fields (tests/unit/test_lua_layout.py checks every script against `LAYOUTS`), and
store/keys.py is the one place that builds them. A NamedTuple is a Sequence[str], so a
layout goes to `Store.run` as the script's KEYS as it is: no caller counts positions.
"""

from __future__ import annotations

from typing import NamedTuple


class OrderKeys(NamedTuple):
    """An order's own keys: its state hash, events and items (the parts of every order layout)."""

    order_key: str  # state hash
    events_key: str  # event stream
    items_key: str  # items hash


class OrderPromoKeys(NamedTuple):
    """An order and the counters of its promo: the scripts that may reserve, release or
    redeem. A home without a promo gets placeholders under its own tag (store/keys.py)."""

    order_key: str
    events_key: str
    promo_key: str  # counters hash
    used_key: str  # redeemed activations by user
    open_key: str  # OPEN orders by user
    open_orders_key: str  # OPEN orders by reservation time
    feed_key: str  # the change feed partition of this call's slot (SPEC §10)


class ItemsCreateKeys(NamedTuple):
    """create_order_with_items: the order, the fence of its home claim, its promo, its home's
    entity listing."""

    order_key: str
    events_key: str
    items_key: str
    fence_key: str
    promo_key: str
    used_key: str
    open_key: str
    open_orders_key: str
    listing_key: str
    retired_key: str
    retired_at_key: str
    counts_key: str
    seq_key: str
    feed_key: str  # the change feed partition of this call's slot (SPEC §10)


class ListingKeys(NamedTuple):
    """page_orders: a home's listing of its entities' orders (docs/decisions.md, "Pages")."""

    listing_key: str  # sorted set of versions, by entity and place
    retired_key: str  # retired version -> the listing sequence that ended it
    retired_at_key: str  # retired versions by the time they ended (pruning)
    counts_key: str  # current versions per entity, shown and declined
    seq_key: str  # the home's listing sequence


class PageKeys(NamedTuple):
    """page_orders: a home's listing, and the entity's set of homes (read on a first page, from
    the entity's own home: the same slot, so the first page needs one script less)."""

    listing_key: str
    retired_key: str
    retired_at_key: str
    counts_key: str
    seq_key: str
    homes_key: str  # the entity's homes; under another home a placeholder, never read


class ListedOrderKeys(NamedTuple):
    """update_order, list_order: an order's own keys and its home's listing."""

    order_key: str
    events_key: str
    items_key: str
    listing_key: str
    retired_key: str
    retired_at_key: str
    counts_key: str
    seq_key: str
    feed_key: str  # the change feed partition of this call's slot (SPEC §10)


class ListedOrderPromoKeys(NamedTuple):
    """decline_order, restore_order: an order, its promo's counters, its home's listing."""

    order_key: str
    events_key: str
    promo_key: str
    used_key: str
    open_key: str
    open_orders_key: str
    listing_key: str
    retired_key: str
    retired_at_key: str
    counts_key: str
    seq_key: str
    feed_key: str  # the change feed partition of this call's slot (SPEC §10)


class PromoKeys(NamedTuple):
    """A promo's four keys (read_promo_state: then the state hashes of the orders it asks
    about, as many as given, `order_keys` in REST)."""

    promo_key: str
    used_key: str
    open_key: str
    open_orders_key: str


class PromoCounterKeys(NamedTuple):
    """create_promo, update_promo."""

    promo_key: str


class PromoUsageKeys(NamedTuple):
    """import_promo_usage."""

    promo_key: str
    used_key: str
    open_key: str


class HomeClaimKeys(NamedTuple):
    """claim_order_home: all in the order's own slot."""

    home_key: str
    own_order_key: str  # the order's state hash under its own id
    generation_key: str


class FenceKeys(NamedTuple):
    """fence_order_home: under the home being fenced."""

    order_key: str
    fence_key: str


class EntityIndexKeys(NamedTuple):
    """unindex_order."""

    entity_orders_key: str
    entity_claims_key: str


class IndexOrderKeys(NamedTuple):
    """index_order: the entity's index and the homes its orders live under."""

    entity_orders_key: str
    entity_claims_key: str
    entity_homes_key: str


class EntityHomesKeys(NamedTuple):
    """add_entity_homes: the homes an entity's orders live under (`ordo reindex`)."""

    entity_homes_key: str


class OrderListingKeys(NamedTuple):
    """read_order_state: an order's own keys and its home's listing, read by `ordo verify`."""

    order_key: str
    events_key: str
    items_key: str
    listing_key: str


class IdempotencyKeys(NamedTuple):
    """claim_idempotency_key, release_idempotency_key."""

    idempotency_key: str


class UserKeys(NamedTuple):
    """create_user."""

    user_key: str


class DocumentKeys(NamedTuple):
    """register_document, read_document: persisted GraphQL documents, one slot."""

    documents_key: str  # hash: SHA-256 -> document text
    uses_key: str  # sorted set: SHA-256 by last use (µs), the bound drops the oldest


class CursorSecretKeys(NamedTuple):
    """share_cursor_secret: the secret cursors are sealed with when none is configured."""

    secret_key: str


class RegistryKeys(NamedTuple):
    """register_promo."""

    registry_key: str


LAYOUTS: dict[str, type[tuple[str, ...]]] = {
    "add_entity_homes": EntityHomesKeys,
    "cancel_order": OrderPromoKeys,
    "claim_idempotency_key": IdempotencyKeys,
    "claim_order_home": HomeClaimKeys,
    "complete_order": OrderPromoKeys,
    "create_order": OrderPromoKeys,
    "create_order_with_items": ItemsCreateKeys,
    "create_promo": PromoCounterKeys,
    "create_user": UserKeys,
    "decline_order": ListedOrderPromoKeys,
    "expire_order": OrderPromoKeys,
    "fence_order_home": FenceKeys,
    "import_promo_usage": PromoUsageKeys,
    "index_order": IndexOrderKeys,
    "list_order": ListedOrderKeys,
    "page_orders": PageKeys,
    "read_document": DocumentKeys,
    "read_order_state": OrderListingKeys,
    "read_promo_state": PromoKeys,
    "register_document": DocumentKeys,
    "register_promo": RegistryKeys,
    "release_idempotency_key": IdempotencyKeys,
    "restore_order": ListedOrderPromoKeys,
    "share_cursor_secret": CursorSecretKeys,
    "unindex_order": EntityIndexKeys,
    "update_order": ListedOrderKeys,
    "update_promo": PromoCounterKeys,
}

# Scripts whose KEYS go on past their layout, and the local that takes the rest.
REST = {"read_promo_state": "order_keys"}

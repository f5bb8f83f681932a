"""Each script's ARGV by name: one NamedTuple per shape, as store/layouts.py does for KEYS.

A script's first lines bind `ARGV[1..n]`, in order, to locals named exactly as its layout's
fields (tests/unit/test_lua_layout.py checks every script against `ARGV`); a script whose
arguments go on past them (items, homes, user records) binds the rest to the locals named in
`ARGV_REST`, and its caller passes them after the layout: `[*layout, *rest]`. A NamedTuple is
a Sequence, so a layout with no rest goes to `Store.run` as it is.
"""

from __future__ import annotations

from typing import NamedTuple


class NoArgs(NamedTuple):
    """A script that takes no ARGV, or only a rest of them."""


class ChangeArgs(NamedTuple):
    """cancel_order, complete_order, decline_order, restore_order: the order, and the owner
    it must have for this caller ('' for any; SPEC §9)."""

    order_id: str
    expected_owner: str


class CreateOrderArgs(NamedTuple):
    order_id: str
    promo_id: str  # '' for none
    user_id: str
    created_data: str  # ORDER_CREATED's data
    owner_id: str  # '' for none


class ItemsCreateArgs(NamedTuple):
    """create_order_with_items; the rest: `item_count` item triples (id, fingerprint, data)."""

    order_id: str
    entity_id: str
    kind: str
    type_json: str  # canonical type content, what scripts compare
    promo_id: str
    user_id: str
    owner_id: str
    created_data: str
    generation: int  # of the home claim this create holds
    item_count: int


class UpdateOrderArgs(NamedTuple):
    """update_order; the rest: `cancel_count` item ids, then `add_count` item triples."""

    order_id: str
    expected_owner: str
    expected_version: str  # '' for none
    kind: str
    type_json: str
    updated_data: str
    cancel_count: int
    add_count: int


class ExpireArgs(NamedTuple):
    order_id: str
    ttl_us: int


class ListOrderArgs(NamedTuple):
    order_id: str
    entity_id: str


class PageArgs(NamedTuple):
    entity_id: str
    watermark: str  # '' on a first page
    after: str  # the cursor's place, '' on a first page
    page_size: int
    with_declined: str  # '1' or ''
    with_homes: str  # '1' or ''


class CreatePromoArgs(NamedTuple):
    promo_count: int  # `count`, a tuple's method here
    per_user_count: int
    starts_at: str  # µs, '' for none
    ends_at: str


class UpdatePromoArgs(NamedTuple):
    """Each 'keep', 'clear' or 'set:<value>'."""

    count_arg: str
    starts_arg: str
    ends_arg: str


class RegisterPromoArgs(NamedTuple):
    promo_id: str


class HomeClaimArgs(NamedTuple):
    home: str  # tags
    own_home: str
    replaces: str  # '' for none
    replaces_generation: str  # '' for any


class FenceArgs(NamedTuple):
    generation: int


class IndexOrderArgs(NamedTuple):
    order_id: str
    home: str
    generation: int


class UnindexOrderArgs(NamedTuple):
    order_id: str
    generation: int


class IdempotencyClaimArgs(NamedTuple):
    fingerprint: str
    order_id: str
    ttl_seconds: int


class IdempotencyReleaseArgs(NamedTuple):
    order_id: str


class RegisterDocumentArgs(NamedTuple):
    digest: str
    text: str
    max_kept: int


class ReadDocumentArgs(NamedTuple):
    digest: str


class CursorSecretArgs(NamedTuple):
    offered: str


ARGV: dict[str, type[tuple[str | int, ...]]] = {
    "add_entity_homes": NoArgs,
    "cancel_order": ChangeArgs,
    "claim_idempotency_key": IdempotencyClaimArgs,
    "claim_order_home": HomeClaimArgs,
    "complete_order": ChangeArgs,
    "create_order": CreateOrderArgs,
    "create_order_with_items": ItemsCreateArgs,
    "create_promo": CreatePromoArgs,
    "create_user": NoArgs,
    "decline_order": ChangeArgs,
    "expire_order": ExpireArgs,
    "fence_order_home": FenceArgs,
    "import_promo_usage": NoArgs,
    "index_order": IndexOrderArgs,
    "list_order": ListOrderArgs,
    "page_orders": PageArgs,
    "read_document": ReadDocumentArgs,
    "read_order_state": NoArgs,
    "read_promo_state": NoArgs,
    "register_document": RegisterDocumentArgs,
    "register_promo": RegisterPromoArgs,
    "release_idempotency_key": IdempotencyReleaseArgs,
    "restore_order": ChangeArgs,
    "share_cursor_secret": CursorSecretArgs,
    "unindex_order": UnindexOrderArgs,
    "update_order": UpdateOrderArgs,
    "update_promo": UpdatePromoArgs,
}

# Scripts whose ARGV go on past their layout, and the locals that take the rest, in order.
ARGV_REST: dict[str, tuple[str, ...]] = {
    "add_entity_homes": ("homes",),
    "create_order_with_items": ("items",),
    "import_promo_usage": ("users",),
    "update_order": ("cancel_ids", "items"),
}

"""Relay's global object identification: `interface Node { id: ID! }` and its ids.

An order's global id is base64 of `Order:<orderId>` (Relay's own convention, as GitHub's and
Shopify's older ids): opaque to clients, the same wherever an order is answered, and read
back by `Query.node` alone, with no store lookup to tell its type.
"""

from __future__ import annotations

import base64
import binascii

import strawberry

from domain.validation import check_id, invalid

ORDER = "Order:"
FIELD = ("id",)


@strawberry.interface(description="An object with a global id (Relay's object identification).")
class Node:
    @strawberry.field(description="Opaque and stable; Query.node finds the object by it.")
    def id(self) -> strawberry.ID:  # each type makes its own, when a query asks for it
        raise NotImplementedError


def order_global_id(order_id: str) -> strawberry.ID:
    return strawberry.ID(base64.b64encode(f"{ORDER}{order_id}".encode()).decode())


def order_id_of(global_id: str) -> str:
    """The order id a global id names, else INVALID_INPUT naming `id`."""
    try:
        text = base64.b64decode(global_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise invalid(FIELD, "id is not a global id this API gave") from None
    if not text.startswith(ORDER):
        raise invalid(FIELD, "id is not a global id this API gave")
    return check_id(text.removeprefix(ORDER), list(FIELD))

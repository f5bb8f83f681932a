"""The GraphQL documents the tests and the bench's programs send, and the batched reads the
soak and the model test check orders with."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Json = dict[str, Any]

ERROR_FIELDS = "errors { code status message field }"
# What the promo-order tests read of an order.
PROMO_ORDER_FIELDS = """
fragment PromoOrderFields on Order {
  orderId status entityId version createdAt updatedAt
  promo { promoId userId }
  events { id orderId version type at data }
}
"""
# What the orders-with-items tests read of an order.
ORDER_FIELDS = """
fragment OrderFields on Order {
  orderId status entityId version total
  type {
    __typename
    ... on RentPayment { paymentDate term }
    ... on SecurityDeposit { refundDate }
  }
  items { orderItemId serviceId price periodStartDate periodEndDate }
  cancelledItems { orderItemId serviceId price periodStartDate periodEndDate }
  promo { promoId userId }
  events { id type data }
}
"""


def order_mutation(name: str, fragment: str, **params: str) -> str:
    """`name(param: $param, …)` answering an OrderPayload whose order has `fragment`'s fields."""
    declared = f"({', '.join(f'${p}: {kind}' for p, kind in params.items())})" if params else ""
    passed = f"({', '.join(f'{p}: ${p}' for p in params)})" if params else ""
    spread = fragment.split()[1]
    return f"""
mutation{declared} {{ {name}{passed} {{ order {{ ...{spread} }} {ERROR_FIELDS} }} }}
{fragment}"""


def order_query(fragment: str) -> str:
    spread = fragment.split()[1]
    return f"query($orderId: ID!) {{ order(orderId: $orderId) {{ ...{spread} }} }}\n{fragment}"


# Promo orders (seed 000).
CREATE_ORDER = order_mutation("createOrder", PROMO_ORDER_FIELDS, input="CreateOrderInput")
CREATE_ORDER_WITHOUT_INPUT = order_mutation("createOrder", PROMO_ORDER_FIELDS)
COMPLETE_ORDER = order_mutation("completeOrder", PROMO_ORDER_FIELDS, orderId="ID!")
CANCEL_ORDER = order_mutation("cancelOrder", PROMO_ORDER_FIELDS, orderId="ID!")
DECLINE_ORDER = order_mutation("declineOrder", PROMO_ORDER_FIELDS, orderId="ID!")
PROMO_ORDER = order_query(PROMO_ORDER_FIELDS)
CLOSE = {"success": ("completeOrder", COMPLETE_ORDER), "cancel": ("cancelOrder", CANCEL_ORDER)}

# Orders with items (seed 003), and any order read with their fields.
CREATE = order_mutation("createOrderWithItems", ORDER_FIELDS, input="CreateOrderWithItemsInput!")
UPDATE = order_mutation("updateOrder", ORDER_FIELDS, input="UpdateOrderInput!")
CREATE_PLAIN = order_mutation("createOrder", ORDER_FIELDS, input="CreateOrderInput")
DECLINE, RESTORE, COMPLETE, CANCEL = (
    order_mutation(name, ORDER_FIELDS, orderId="ID!")
    for name in ("declineOrder", "restoreOrder", "completeOrder", "cancelOrder")
)
ORDER = order_query(ORDER_FIELDS)
ORDERS = f"""
query($entityId: ID!, $includeDeclined: Boolean) {{
  orders(entityId: $entityId, includeDeclined: $includeDeclined) {{ ...OrderFields }}
}}
{ORDER_FIELDS}"""

# Admin.
PROMO_FIELDS = "promoId count perUserCount lockedCount available startsAt endsAt"
CREATE_USER = (
    f"mutation($userId: ID!) {{ createUser(userId: $userId) {{ userId {ERROR_FIELDS} }} }}"
)
CREATE_PROMO = f"""
mutation($input: CreatePromoInput!) {{
  createPromo(input: $input) {{ promo {{ {PROMO_FIELDS} }} {ERROR_FIELDS} }}
}}"""
UPDATE_PROMO = f"""
mutation($input: UpdatePromoInput!) {{
  updatePromo(input: $input) {{ promo {{ {PROMO_FIELDS} }} {ERROR_FIELDS} }}
}}"""
PROMO = f"""
query($promoId: ID!, $userId: ID!) {{
  promo(promoId: $promoId) {{ {PROMO_FIELDS} used(userId: $userId) }}
}}"""


def order_reads(order_ids: list[str], selection: str) -> Iterator[tuple[Json, list[str]]]:
    """GraphQL requests reading the orders (aliases o0, o1, ...), in batches well under the
    query cost limit (3 per order): (request body, the ids it reads in alias order)."""
    for start in range(0, len(order_ids), 25):
        chunk = order_ids[start : start + 25]
        params = ", ".join(f"$o{n}: ID!" for n in range(len(chunk)))
        fields = " ".join(f"o{n}: order(orderId: $o{n}) {selection}" for n in range(len(chunk)))
        variables = {f"o{n}": order_id for n, order_id in enumerate(chunk)}
        yield {"query": f"query({params}) {{ {fields} }}", "variables": variables}, chunk

"""JSON shapes of order types and items as they travel in event data (SPEC §3.3)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from domain.order import OrderItem, OrderType, RentPayment, RentTerm, SecurityDeposit


def type_to_json(order_type: OrderType | None) -> dict[str, Any] | None:
    if isinstance(order_type, RentPayment):
        return {
            "rentPayment": {
                "paymentDate": order_type.payment_date.isoformat(),
                "term": order_type.term.value,
            }
        }
    if isinstance(order_type, SecurityDeposit):
        refund = order_type.refund_date
        return {"securityDeposit": {"refundDate": refund.isoformat() if refund else None}}
    return None


def type_from_json(data: dict[str, Any] | None) -> OrderType | None:
    if not data:
        return None
    if "rentPayment" in data:
        rent = data["rentPayment"]
        return RentPayment(date.fromisoformat(rent["paymentDate"]), RentTerm(rent["term"]))
    refund = data["securityDeposit"]["refundDate"]
    return SecurityDeposit(date.fromisoformat(refund) if refund else None)


def type_kind(order_type: OrderType | None) -> str:
    """The kind a type may never change away from ("" for an order created without one)."""
    if order_type is None:
        return ""
    return "rentPayment" if isinstance(order_type, RentPayment) else "securityDeposit"


def item_to_json(item: OrderItem) -> dict[str, Any]:
    return {
        "orderItemId": item.order_item_id,
        "serviceId": item.service_id,
        "price": item.price,
        "periodStartDate": item.period_start_date.isoformat(),
        "periodEndDate": item.period_end_date.isoformat() if item.period_end_date else None,
    }


def item_from_json(data: dict[str, Any]) -> OrderItem:
    end = data.get("periodEndDate")
    return OrderItem(
        order_item_id=data["orderItemId"],
        service_id=data["serviceId"],
        price=data["price"],
        period_start_date=date.fromisoformat(data["periodStartDate"]),
        period_end_date=date.fromisoformat(end) if end else None,
    )


def canonical_price(price: str) -> str:
    """Prices compare by value: "100", "100.0" and "1E2" all give "100"."""
    text = format(Decimal(price).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def item_fingerprint(item: OrderItem) -> str:
    """An item's content, comparable by string equality (the Lua scripts compare these)."""
    end = item.period_end_date.isoformat() if item.period_end_date else ""
    return "|".join(
        (item.service_id, canonical_price(item.price), item.period_start_date.isoformat(), end)
    )


def canonical_json(value: Any) -> str:
    """One text per value, so scripts can compare type contents as strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))

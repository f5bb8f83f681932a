"""How the commands print promos and orders: aligned text for people, JSON for scripts.

The JSON has the GraphQL API's field names and formats (SPEC §5), so one reader serves both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import typer

from domain.codec import item_to_json, type_to_json
from domain.order import Order
from domain.promo import Promo


def datetime_value(value: datetime) -> str:
    """The API's DateTime format (schema/scalars.py), without loading Strawberry for a shell
    command: UTC, "Z"."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def promo_json(promo: Promo, used: Mapping[str, int]) -> dict[str, Any]:
    return {
        "promoId": promo.promo_id,
        "count": promo.count,
        "perUserCount": promo.per_user_count,
        "lockedCount": promo.locked_count,
        "available": promo.available,
        "startsAt": datetime_value(promo.starts_at) if promo.starts_at else None,
        "endsAt": datetime_value(promo.ends_at) if promo.ends_at else None,
        "used": dict(used),
    }


def order_json(order: Order) -> dict[str, Any]:
    promo = order.promo
    return {
        "orderId": order.order_id,
        "status": order.status.value,
        "entityId": order.entity_id,
        "type": type_to_json(order.type),
        "promo": {"promoId": promo.promo_id, "userId": promo.user_id} if promo else None,
        "items": [item_to_json(item) for item in order.items],
        "cancelledItems": [item_to_json(item) for item in order.cancelled_items],
        "total": str(order.total),
        "createdAt": datetime_value(order.created_at),
        "updatedAt": datetime_value(order.updated_at),
        "version": order.version,
        "events": [
            {"id": e.id, "type": e.type.value, "at": datetime_value(e.at), "data": e.data}
            for e in order.events
        ],
    }


def echo_json(value: object) -> None:
    typer.echo(json.dumps(value, indent=2))


def echo_fields(fields: Mapping[str, object]) -> None:
    """One `name  value` line per field, values aligned; "-" for none, JSON for structures."""
    width = max(map(len, fields), default=0)
    for name, value in fields.items():
        shown = (
            "-" if value is None else value if isinstance(value, str | int) else json.dumps(value)
        )
        typer.echo(f"{name.ljust(width)}  {shown}")


def echo_promo(promo: Promo, used: Mapping[str, int]) -> None:
    fields = promo_json(promo, used)
    del fields["used"]
    echo_fields(fields | {f"used({user})": n for user, n in used.items()})


def echo_order(order: Order) -> None:
    fields = order_json(order)
    events = fields.pop("events")
    echo_fields(fields)
    typer.echo("events:")
    for event in events:
        typer.echo(f"  {event['id']}  {event['at']}  {event['type']}  {json.dumps(event['data'])}")

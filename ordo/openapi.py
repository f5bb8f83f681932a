"""The fixed part of /openapi.json; each route's docstring adds its operation."""

from __future__ import annotations

from typing import Any

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}

BASE: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "ordo legacy REST", "version": "1.0.0"},
    "components": {
        "schemas": {
            # SPEC §7: what every id and idempotency key must be, else 400.
            "Id": {"type": "string", "pattern": "^[A-Za-z0-9_.:@-]{1,128}$"},
            # A plain order ({}) or a promo activation: userId and promoId come together.
            "CreateOrder": {
                "oneOf": [
                    {"type": "object", "additionalProperties": False, "maxProperties": 0},
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["userId", "promoId"],
                        "properties": {
                            "userId": {"$ref": "#/components/schemas/Id"},
                            "promoId": {"$ref": "#/components/schemas/Id"},
                        },
                    },
                ]
            },
            "OrderCreated": {
                "type": "object",
                "required": ["orderId"],
                "properties": {"orderId": {"type": "string"}},
            },
            "LegacyOrder": {
                "type": "object",
                "required": ["status"],
                "properties": {
                    "promoId": {"type": "string"},
                    "userId": {"type": "string"},
                    "status": {
                        "type": "string",
                        "enum": ["in progress", "success", "cancel", "declined"],
                    },
                },
            },
            "NewStatus": {
                "type": "object",
                "required": ["new status"],
                "additionalProperties": False,
                "properties": {"new status": {"type": "string", "enum": ["success", "cancel"]}},
            },
            "StatusOK": {
                "type": "object",
                "required": ["status"],
                "properties": {"status": {"type": "string", "enum": ["OK"]}},
            },
            "Error": _ERROR,
        },
        "responses": {
            "Error": {
                "description": "An error, with its code",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
    },
}

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
            "CreateOrder": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"userId": {"type": "string"}, "promoId": {"type": "string"}},
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

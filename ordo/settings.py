"""Settings from the environment (the CLI's flags are written into it before workers start).

Each setting is declared once, as a field of `Settings`: its type, its default, the variable it
is read from, how that is parsed and a line of doc. Loading reads the declarations, so do
`ordo serve --help` and the test that keeps the README's configuration table in step. Where a
module below needs the same default without settings (a schema built for export, a test's
hub), the declaration names that module's constant instead of copying it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from feed.live import DEFAULT_BUFFER
from feed.reader import RETENTION_SECONDS
from resolvers.folded import DEFAULT_SIZE as DEFAULT_FOLDED
from schema.cost import DEFAULT_MAX_QUERY_COST

T = TypeVar("T")

_FALSE = {"0", "false", "no", "off"}
_TRUE = {"1", "true", "yes", "on"}
_DECLARED = "ordo.setting"  # the metadata key of a field read from the environment


@dataclass(frozen=True)
class Declared:
    """Where a setting comes from. `parse` answers None for a value that means unset (an
    empty one, an unknown switch), and the default holds; a ValueError names the variable."""

    env: str
    parse: Callable[[str], Any]
    doc: str


def setting(default: T, env: str, parse: Callable[[str], T | None], doc: str) -> T:
    return field(default=default, metadata={_DECLARED: Declared(env, parse, doc)})


# --- parsers: each refuses with words that follow the variable's name -------------------------


def _text(value: str) -> str | None:
    return value or None


def _path(value: str) -> Path | None:
    return Path(value) if value else None


def _switch(value: str) -> bool | None:
    """A boolean; anything else leaves the default, as it always has."""
    lowered = value.lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else None


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"must be a number, not {value!r}") from None


def _whole(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"must be a whole number, not {value!r}") from None


def _optional_number(value: str) -> float | None:
    return _number(value) if value else None


def _positive(value: str) -> float:
    number = _number(value)
    if number <= 0:
        raise ValueError("must be a positive number")
    return number


def _positive_whole(value: str) -> int:
    whole = int(_positive(value))
    if whole <= 0:
        raise ValueError("must be a positive number")
    return whole


def _port(value: str) -> int:
    port = _whole(value)
    if not 0 <= port <= 65535:
        raise ValueError("must be a port number, or 0 for none")
    return port


def _at_least(least: int) -> Callable[[str], int]:
    return lambda value: max(least, _whole(value))


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _secrets(value: str) -> tuple[str, ...]:
    keys = _list(value)
    # As ORDO_JWT_SECRET: a key shorter than the 256 bits it is stretched to is guessable.
    if any(len(key.encode()) < 32 for key in keys):
        raise ValueError("must list keys of at least 32 bytes each")
    return keys


@dataclass(frozen=True)
class Settings:
    redis_url: str | None = setting(
        None,
        "ORDO_REDIS_URL",
        _text,
        "redis://… or redis+cluster://host:port; unset: the embedded in-memory store.",
    )
    admin_token: str = setting(
        "", "ORDO_ADMIN_TOKEN", _text, "The admin bearer token; unset: one is made at start."
    )
    redis_timeout: float = setting(
        2.0, "ORDO_REDIS_TIMEOUT", _number, "Seconds to wait for Redis before answering 503."
    )
    redis_max_connections: int = setting(
        64, "ORDO_REDIS_MAX_CONNECTIONS", _whole, "Pooled Redis connections per worker."
    )
    redis_wait_replicas: int = setting(
        0, "ORDO_REDIS_WAIT_REPLICAS", _whole, "WAIT for this many replicas after each write."
    )
    redis_wait_timeout: float = setting(
        1.0, "ORDO_REDIS_WAIT_TIMEOUT", _number, "Seconds that WAIT may take."
    )
    request_timeout: float = setting(
        10.0, "ORDO_REQUEST_TIMEOUT", _number, "Seconds a request may take before a 503."
    )
    graphiql: bool = setting(True, "ORDO_GRAPHIQL", _switch, "false: no GraphiQL page.")
    graphiql_assets: Path | None = setting(
        None,
        "ORDO_GRAPHIQL_ASSETS",
        _path,
        "The npm packages GraphiQL's page loads; unset: where scripts/install puts them.",
    )
    introspection: bool = setting(
        True, "ORDO_INTROSPECTION", _switch, "false: GraphQL introspection off."
    )
    graphql_prepared: bool = setting(
        True,
        "ORDO_GRAPHQL_PREPARED",
        _switch,
        "false: every GraphQL request through graphql-core's generic executor.",
    )
    persisted_max: int = setting(
        1000, "ORDO_PERSISTED_MAX", _at_least(1), "Persisted (APQ) documents kept in Redis."
    )
    trusted_documents: Path | None = setting(
        None,
        "ORDO_TRUSTED_DOCUMENTS",
        _path,
        "A persisted-documents manifest: only its documents run.",
    )
    # End-user JWTs (SPEC §9): verification is on when a secret or a JWKS is set.
    jwt_secret: str | None = setting(
        None, "ORDO_JWT_SECRET", _text, "HS256 secret (32 bytes or more) of end-user JWTs."
    )
    jwt_jwks: str | None = setting(
        None, "ORDO_JWT_JWKS", _text, "Instead of a secret: a JWKS file path or http(s) URL."
    )
    jwt_audience: str | None = setting(
        None, "ORDO_JWT_AUDIENCE", _text, "The `aud` a token must carry."
    )
    jwt_issuer: str | None = setting(
        None, "ORDO_JWT_ISSUER", _text, "The `iss` a token must carry."
    )
    jwt_jwks_cooldown: float = setting(
        30.0, "ORDO_JWT_JWKS_COOLDOWN", _number, "Least seconds between two JWKS reloads."
    )
    rest_require_service_token: bool = setting(
        False,
        "ORDO_REST_REQUIRE_SERVICE_TOKEN",
        _switch,
        "true: the REST routes need a service or admin token.",
    )
    max_query_cost: int = setting(
        DEFAULT_MAX_QUERY_COST,
        "ORDO_MAX_QUERY_COST",
        _whole,
        "The most one GraphQL operation may cost.",
    )
    folded_orders: int = setting(
        DEFAULT_FOLDED,
        "ORDO_FOLDED_ORDERS",
        _at_least(0),
        "Orders each worker keeps folded from their streams.",
    )
    # Secrets cursors are sealed with: the first seals, all open (store/cursor_keys.py).
    cursor_keys: tuple[str, ...] = setting(
        (),
        "ORDO_CURSOR_KEY",
        _secrets,
        "Comma-separated secrets cursors are sealed with; unset: one kept in the store.",
    )
    # Live events (SPEC §10).
    feed_retention: float = setting(
        RETENTION_SECONDS,
        "ORDO_FEED_RETENTION",
        _positive,
        "Seconds the change feed keeps an event.",
    )
    subscription_buffer: int = setting(
        DEFAULT_BUFFER,
        "ORDO_SUBSCRIPTION_BUFFER",
        _positive_whole,
        "Events a subscriber may fall behind before it is closed.",
    )
    max_subscriptions: int = setting(
        100, "ORDO_MAX_SUBSCRIPTIONS", _positive_whole, "Subscriptions per WebSocket."
    )
    max_sockets: int = setting(
        10_000, "ORDO_MAX_WEBSOCKETS", _positive_whole, "WebSocket connections per worker."
    )
    ws_max_message: int = setting(
        1024 * 1024,
        "ORDO_WS_MAX_MESSAGE",
        _positive_whole,
        "Bytes of one WebSocket message; a longer one closes it (1009).",
    )
    cors_origins: tuple[str, ...] = setting(
        (), "ORDO_CORS_ORIGINS", _list, "Comma-separated frontend origins allowed by CORS."
    )
    reservation_ttl: float | None = setting(
        None,
        "ORDO_RESERVATION_TTL",
        _optional_number,
        "Seconds after which an OPEN promo order is cancelled; unset: never.",
    )
    # The gRPC edge (SPEC §11). `ordo serve` writes both from its flags (port default 50051).
    grpc_port: int = setting(
        0, "ORDO_GRPC_PORT", _port, "Port of the gRPC API, on the host; 0: no gRPC server."
    )
    grpc_host: str = setting(
        "127.0.0.1", "ORDO_GRPC_HOST", _text, "Address the gRPC server binds (serve: --host)."
    )
    grpc_max_message: int = setting(
        1024 * 1024,
        "ORDO_GRPC_MAX_MESSAGE",
        _positive_whole,
        "Bytes of one gRPC request message; more: RESOURCE_EXHAUSTED.",
    )
    grpc_max_streams: int = setting(
        100, "ORDO_GRPC_MAX_STREAMS", _positive_whole, "Concurrent gRPC calls per connection."
    )
    grpc_keepalive_time: float = setting(
        60.0, "ORDO_GRPC_KEEPALIVE_TIME", _positive, "Seconds before an idle connection is pinged."
    )
    grpc_min_ping: float = setting(
        10.0,
        "ORDO_GRPC_MIN_PING_INTERVAL",
        _positive,
        "Least seconds between a client's pings; faster ones are strikes (two: GOAWAY).",
    )
    admin_token_generated: bool = False  # not read: True when admin_token was made at load

    @property
    def embedded(self) -> bool:
        return not self.redis_url


def declared() -> Iterator[tuple[str, Declared, Any]]:
    """Every setting read from the environment: (field name, declaration, default)."""
    for each in fields(Settings):
        if _DECLARED in each.metadata:
            yield each.name, each.metadata[_DECLARED], each.default


def shown(default: object) -> str:
    """A default as the README and --help write it."""
    if default is None or default in ("", ()):
        return "unset"
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    read = {name: _read(env, declaration, default) for name, declaration, default in declared()}
    settings = Settings(**read)
    if settings.jwt_secret and settings.jwt_jwks:
        raise ValueError("set ORDO_JWT_SECRET or ORDO_JWT_JWKS, not both")
    # RFC 7518 §3.2: an HS256 key at least as long as its hash; a short one is guessable.
    if settings.jwt_secret and len(settings.jwt_secret.encode()) < 32:
        raise ValueError("ORDO_JWT_SECRET must be at least 32 bytes")
    if not settings.admin_token:
        return replace(settings, admin_token=secrets.token_urlsafe(24), admin_token_generated=True)
    return settings


def _read(env: dict[str, str], declaration: Declared, default: object) -> Any:
    raw = env.get(declaration.env)
    if raw is None:
        return default
    try:
        value = declaration.parse(raw)
    except ValueError as error:
        raise ValueError(f"{declaration.env} {error}") from None
    return default if value is None else value

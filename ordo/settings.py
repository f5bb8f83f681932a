"""Settings from the environment (the CLI's flags are written into it before workers start)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from resolvers.folded import DEFAULT_SIZE as DEFAULT_FOLDED
from schema.cost import DEFAULT_MAX_QUERY_COST

_FALSE = {"0", "false", "no", "off"}
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    redis_url: str | None
    admin_token: str
    admin_token_generated: bool
    redis_timeout: float
    redis_max_connections: int
    request_timeout: float
    graphiql: bool
    introspection: bool
    cors_origins: tuple[str, ...]
    reservation_ttl: float | None
    max_body_bytes: int = 1024 * 1024
    graphiql_assets: Path | None = None  # None: where scripts/install puts them
    redis_wait_replicas: int = 0  # WAIT for this many replicas after each write
    redis_wait_timeout: float = 1.0
    graphql_prepared: bool = True  # run documents seen before from plans (engine/)
    persisted_max: int = 1000  # APQ documents kept in Redis (ordo/persisted.py)
    trusted_documents: Path | None = None  # a manifest: only its documents run
    # End-user JWTs (SPEC §9): verification is on when a secret or a JWKS is set.
    jwt_secret: str | None = None  # HS256
    jwt_jwks: str | None = None  # a JWKS file path or http(s) URL
    jwt_audience: str | None = None
    jwt_issuer: str | None = None
    jwt_jwks_cooldown: float = 30.0  # the least seconds between two reloads of the JWKS
    rest_require_service_token: bool = False
    max_query_cost: int = DEFAULT_MAX_QUERY_COST  # the most a GraphQL operation may cost
    folded_orders: int = DEFAULT_FOLDED  # orders a process keeps folded (resolvers/folded.py)
    # Live events (SPEC §10).
    feed_retention: float = 7 * 24 * 3600.0  # seconds the change feed keeps an entry
    max_subscriptions: int = 100  # per WebSocket connection
    max_sockets: int = 10_000  # WebSocket connections per worker
    subscription_buffer: int = 1000  # events a subscriber may lag before it is disconnected
    ws_max_message: int = 1024 * 1024  # bytes of one WebSocket message (more: closed 1009)
    # Secrets cursors are sealed with: the first seals, all open (store/cursor_keys.py).
    cursor_keys: tuple[str, ...] = ()  # none: one kept in the store

    @property
    def embedded(self) -> bool:
        return not self.redis_url


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    token = env.get("ORDO_ADMIN_TOKEN", "")
    ttl = env.get("ORDO_RESERVATION_TTL", "")
    secret, jwks = env.get("ORDO_JWT_SECRET") or None, env.get("ORDO_JWT_JWKS") or None
    if secret and jwks:
        raise ValueError("set ORDO_JWT_SECRET or ORDO_JWT_JWKS, not both")
    # RFC 7518 §3.2: an HS256 key at least as long as its hash; a short one is guessable.
    if secret and len(secret.encode()) < 32:
        raise ValueError("ORDO_JWT_SECRET must be at least 32 bytes")
    return Settings(
        redis_url=env.get("ORDO_REDIS_URL") or None,
        admin_token=token or secrets.token_urlsafe(24),
        admin_token_generated=not token,
        redis_timeout=float(env.get("ORDO_REDIS_TIMEOUT", "2")),
        redis_max_connections=int(env.get("ORDO_REDIS_MAX_CONNECTIONS", "64")),
        request_timeout=float(env.get("ORDO_REQUEST_TIMEOUT", "10")),
        graphiql=env.get("ORDO_GRAPHIQL", "true").lower() not in _FALSE,
        introspection=env.get("ORDO_INTROSPECTION", "true").lower() not in _FALSE,
        cors_origins=tuple(
            o.strip() for o in env.get("ORDO_CORS_ORIGINS", "").split(",") if o.strip()
        ),
        reservation_ttl=float(ttl) if ttl else None,
        graphiql_assets=Path(assets) if (assets := env.get("ORDO_GRAPHIQL_ASSETS")) else None,
        redis_wait_replicas=int(env.get("ORDO_REDIS_WAIT_REPLICAS", "0")),
        redis_wait_timeout=float(env.get("ORDO_REDIS_WAIT_TIMEOUT", "1")),
        graphql_prepared=env.get("ORDO_GRAPHQL_PREPARED", "true").lower() not in _FALSE,
        persisted_max=max(1, int(env.get("ORDO_PERSISTED_MAX", "1000"))),
        trusted_documents=Path(path) if (path := env.get("ORDO_TRUSTED_DOCUMENTS")) else None,
        jwt_secret=secret,
        jwt_jwks=jwks,
        jwt_audience=env.get("ORDO_JWT_AUDIENCE") or None,
        jwt_issuer=env.get("ORDO_JWT_ISSUER") or None,
        jwt_jwks_cooldown=float(env.get("ORDO_JWT_JWKS_COOLDOWN", "30")),
        rest_require_service_token=env.get("ORDO_REST_REQUIRE_SERVICE_TOKEN", "false").lower()
        in _TRUE,
        max_query_cost=int(env.get("ORDO_MAX_QUERY_COST", str(DEFAULT_MAX_QUERY_COST))),
        folded_orders=max(0, int(env.get("ORDO_FOLDED_ORDERS", str(DEFAULT_FOLDED)))),
        feed_retention=_positive(env, "ORDO_FEED_RETENTION", 7 * 24 * 3600.0),
        max_subscriptions=int(_positive(env, "ORDO_MAX_SUBSCRIPTIONS", 100)),
        max_sockets=int(_positive(env, "ORDO_MAX_WEBSOCKETS", 10_000)),
        subscription_buffer=int(_positive(env, "ORDO_SUBSCRIPTION_BUFFER", 1000)),
        ws_max_message=int(_positive(env, "ORDO_WS_MAX_MESSAGE", 1024 * 1024)),
        cursor_keys=_cursor_keys(env.get("ORDO_CURSOR_KEY", "")),
    )


def _cursor_keys(value: str) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in value.split(",") if key.strip())
    # As ORDO_JWT_SECRET: a key shorter than the 256 bits it is stretched to is guessable.
    if any(len(key.encode()) < 32 for key in keys):
        raise ValueError("each key of ORDO_CURSOR_KEY must be at least 32 bytes")
    return keys


def _positive(env: dict[str, str], name: str, default: float) -> float:
    value = float(env.get(name, default))
    if value <= 0:
        raise ValueError(f"{name} must be a positive number")
    return value


def _origins(value: str) -> tuple[str, ...]:
    return tuple(origin.strip() for origin in value.split(",") if origin.strip())

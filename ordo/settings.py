"""Settings from the environment (the CLI's flags are written into it before workers start)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from schema.cost import DEFAULT_MAX_QUERY_COST

_FALSE = {"0", "false", "no", "off"}


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
    graphql_prepared: bool = True  # run documents seen before from plans (schema/prepared.py)
    max_query_cost: int = DEFAULT_MAX_QUERY_COST  # the most a GraphQL operation may cost

    @property
    def embedded(self) -> bool:
        return not self.redis_url


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    token = env.get("ORDO_ADMIN_TOKEN", "")
    ttl = env.get("ORDO_RESERVATION_TTL", "")
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
        max_query_cost=int(env.get("ORDO_MAX_QUERY_COST", str(DEFAULT_MAX_QUERY_COST))),
    )


def _origins(value: str) -> tuple[str, ...]:
    return tuple(origin.strip() for origin in value.split(",") if origin.strip())

"""Settings from the environment (the CLI's flags are written into it before workers start)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    redis_url: str | None
    admin_token: str
    admin_token_generated: bool
    redis_timeout: float
    redis_max_connections: int
    max_body_bytes: int = 1024 * 1024

    @property
    def embedded(self) -> bool:
        return not self.redis_url


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    token = env.get("ORDO_ADMIN_TOKEN", "")
    return Settings(
        redis_url=env.get("ORDO_REDIS_URL") or None,
        admin_token=token or secrets.token_urlsafe(24),
        admin_token_generated=not token,
        redis_timeout=float(env.get("ORDO_REDIS_TIMEOUT", "2")),
        redis_max_connections=int(env.get("ORDO_REDIS_MAX_CONNECTIONS", "64")),
    )

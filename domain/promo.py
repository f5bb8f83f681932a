"""Promo codes and their counters (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Promo:
    promo_id: str
    count: int
    per_user_count: int
    locked_count: int
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @property
    def available(self) -> int:
        return self.count - self.locked_count

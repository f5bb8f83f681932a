"""Users: created by an admin, never deleted, required for a promo activation."""

from __future__ import annotations

from domain.errors import ErrorCode, OrdoError
from domain.validation import Path, check_id
from resolvers.keys import user_key
from resolvers.metrics import measured
from resolvers.store import Store


@measured("createUser")
async def create_user(store: Store, user_id: str) -> str:
    check_id(user_id, ["userId"])
    await store.run("create_user", [user_key(user_id)], [])
    return user_id


async def ensure_user_known(store: Store, user_id: str, path: Path) -> None:
    """Checked outside the reserve script: users are never deleted, so it cannot go stale."""
    if not await store.read("EXISTS", user_key(user_id)):
        raise OrdoError(ErrorCode.USER_NOT_AUTHORIZED, field=path)

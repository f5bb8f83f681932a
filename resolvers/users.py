"""Users: created by an admin, never deleted, required for a promo activation."""

from __future__ import annotations

from domain.errors import ErrorCode, OrdoError
from domain.validation import Path, check_id
from metrics.counters import measured
from resolvers.memory import memory
from store import Store
from store.argv import NoArgs
from store.keys import user_key, user_keys
from store.replies import reply_of


@measured("createUser")
async def create_user(store: Store, user_id: str) -> str:
    check_id(user_id, ["userId"])
    reply_of(await store.run("create_user", user_keys(user_id), NoArgs()))
    return user_id


_MAX_REMEMBERED = 100_000


async def ensure_user_known(store: Store, user_id: str, path: Path) -> None:
    """Checked outside the reserve script: users are never deleted, so a user once known
    stays known, and this process need not ask Redis about them again."""
    if user_id in memory(store).known_users:
        return
    if not await store.read("EXISTS", user_key(user_id)):
        raise OrdoError(ErrorCode.USER_NOT_AUTHORIZED, field=path)
    if len(memory(store).known_users) >= _MAX_REMEMBERED:
        memory(store).known_users.clear()
    memory(store).known_users.add(user_id)

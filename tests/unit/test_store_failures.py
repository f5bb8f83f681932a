"""Which exceptions a store call turns into Unavailable (503): Redis failures by type, and
redis-py's own faults by the module that raised them, never by where a file lives."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from redis import exceptions as redis_errors
from redis.crc import key_slot

from domain.errors import Unavailable
from store import unavailable_on_failure


def _module_at(path: Path, name: str) -> ModuleType:
    path.parent.mkdir(parents=True)
    path.write_text("def broken():\n    return None.find(b'{')\n")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "failure",
    [
        redis_errors.ConnectionError("refused"),
        redis_errors.TimeoutError("slow"),
        redis_errors.ClusterDownError("down"),
        redis_errors.TryAgainError("migrating"),
        TimeoutError(),  # an asyncio.timeout that ran out
        ConnectionResetError("reset"),
    ],
)
def test_a_redis_failure_is_unavailable(failure: Exception) -> None:
    with pytest.raises(Unavailable), unavailable_on_failure():
        raise failure


def test_an_error_reply_is_not_taken_for_unavailable() -> None:
    with pytest.raises(redis_errors.ResponseError), unavailable_on_failure():
        raise redis_errors.ResponseError("ERR a script's bug")


def test_a_fault_inside_redis_py_during_a_failover_is_unavailable() -> None:
    """Its cluster client may find a connection closed under it by another request while the
    topology changes (an AttributeError or RuntimeError deep inside redis-py): a 503."""
    with pytest.raises(Unavailable, match="redis client"), unavailable_on_failure():
        key_slot(None)  # type: ignore[arg-type]  # fails inside redis-py, like those do


def test_a_fault_of_ordo_itself_is_not_taken_for_unavailable() -> None:
    with pytest.raises(AttributeError), unavailable_on_failure():
        None.find(b"{")  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["ordo_checkout_bug", "redisish"])
def test_a_fault_in_a_file_under_a_folder_named_redis_stays_a_bug(
    tmp_path: Path, name: str
) -> None:
    """A checkout under `…/redis/…` is not redis-py: its bugs stay bugs (a 500), however the
    path reads; nor is a module whose name merely starts with `redis`."""
    module = _module_at(tmp_path / "redis" / "ordo" / "redis" / "bug.py", name)
    assert "/redis/" in module.broken.__code__.co_filename
    with pytest.raises(AttributeError), unavailable_on_failure():
        module.broken()

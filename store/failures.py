"""Redis failures turned into Unavailable (a 503), and nothing else.

A failure is known by its exception's type, or for redis-py's own faults by the module that
raised it: never by a file's path (a checkout under a folder named `redis` must not turn
ordo's bugs into 503s).
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from redis import exceptions as redis_errors

from domain.errors import Unavailable
from metrics.counters import REDIS_ERRORS

_FAILURES = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.ClusterError,  # down, or redirections exhausted while a slot migrates
    redis_errors.TryAgainError,
    asyncio.TimeoutError,
    OSError,
)
# What redis-py's cluster client raises when it trips over its own connections while the
# topology changes (a failover closes them under requests still using them: redis-py#3835,
# #3546). Taken for a transient failure only when raised inside redis-py.
_CLIENT_FAULTS = (AttributeError, TypeError, RuntimeError)


class _UnavailableOnFailure:
    """Redis failures become Unavailable. A class, not a generator: it wraps every store call,
    and one reusable object costs a fraction of a @contextmanager's generator per call."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is None:
            return
        if isinstance(error, _FAILURES):
            REDIS_ERRORS.labels(type(error).__name__).inc()
            raise Unavailable(str(error) or type(error).__name__) from error
        if isinstance(error, _CLIENT_FAULTS) and raised_in_redis_py(trace):
            REDIS_ERRORS.labels(type(error).__name__).inc()
            raise Unavailable(f"redis client: {error}") from error


_UNAVAILABLE_ON_FAILURE = _UnavailableOnFailure()


def unavailable_on_failure() -> _UnavailableOnFailure:
    return _UNAVAILABLE_ON_FAILURE


def raised_in_redis_py(trace: TracebackType | None) -> bool:
    """Whether a frame of the traceback runs code of the `redis` package (redis-py), known by
    its module's name. fakeredis, or a module of ordo's that lives under a folder named
    `redis`, is not redis-py."""
    while trace is not None:
        module = trace.tb_frame.f_globals.get("__name__", "")
        if module == "redis" or module.startswith("redis."):
            return True
        trace = trace.tb_next
    return False

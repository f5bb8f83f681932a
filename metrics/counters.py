"""Prometheus metrics of the operations, whichever API called them (prometheus-client).

With several workers the CLI sets PROMETHEUS_MULTIPROC_DIR, and these values are shared
through it (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.metrics import MetricWrapperBase

from domain.errors import OrdoError, Unavailable
from domain.events import EventType

OPERATIONS = Counter(
    "ordo_operations_total", "Operations by name and outcome code.", ["operation", "outcome"]
)
OPERATION_SECONDS = Histogram(
    "ordo_operation_seconds",
    "Operation latency, including Redis.",
    ["operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
PROMO_EVENTS = Counter(
    "ordo_promo_activations_total", "Promo reserve, redeem and release events.", ["event"]
)
REDIS_ERRORS = Counter("ordo_redis_errors_total", "Failed Redis calls by error type.", ["error"])

# Live events (SPEC §10).
SUBSCRIPTIONS = Gauge(
    "ordo_subscriptions_open", "GraphQL subscriptions open.", multiprocess_mode="livesum"
)
SOCKETS = Gauge(
    "ordo_websocket_connections_open", "GraphQL WebSocket connections open.",
    multiprocess_mode="livesum",
)  # fmt: skip
DELIVERED = Counter("ordo_events_delivered_total", "Order events sent to subscribers.")
DELIVERY_LAG = Histogram(
    "ordo_event_delivery_lag_seconds",
    "From an event's commit (its stream id's time) to its delivery to a subscriber.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
SLOW_CLOSED = Counter(
    "ordo_slow_subscribers_closed_total", "Subscribers dropped for falling behind their buffer."
)
FEED_TRIMMED = Counter("ordo_feed_trimmed_total", "Feed entries dropped by retention.")
FEED_GROUP_LAG = Gauge(
    "ordo_feed_group_lag", "Feed entries a consumer group has not acknowledged.", ["group"],
    multiprocess_mode="max",
)  # fmt: skip

# By the type as written (a str): an Enum's hash is a Python call, and this is every write's path.
_PROMO = {
    t.value for t in (EventType.PROMO_RESERVED, EventType.PROMO_REDEEMED, EventType.PROMO_RELEASED)
}


@functools.cache
def child(metric: MetricWrapperBase, *values: str) -> Any:
    """`metric.labels(*values)`, looked up once: prometheus-client takes a lock and builds
    the key on every `labels` call, a few µs on each request's path. Label values here come
    from bounded sets (operation names, outcome codes, routes, statuses)."""
    return metric.labels(*values)


P = ParamSpec("P")
T = TypeVar("T")


def measured(operation: str) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Count each call's outcome (OK, an error code, UNAVAILABLE, INTERNAL) and time it."""

    def decorate(call: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(call)
        async def timed(*args: P.args, **kwargs: P.kwargs) -> T:
            started = time.perf_counter()
            outcome = "INTERNAL"
            try:
                result = await call(*args, **kwargs)
                outcome = "OK"
                return result
            except OrdoError as error:
                outcome = error.code.name
                raise
            except Unavailable:
                outcome = "UNAVAILABLE"
                raise
            finally:
                child(OPERATIONS, operation, outcome).inc()
                child(OPERATION_SECONDS, operation).observe(time.perf_counter() - started)

        return timed

    return decorate


def observe_new_events(types: Iterable[str]) -> None:
    """Count the promo steps among the event types (as written) a script just appended."""
    for kind in types:
        if kind in _PROMO:
            child(PROMO_EVENTS, kind).inc()


def observe_delivered(entry: Any) -> None:
    """One feed entry sent to a subscriber: counted, and its lag from commit observed."""
    DELIVERED.inc()
    DELIVERY_LAG.observe(max(0.0, time.time() - entry.event.at.timestamp()))

"""Root subscriptions: live order events over WebSocket (graphql-transport-ws; SPEC §10)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import TypeVar

import strawberry
from strawberry.types import Info

from domain.errors import ErrorCode, OrdoError, Unavailable
from feed import subscriptions
from feed.live import Overflowed
from metrics.counters import SUBSCRIPTIONS
from schema.context import Context
from schema.errors import top_level
from schema.types import EntityOrderEvent, Order, OrderEvent

T = TypeVar("T")
SLOW_CLIENT = 1013  # RFC 6455 "try again later": clients reconnect and resume
SLOW_REASON = "too far behind: resubscribe from the last id or cursor received"


@strawberry.type(description="Live order events.")
class Subscription:
    @strawberry.subscription(
        description="The order's events after `after` (an OrderEvent.id; all when null), "
        "then each new one as it is committed."
    )
    async def order_events(
        self, info: Info[Context, None], order_id: strawberry.ID, after: strawberry.ID | None = None
    ) -> AsyncGenerator[OrderEvent, None]:
        context = info.context

        def events() -> AsyncIterator[subscriptions.Sent]:
            return subscriptions.order_events(
                context.store, context.live(), order_id, after, context.who()
            )

        async for sent in _guarded(context, events):
            yield OrderEvent.of(sent.event)

    @strawberry.subscription(
        description="The events of every order of the entity, orders created later included, "
        "each with the order as it stood right after it; `after`: a cursor from this "
        "subscription, to go on after it."
    )
    async def entity_order_events(
        self, info: Info[Context, None], entity_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[EntityOrderEvent, None]:
        context = info.context

        def events() -> AsyncIterator[subscriptions.EntitySent]:
            return subscriptions.entity_order_events(
                context.store, context.live(), entity_id, after, context.who(),
                context.feed_retention,
            )  # fmt: skip

        async for item in _guarded(context, events):
            sent = item.sent
            yield EntityOrderEvent(
                cursor=item.cursor,
                event=OrderEvent.of(sent.event),
                order=Order.from_domain(item.order),
            )


async def _guarded(context: Context, events: Callable[[], AsyncIterator[T]]) -> AsyncIterator[T]:
    """Expected failures as top-level errors with their codes (the caller's too: `events` is
    called inside); a client that fell behind is disconnected with a close code that tells it
    to resume."""
    SUBSCRIPTIONS.inc()
    try:
        async for item in events():
            yield item
    except OrdoError as error:
        raise top_level(error.code, error.message) from error
    except Unavailable as error:
        raise top_level(ErrorCode.UNAVAILABLE) from error
    except Overflowed:
        if context.socket is not None:
            await context.socket.close(code=SLOW_CLIENT, reason=SLOW_REASON)
    finally:
        SUBSCRIPTIONS.dec()

"""The process's hub of live events (feed/live.py): each subscriber gets its order's or
entity's entries, in order; one that falls further behind than its buffer is dropped after
what it holds, and the socket of its subscription is closed with 1013."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from domain.access import ANONYMOUS
from domain.errors import Unavailable
from feed import subscriptions
from feed.live import Hub, Overflowed
from feed.subscriptions import order_events
from resolvers import entity_orders, orders
from schema.context import Context
from schema.subscription import SLOW_CLIENT, _guarded
from store import Store
from tests.e2e.helpers import RAW_RENT, RawItemIn
from tests.support import unique


async def _started(store: Store, buffer: int) -> Hub:
    hub = Hub(store, buffer=buffer)
    await hub.start()
    return hub


def _listening(store: Store, hub: Hub, order_id: str, got: list[str]) -> asyncio.Future[None]:
    """An orderEvents subscription running in the background, its event types into `got`."""

    async def subscribe() -> None:
        async for sent in order_events(store, hub, order_id, None, ANONYMOUS):
            got.append(sent.event.type.value)

    return asyncio.ensure_future(subscribe())


async def _followed(hub: Hub) -> None:
    """Once the hub has subscribers it follows the feed: what is written from now on comes."""
    assert hub.follower.following
    await asyncio.wait_for(hub.follower.wait_ready(), 30)


async def test_a_subscriber_gets_its_orders_entries_in_order(store: Store) -> None:
    hub = await _started(store, buffer=100)
    try:
        order_id, entity_id = unique("o"), unique("e")
        subscriber, other = hub.of_order(order_id), hub.of_order(unique("o"))
        await _followed(hub)
        items = [RawItemIn("a"), RawItemIn("b")]
        await entity_orders.create_order_with_items(store, order_id, entity_id, RAW_RENT, items)
        await orders.cancel_order(store, order_id)
        entries = subscriber.entries()
        got = [await asyncio.wait_for(anext(entries), 30) for _ in range(4)]
        assert [(e.event.type.value, e.version) for e in got] == [
            ("ORDER_CREATED", 1),
            ("ITEM_ADDED", 2),
            ("ITEM_ADDED", 3),
            ("ORDER_CANCELLED", 4),
        ]
        assert other.queue.empty()
        subscriber.close()
        other.close()
        assert hub.open == 0
    finally:
        await hub.stop()


async def test_a_subscriber_behind_its_buffer_is_dropped_after_what_it_holds(
    store: Store,
) -> None:
    hub = await _started(store, buffer=3)
    try:
        entity_id = unique("e")
        subscriber = hub.of_entity(entity_id)
        await _followed(hub)
        items = [RawItemIn(f"i{n}") for n in range(5)]  # six events, three past the buffer
        await entity_orders.create_order_with_items(store, unique("o"), entity_id, RAW_RENT, items)
        await asyncio.wait_for(subscriber.overflowed.wait(), 30)
        held = []
        with pytest.raises(Overflowed):
            async for entry in subscriber.entries():
                held.append(entry.event.type.value)
        assert held == ["ORDER_CREATED", "ITEM_ADDED", "ITEM_ADDED"]
        subscriber.close()
    finally:
        await hub.stop()


class _Socket:
    def __init__(self) -> None:
        self.closed: tuple[int, str] | None = None

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


async def test_an_overflowed_subscription_closes_its_socket_with_1013(store: Store) -> None:
    socket = _Socket()
    context = Context(store, ANONYMOUS, socket=socket)

    async def overflowing() -> AsyncIterator[Any]:
        yield 1
        raise Overflowed

    seen = [item async for item in _guarded(context, overflowing)]
    assert seen == [1]
    assert socket.closed is not None and socket.closed[0] == SLOW_CLIENT == 1013


async def test_a_subscription_made_while_the_process_starts_misses_nothing(
    store: Store,
) -> None:
    """The subscription is accepted before the follower has taken its positions (a process
    just started, Redis slow to answer), and an event is committed in between: it must come,
    through the history or live (seen lost before subscriptions waited for the follower)."""
    hub = Hub(store, buffer=100)
    order = await orders.create_order(store)
    got: list[str] = []
    listening = _listening(store, hub, order.order_id, got)
    try:
        await asyncio.sleep(0.2)  # the subscription is in before the follower begins
        await orders.cancel_order(store, order.order_id)
        await hub.start()
        for _ in range(1500):  # a bound, not a speed claim
            if "ORDER_CANCELLED" in got:
                break
            await asyncio.sleep(0.02)
        assert got == ["ORDER_CREATED", "ORDER_CANCELLED"]
    finally:
        listening.cancel()
        await asyncio.gather(listening, return_exceptions=True)
        await hub.stop()


async def test_a_subscription_whose_process_never_follows_the_feed_is_unavailable(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPEC §10: at most FOLLOWING_WAIT, then UNAVAILABLE (here shortened: never started)."""
    monkeypatch.setattr(subscriptions, "FOLLOWING_WAIT", 0.1)
    hub = Hub(store, buffer=10)
    order = await orders.create_order(store)
    with pytest.raises(Unavailable):
        await anext(order_events(store, hub, order.order_id, None, ANONYMOUS))


async def _until(condition: Any, what: str) -> None:
    for _ in range(1500):  # a bound, not a speed claim
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never: {what}")


async def test_a_hub_follows_the_feed_only_while_someone_subscribes(store: Store) -> None:
    """A worker nobody subscribes to does not read what every worker writes; the last
    subscriber gone, following goes on for the linger, then stops; /readyz stays ready."""
    hub = Hub(store, buffer=10, linger=0.2)
    await hub.start()
    try:
        await orders.create_order(store)
        assert not hub.follower.following and hub.ready
        first = hub.of_order(unique("o"))
        await _followed(hub)
        first.close()
        await asyncio.sleep(0.05)
        again = hub.of_order(unique("o"))  # back within the linger: still followed
        assert hub.follower.following and hub.follower.ready
        again.close()
        await _until(lambda: not hub.follower.following, "rested after the linger")
        assert hub.ready
    finally:
        await hub.stop()


async def test_a_subscription_to_a_rested_hub_misses_nothing(store: Store) -> None:
    """Following begins anew (positions from now) for the first subscriber after a rest; what
    was committed while the hub rested comes as history, what comes after it live, once."""
    hub = Hub(store, buffer=100, linger=0.05)
    await hub.start()
    try:
        hub.of_order(unique("o")).close()
        await _until(lambda: not hub.follower.following, "rested")
        order = await orders.create_order(store)
        await orders.cancel_order(store, order.order_id)  # while nobody follows
        got: list[str] = []
        listening = _listening(store, hub, order.order_id, got)
        try:
            await _until(lambda: len(got) == 2, "the history")
            assert hub.follower.following
            entity = unique("e")
            other = hub.of_entity(entity)  # a second subscriber keeps the same following
            await orders.create_order(store)
            await entity_orders.create_order_with_items(
                store, unique("o"), entity, RAW_RENT, [RawItemIn("a")]
            )
            await asyncio.wait_for(anext(other.entries()), 30)
            other.close()
            assert got == ["ORDER_CREATED", "ORDER_CANCELLED"]
        finally:
            listening.cancel()
            await asyncio.gather(listening, return_exceptions=True)
    finally:
        await hub.stop()


async def test_an_event_committed_between_subscribing_and_reading_the_history_comes_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """orderEvents registers with the hub, then reads the order's history: an event committed
    in between is in both, and is sent once, by the history (the seam's `<=` on ids)."""
    hub = await _started(store, buffer=100)
    order_id = unique("o")
    items = [RawItemIn("a"), RawItemIn("b")]
    await entity_orders.create_order_with_items(store, order_id, unique("e"), RAW_RENT, items)
    reading, read = asyncio.Event(), asyncio.Event()
    get_order = subscriptions.get_order

    async def held_history(*args: Any) -> Any:
        reading.set()
        await read.wait()
        return await get_order(*args)

    monkeypatch.setattr(subscriptions, "get_order", held_history)
    stream = order_events(store, hub, order_id, None, ANONYMOUS)
    try:
        first = asyncio.ensure_future(anext(stream))  # subscribed, following, then held
        await asyncio.wait_for(reading.wait(), 30)
        await entity_orders.update_order(store, order_id, cancel_item_ids=["a"])
        read.set()
        history = [await asyncio.wait_for(first, 30)]
        history += [await asyncio.wait_for(anext(stream), 30) for _ in range(3)]
        assert [sent.event.type.value for sent in history] == [
            "ORDER_CREATED",
            "ITEM_ADDED",
            "ITEM_ADDED",
            "ITEM_CANCELLED",  # committed between subscribing and reading
        ]
        await entity_orders.decline_order(store, order_id)
        after = await asyncio.wait_for(anext(stream), 30)
        assert (after.event.type.value, after.version) == ("ORDER_DECLINED", 5)
    finally:
        await stream.aclose()
        await hub.stop()

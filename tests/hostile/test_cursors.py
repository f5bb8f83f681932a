"""Hostile cursors (SPEC §5.2): a customer paging or following an entity shared with others
decodes nothing from its cursors; an altered, cut, forged, foreign or other-key cursor is 400
INVALID_CURSOR naming `after` and changes nothing; a rotated key still opens; without a
configured key, cursors outlive a restart. On real Redis and the embedded store, for
entityOrders and entityOrderEvents alike."""

from __future__ import annotations

import asyncio
import base64
import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import orjson
import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from feed import cursors as feed_cursors
from feed.cursors import FeedCursor
from store import page_cursors as cursors
from store.sealing import Sealer
from tests.e2e import helpers
from tests.e2e.conftest import Api
from tests.e2e.helpers import item, ok, top_level_error
from tests.e2e.live_helpers import ENTITY_EVENTS, Listening, session
from tests.support import OrdoServer, RedisServer, running, unique
from tests.tokens import JWT_ENV, bearer, hs256

NEW = "cursor-key-new-of-at-least-32-bytes!"
OLD = "cursor-key-old-of-at-least-32-bytes!"
THIRD = "cursor-key-nobody-configured-32-bytes"
SERVICE = hs256("billing", role="service")
PAGE = """
query($e: ID!, $first: Int, $after: String, $declined: Boolean) {
  entityOrders(entityId: $e, first: $first, after: $after, includeDeclined: $declined) {
    totalCount
    pageInfo { hasNextPage startCursor endCursor }
    edges { cursor node { orderId } }
  }
}"""
FEED_ID = re.compile(rb"\d{13}-\d+")  # a stream id of now: what feed positions look like


@pytest.fixture(scope="module")
def keyed(backend: str, redis_server: RedisServer) -> Iterator[OrdoServer]:
    """Identity on, and cursor keys the tests know: NEW seals, NEW and OLD open."""
    env = {**JWT_ENV, "ORDO_CURSOR_KEY": f"{NEW},{OLD}"}
    made = OrdoServer(redis_server.url if backend == "redis" else None, env=env)
    with running(made):
        yield made


@pytest.fixture
async def api(keyed: OrdoServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=keyed.url, timeout=30) as http:
        yield Api(http)


def _raw(cursor: str) -> bytes:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))


def _text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _flipped(cursor: str, at: int) -> str:
    raw = bytearray(_raw(cursor))
    raw[at] ^= 0x08
    return _text(bytes(raw))


def _readable(cursor: str, secrets: list[str]) -> list[str]:
    """What of `secrets` a client can read in the cursor, as given or base64-decoded."""
    raw = _raw(cursor)
    return [s for s in secrets if s in cursor or s.encode() in raw]


async def _create(
    api: Api, token: str, entity_id: str, start: str, promo: str | None = None
) -> str:
    given: dict[str, Any] = {
        "orderId": unique("o"),
        "entityId": entity_id,
        "type": helpers.RENT,
        "items": [item("a", start=start)],
    }
    if promo:
        given["promo"] = {"promoId": promo}
    body = await api.graphql(helpers.CREATE, {"input": given}, headers=bearer(token))
    order_id: str = ok(body["data"]["createOrderWithItems"])["orderId"]
    return order_id


async def _page(
    api: Api, entity_id: str, after: str | None, token: str = SERVICE, **more: Any
) -> dict[str, Any]:
    variables = {"e": entity_id, "first": 1, "after": after, **more}
    return await api.graphql(PAGE, variables, headers=bearer(token))


def _ids(body: dict[str, Any]) -> list[str]:
    return [edge["node"]["orderId"] for edge in body["data"]["entityOrders"]["edges"]]


async def test_a_customer_paging_a_shared_entity_decodes_nothing_of_others_orders(
    api: Api,
) -> None:
    owner, other = unique("u"), unique("u")
    mine_token, theirs_token = hs256(owner), hs256(other)
    await helpers.create_user(api, other)
    promo = await helpers.create_promo(api, count=10, per_user=10)
    entity = unique("e")
    mine = [await _create(api, mine_token, entity, "2026-02-01")]
    theirs = [await _create(api, theirs_token, entity, "2031-07-13", promo) for _ in range(3)]
    theirs.append(await _create(api, theirs_token, entity, "2031-07-14"))
    mine.append(await _create(api, mine_token, entity, "2032-01-01"))
    # Pages of one order each: every order of the other owner is the last read of a page.
    given, seen, after = [], [], None
    while True:
        body = await _page(api, entity, after, mine_token)
        page = body["data"]["entityOrders"]
        seen += _ids(body)
        info = page["pageInfo"]
        given += [edge["cursor"] for edge in page["edges"]]
        given += [c for c in (info["startCursor"], info["endCursor"]) if c]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == mine and len(given) > 2 * len(theirs)
    secrets = [*theirs, promo, other, "2031-07-13", "2031-07-14", *mine, "2026-02-01", entity]
    for cursor in given:
        assert _readable(cursor, secrets) == [], cursor
        assert not _raw(cursor).lstrip().startswith(b"{")
    assert len({len(cursor) for cursor in given}) == 1  # the length points at no order


async def test_an_altered_forged_or_foreign_page_cursor_is_refused_and_changes_nothing(
    api: Api,
) -> None:
    entity, elsewhere = unique("e"), unique("e")
    for start in ("2026-01-01", "2026-02-01", "2026-03-01"):
        await _create(api, SERVICE, entity, start)
    await _create(api, SERVICE, elsewhere, "2026-01-01")
    await _create(api, SERVICE, elsewhere, "2026-02-01")
    cursor = (await _page(api, entity, None))["data"]["entityOrders"]["pageInfo"]["endCursor"]
    following = await _page(api, entity, cursor)
    foreign = (await _page(api, elsewhere, None))["data"]["entityOrders"]["pageInfo"]["endCursor"]
    snapshot, position = cursors.decode(Sealer([NEW]), cursor, entity, False)
    size = len(_raw(cursor))
    now = int(time.time() * 1000)
    refused = [
        *(_flipped(cursor, at) for at in (0, 1, 4, 5, 16, 17, size // 2, size - 17, size - 1)),
        cursor[:-1],
        cursor[:-2],
        cursor[: len(cursor) // 2],
        cursor[:22],
        cursor + "A",
        "",
        "not a cursor",
        "A" * 100_000,  # longer than any cursor: refused before it is decoded
        cursors.encode(Sealer([THIRD]), snapshot, position),  # a key not configured
        foreign,  # a real cursor of another entity
        feed_cursors.encode(Sealer([NEW]), FeedCursor(entity, now, {})),  # of the feed
        _text(orjson.dumps({"v": 1, "e": entity, "k": ["2026-01-01", "x"]})),  # unsealed
    ]
    for after in refused:
        body = await _page(api, entity, after)
        assert top_level_error(body, "entityOrders") == ("INVALID_CURSOR", 400), (after, body)
        assert "after" in body["errors"][0]["message"]
    other_filter = await _page(api, entity, cursor, declined=True)
    assert top_level_error(other_filter, "entityOrders") == ("INVALID_CURSOR", 400)
    again = await _page(api, entity, cursor)
    assert _ids(again) == _ids(following) and len(_ids(again)) == 1
    assert again["data"]["entityOrders"]["totalCount"] == 3


async def test_a_cursor_sealed_with_a_key_rotated_out_of_first_place_still_opens(
    api: Api,
) -> None:
    entity = unique("e")
    for start in ("2026-01-01", "2026-02-01"):
        await _create(api, SERVICE, entity, start)
    cursor = (await _page(api, entity, None))["data"]["entityOrders"]["pageInfo"]["endCursor"]
    snapshot, position = cursors.decode(Sealer([NEW]), cursor, entity, False)
    sealed_before = cursors.encode(Sealer([OLD]), snapshot, position)  # ORDO_CURSOR_KEY=OLD
    assert _ids(await _page(api, entity, sealed_before)) == _ids(await _page(api, entity, cursor))


async def test_without_a_configured_key_cursors_outlive_a_restart_and_need_its_secret(
    backend: str, redis_server: RedisServer, api: Api
) -> None:
    if backend == "embedded":
        pytest.skip("the embedded store's data, and its cursors, end with the process")
    entity = unique("e")
    first = OrdoServer(redis_server.url)
    with running(first):
        async with httpx.AsyncClient(base_url=first.url, timeout=30) as http:
            for start in ("2026-01-01", "2026-02-01"):
                ok(await helpers.create(Api(http), unique("o"), entity, [item("a", start=start)]))
            page = await Api(http).graphql(PAGE, {"e": entity, "first": 1})
            cursor = page["data"]["entityOrders"]["pageInfo"]["endCursor"]
            following = await Api(http).graphql(PAGE, {"e": entity, "first": 1, "after": cursor})
    restarted = OrdoServer(redis_server.url)
    with running(restarted):
        async with httpx.AsyncClient(base_url=restarted.url, timeout=30) as http:
            again = await Api(http).graphql(PAGE, {"e": entity, "first": 1, "after": cursor})
    assert _ids(again) == _ids(following) and len(_ids(again)) == 1
    # A server whose ORDO_CURSOR_KEY does not list the stored secret refuses those cursors.
    body = await _page(api, entity, cursor)
    assert top_level_error(body, "entityOrders") == ("INVALID_CURSOR", 400)


async def _error_code(keyed: OrdoServer, entity: str, after: str) -> str:
    async with session(keyed.url, {"token": SERVICE}) as client:
        request = GraphQLRequest(ENTITY_EVENTS, variable_values={"e": entity, "after": after})
        # A bound, not a claim about speed: a cursor wrongly accepted would wait for events.
        async with asyncio.timeout(30):
            with pytest.raises(TransportQueryError) as raised:
                async for _ in client.subscribe(request):
                    pass
    return str((raised.value.errors or [{}])[0]["extensions"]["code"])


async def test_a_customers_event_cursors_show_nothing_of_others_events(
    keyed: OrdoServer, api: Api
) -> None:
    owner, other = unique("u"), unique("u")
    mine_token, theirs_token = hs256(owner), hs256(other)
    await helpers.create_user(api, other)
    promo = await helpers.create_promo(api, count=10, per_user=10)
    entity = unique("e")
    async with session(keyed.url, {"token": mine_token}) as client:
        variables = {"e": entity}
        stream = Listening(
            client.subscribe(GraphQLRequest(ENTITY_EVENTS, variable_values=variables))
        )
        probe = asyncio.ensure_future(stream.take(1))
        while not probe.done():
            await _create(api, mine_token, entity, "2026-01-01")
            await asyncio.wait({probe}, timeout=0.2)
        await stream.drained()
        # The other owner's orders live in the promo's partition: their feed positions would
        # be in the next cursor the customer gets.
        theirs = [await _create(api, theirs_token, entity, "2031-07-13", promo) for _ in range(2)]
        mine = await _create(api, mine_token, entity, "2032-01-01")
        got = [r["entityOrderEvents"] for r in await stream.take(2)]
    assert {g["event"]["orderId"] for g in got} == {mine}
    for cursor in [probe.result()[0]["entityOrderEvents"]["cursor"], *(g["cursor"] for g in got)]:
        assert _readable(cursor, [*theirs, promo, other, entity, mine]) == []
        assert FEED_ID.search(_raw(cursor)) is None and FEED_ID.search(cursor.encode()) is None


async def test_an_altered_forged_foreign_or_expired_event_cursor_is_refused_with_its_code(
    keyed: OrdoServer, api: Api
) -> None:
    entity = unique("e")
    async with session(keyed.url, {"token": SERVICE}) as client:
        request = GraphQLRequest(ENTITY_EVENTS, variable_values={"e": entity})
        stream = Listening(client.subscribe(request))
        probe = asyncio.ensure_future(stream.take(1))
        while not probe.done():
            await _create(api, SERVICE, entity, "2026-01-01")
            await asyncio.wait({probe}, timeout=0.2)
        cursor = probe.result()[0]["entityOrderEvents"]["cursor"]
    page = (await _page(api, entity, None))["data"]["entityOrders"]["pageInfo"]["endCursor"]
    now = int(time.time() * 1000)
    size = len(_raw(cursor))
    refused = [
        *(_flipped(cursor, at) for at in (0, 2, 9, size // 2, size - 1)),
        cursor[:-3],
        "A" * 100_000,
        feed_cursors.encode(Sealer([THIRD]), FeedCursor(entity, now, {})),  # a key not configured
        feed_cursors.encode(Sealer([NEW]), FeedCursor(unique("e"), now, {})),  # another entity
        page,  # a page cursor of the same entity
    ]
    for after in refused:
        assert await _error_code(keyed, entity, after) == "INVALID_CURSOR", after
    expired = feed_cursors.encode(Sealer([NEW]), FeedCursor(entity, 1_000, {}))  # from 1970
    assert await _error_code(keyed, entity, expired) == "CURSOR_EXPIRED"


async def test_an_event_cursor_sealed_with_a_rotated_key_still_resumes(
    keyed: OrdoServer, api: Api
) -> None:
    entity = unique("e")
    since = int(time.time() * 1000) - 1000
    sealed_before = feed_cursors.encode(Sealer([OLD]), FeedCursor(entity, since, {}))
    async with session(keyed.url, {"token": SERVICE}) as client:
        variables = {"e": entity, "after": sealed_before}
        stream = Listening(
            client.subscribe(GraphQLRequest(ENTITY_EVENTS, variable_values=variables))
        )
        order_id = await _create(api, SERVICE, entity, "2026-01-01")
        (got,) = await stream.take(1)
    assert got["entityOrderEvents"]["event"]["orderId"] == order_id

"""GraphQL completeOrder / cancelOrder and the order query (SPEC §3.2, §3.3): events in order
with their data, repeats, the other way, unknown orders, and folding agreeing with events."""

import pytest

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    DECLINE_ORDER,
    ORDER,
    close,
    counters,
    event_types,
    ok,
    open_order,
    parse_instant,
    read_order,
    refused,
    top_level_error,
    user_and_promo,
)
from tests.support import unique

CLOSED = {"success": "COMPLETED", "cancel": "CANCELLED"}
OTHER_WAY = {"success": "cancel", "cancel": "success"}


async def test_completing_a_promo_order_redeems_then_completes(api: Api) -> None:
    promo = await user_and_promo(api)
    order = await open_order(api, **promo)
    done = ok(await close(api, order["orderId"], "success"))
    assert done["status"] == "COMPLETED"
    assert event_types(done)[2:] == ["PROMO_REDEEMED", "ORDER_COMPLETED"]
    assert event_types(done)[:2] == ["ORDER_CREATED", "PROMO_RESERVED"]
    assert done["events"][2]["data"] == promo
    assert done["events"][3]["data"] == {}
    assert done["promo"] == promo


async def test_cancelling_a_promo_order_releases_then_cancels(api: Api) -> None:
    promo = await user_and_promo(api)
    order = await open_order(api, **promo)
    done = ok(await close(api, order["orderId"], "cancel"))
    assert done["status"] == "CANCELLED"
    assert event_types(done)[2:] == ["PROMO_RELEASED", "ORDER_CANCELLED"]
    assert event_types(done)[:2] == ["ORDER_CREATED", "PROMO_RESERVED"]
    assert done["events"][2]["data"] == {**promo, "reason": "cancelled"}
    assert done["events"][3]["data"] == {}


@pytest.mark.parametrize("new_status", ["success", "cancel"])
async def test_closing_a_plain_order_records_no_promo_event(api: Api, new_status: str) -> None:
    order = await open_order(api)
    done = ok(await close(api, order["orderId"], new_status))
    assert done["status"] == CLOSED[new_status]
    assert event_types(done) == ["ORDER_CREATED", f"ORDER_{CLOSED[new_status]}"]


@pytest.mark.parametrize("new_status", ["success", "cancel"])
async def test_repeating_the_same_close_succeeds_with_no_new_event(
    api: Api, new_status: str
) -> None:
    promo = await user_and_promo(api)
    order = await open_order(api, **promo)
    first = ok(await close(api, order["orderId"], new_status))
    before = await counters(api, promo)
    again = ok(await close(api, order["orderId"], new_status))
    assert again == first
    assert again["version"] == 4
    assert await counters(api, promo) == before


@pytest.mark.parametrize("new_status", ["success", "cancel"])
async def test_closing_the_other_way_is_refused_as_closed(api: Api, new_status: str) -> None:
    promo = await user_and_promo(api)
    order = await open_order(api, **promo)
    first = ok(await close(api, order["orderId"], new_status))
    before = await counters(api, promo)
    payload = await close(api, order["orderId"], OTHER_WAY[new_status])
    assert refused(payload)[:2] == ("ORDER_CLOSED", 409)
    assert await read_order(api, order["orderId"]) == first
    assert await counters(api, promo) == before


@pytest.mark.parametrize("new_status", ["success", "cancel"])
async def test_closing_a_declined_order_is_a_conflict(api: Api, new_status: str) -> None:
    order = await open_order(api, **await user_and_promo(api))
    ok(await api.mutate("declineOrder", DECLINE_ORDER, {"orderId": order["orderId"]}))
    code, status, _ = refused(await close(api, order["orderId"], new_status))
    assert status == 409
    assert code == "ORDER_DECLINED"
    assert (await read_order(api, order["orderId"]))["status"] == "DECLINED"


@pytest.mark.parametrize("new_status", ["success", "cancel"])
async def test_closing_an_unknown_order_is_not_found(api: Api, new_status: str) -> None:
    payload = await close(api, unique("o"), new_status)
    assert refused(payload) == ("ORDER_NOT_FOUND", 404, ["orderId"])


async def test_order_query_of_an_unknown_order_is_null_with_a_top_level_404(api: Api) -> None:
    body = await api.graphql(ORDER, {"orderId": unique("o")})
    assert top_level_error(body, "order") == ("ORDER_NOT_FOUND", 404)


async def test_order_query_with_a_bad_id_is_null_with_a_top_level_400(api: Api) -> None:
    body = await api.graphql(ORDER, {"orderId": "no spaces"})
    assert top_level_error(body, "order") == ("INVALID_INPUT", 400)


async def test_every_event_has_a_stream_id_and_a_utc_time_in_order(api: Api) -> None:
    order = await open_order(api, **await user_and_promo(api))
    events = ok(await close(api, order["orderId"], "success"))["events"]
    ids = [event["id"] for event in events]
    assert len(set(ids)) == 4
    assert ids == sorted(ids, key=lambda entry: tuple(int(part) for part in entry.split("-")))
    times = [parse_instant(event["at"]) for event in events]
    assert all(at.utcoffset() is not None and at.utcoffset().total_seconds() == 0 for at in times)
    assert times == sorted(times)


@pytest.mark.parametrize("new_status", ["success", "cancel"])
async def test_events_returned_and_order_query_agree_at_every_step(
    api: Api, new_status: str
) -> None:
    promo = await user_and_promo(api)
    created = await open_order(api, **promo)
    assert await read_order(api, created["orderId"]) == created
    closed = ok(await close(api, created["orderId"], new_status))
    read = await read_order(api, created["orderId"])
    assert read == closed
    assert read["events"][:2] == created["events"]
    for order in (created, closed):
        assert order["version"] == len(order["events"])
        # Each event names its order and its place in the history: read whole (created),
        # and extended from a kept order (read, after the close).
        places = [(e["orderId"], e["version"]) for e in order["events"]]
        assert places == [(created["orderId"], n) for n in range(1, order["version"] + 1)]
        assert order["createdAt"] == order["events"][0]["at"]
        assert order["updatedAt"] == order["events"][-1]["at"]
    assert closed["status"] == CLOSED[new_status]
    assert closed["promo"] == promo

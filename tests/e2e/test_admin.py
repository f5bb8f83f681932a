"""Admin GraphQL (SPEC §3.2 Admin, §5): bearer auth, createUser, createPromo, updatePromo and
the promo query, with each refusal's code, status and field."""

from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.helpers import (
    CREATE_PROMO,
    CREATE_USER,
    PROMO,
    UPDATE_PROMO,
    create_order,
    create_promo,
    create_user,
    instant,
    ok,
    parse_instant,
    promo_state,
    refused,
    top_level_error,
    update_promo,
    user_and_promo,
)
from tests.support import ADMIN_TOKEN, unique

NO_TOKEN: dict[str, str] = {}
WRONG_TOKEN = {"Authorization": "Bearer not-the-token"}
AUTH_FAILURES = [(NO_TOKEN, "UNAUTHENTICATED", 401), (WRONG_TOKEN, "FORBIDDEN", 403)]


def admin_calls() -> list[tuple[str, str, dict[str, Any], str]]:
    """(mutation, document, variables, payload result field) for every admin mutation."""
    promo = {"promoId": unique("p"), "count": 1, "perUserCount": 1}
    return [
        ("createUser", CREATE_USER, {"userId": unique("u")}, "userId"),
        ("createPromo", CREATE_PROMO, {"input": promo}, "promo"),
        ("updatePromo", UPDATE_PROMO, {"input": {"promoId": unique("p"), "count": 1}}, "promo"),
    ]


async def new_promo(api: Api, **given: Any) -> dict[str, Any]:
    """The createPromo payload for a fresh promo id with `given` fields."""
    fields = {"promoId": unique("p"), "count": 1, "perUserCount": 1, **given}
    return await api.mutate("createPromo", CREATE_PROMO, {"input": fields}, admin=True)


@pytest.mark.parametrize(("headers", "code", "status"), AUTH_FAILURES)
async def test_admin_mutations_need_the_right_bearer_token(
    api: Api, headers: dict[str, str], code: str, status: int
) -> None:
    for name, document, variables, result in admin_calls():
        body = await api.graphql(document, variables, headers=headers)
        assert refused(body["data"][name], result) == (code, status, None)


@pytest.mark.parametrize(("headers", "code", "status"), AUTH_FAILURES)
async def test_promo_query_needs_the_right_bearer_token(
    api: Api, headers: dict[str, str], code: str, status: int
) -> None:
    promo = await user_and_promo(api)
    body = await api.graphql(PROMO, promo, headers=headers)
    assert top_level_error(body, "promo") == (code, status)


async def test_auth_outranks_bad_input(api: Api) -> None:
    bad = {"input": {"promoId": "bad id!", "count": -1, "perUserCount": 0}}
    body = await api.graphql(CREATE_PROMO, bad)
    assert refused(body["data"]["createPromo"], "promo")[:2] == ("UNAUTHENTICATED", 401)


async def test_auth_outranks_a_bad_id_on_the_promo_query(api: Api) -> None:
    body = await api.graphql(PROMO, {"promoId": "bad id", "userId": "bad id"})
    assert top_level_error(body, "promo") == ("UNAUTHENTICATED", 401)


async def test_a_refused_admin_call_changes_nothing(api: Api) -> None:
    user_id, promo_id = unique("u"), unique("p")
    await api.graphql(CREATE_USER, {"userId": user_id}, headers=WRONG_TOKEN)
    await api.graphql(CREATE_PROMO, {"input": {"promoId": promo_id, "count": 1, "perUserCount": 1}})
    known_promo = await create_promo(api)
    payload = await create_order(api, userId=user_id, promoId=known_promo)
    assert refused(payload)[0] == "USER_NOT_AUTHORIZED"
    assert ok(await new_promo(api, promoId=promo_id), "promo")["promoId"] == promo_id


async def test_scheme_other_than_bearer_is_unauthenticated(api: Api) -> None:
    headers = {"Authorization": f"Basic {ADMIN_TOKEN}"}
    body = await api.graphql(CREATE_USER, {"userId": unique("u")}, headers=headers)
    assert refused(body["data"]["createUser"], "userId")[:2] == ("UNAUTHENTICATED", 401)


async def test_bearer_scheme_is_case_insensitive(api: Api) -> None:
    headers = {"Authorization": f"bearer {ADMIN_TOKEN}"}
    body = await api.graphql(CREATE_USER, {"userId": unique("u")}, headers=headers)
    assert body["data"]["createUser"]["errors"] == []


async def test_a_count_of_2_to_the_31_is_refused_before_running(api: Api) -> None:
    promo_id = unique("p")
    variables = {"input": {"promoId": promo_id, "count": 2**31, "perUserCount": 1}}
    response = await api.http.post(
        "/graphql",
        json={"query": CREATE_PROMO, "variables": variables},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code == 400
    assert response.json()["data"] is None
    assert ok(await new_promo(api, promoId=promo_id), "promo")["promoId"] == promo_id


async def test_creating_a_user_twice_succeeds_both_times(api: Api) -> None:
    user_id = unique("u")
    assert await create_user(api, user_id) == user_id
    assert await create_user(api, user_id) == user_id


async def test_create_user_with_a_bad_id_is_invalid(api: Api) -> None:
    payload = await api.mutate("createUser", CREATE_USER, {"userId": "a/b"}, admin=True)
    assert refused(payload, "userId") == ("INVALID_INPUT", 400, ["userId"])


async def test_created_promo_has_its_fields_and_zero_counters(api: Api) -> None:
    starts, ends = instant(-timedelta(hours=1)), instant(timedelta(days=1))
    promo = ok(await new_promo(api, count=7, perUserCount=2, startsAt=starts, endsAt=ends), "promo")
    assert (promo["count"], promo["perUserCount"], promo["lockedCount"], promo["available"]) == (
        7,
        2,
        0,
        7,
    )
    assert parse_instant(promo["startsAt"]) == parse_instant(starts)
    assert parse_instant(promo["endsAt"]) == parse_instant(ends)
    assert promo["startsAt"].endswith("Z") and promo["endsAt"].endswith("Z")


async def test_promo_query_answers_the_counters_and_zero_used_for_a_new_user(api: Api) -> None:
    promo = await user_and_promo(api, count=4, per_user=3)
    state = await promo_state(api, promo)
    assert state == {
        "promoId": promo["promoId"],
        "count": 4,
        "perUserCount": 3,
        "lockedCount": 0,
        "available": 4,
        "startsAt": None,
        "endsAt": None,
        "used": 0,
    }
    assert (await promo_state(api, {**promo, "userId": unique("never")}))["used"] == 0


async def test_promo_query_of_an_unknown_promo_is_null_with_a_top_level_404(api: Api) -> None:
    body = await api.graphql(PROMO, {"promoId": unique("p"), "userId": unique("u")}, admin=True)
    assert top_level_error(body, "promo") == ("PROMO_NOT_FOUND", 404)


@pytest.mark.parametrize("bad", ["bad id", "x" * 129])
async def test_promo_used_for_a_bad_user_id_is_a_top_level_400(api: Api, bad: str) -> None:
    promo = await user_and_promo(api)
    body = await api.graphql(PROMO, {**promo, "userId": bad}, admin=True)
    assert top_level_error(body, "promo") == ("INVALID_INPUT", 400)


async def test_promo_query_with_a_bad_promo_id_is_a_top_level_400(api: Api) -> None:
    body = await api.graphql(PROMO, {"promoId": "bad id", "userId": unique("u")}, admin=True)
    assert top_level_error(body, "promo") == ("INVALID_INPUT", 400)


async def test_promo_with_zero_count_and_largest_count_are_allowed(api: Api) -> None:
    assert ok(await new_promo(api, count=0), "promo")["available"] == 0
    assert ok(await new_promo(api, count=2**31 - 1), "promo")["count"] == 2**31 - 1


async def test_promo_with_a_window_in_the_past_is_allowed(api: Api) -> None:
    past = {"startsAt": "2020-01-01T03:00:00+03:00", "endsAt": "2020-01-02T00:00:00Z"}
    promo = ok(await new_promo(api, **past), "promo")
    stored = await promo_state(api, {"promoId": promo["promoId"], "userId": unique("u")})
    for answer in (promo, stored):  # as created, and as read back: the instants, in UTC
        assert (answer["startsAt"], answer["endsAt"]) == (
            "2020-01-01T00:00:00Z",
            "2020-01-02T00:00:00Z",
        )


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"count": -1}, "count"),
        ({"perUserCount": 0}, "perUserCount"),
        ({"perUserCount": -3}, "perUserCount"),
        ({"promoId": "has space"}, "promoId"),
        ({"promoId": "x" * 129}, "promoId"),
        ({"startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z"}, "endsAt"),
        ({"startsAt": "2030-01-02T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z"}, "endsAt"),
        ({"startsAt": "not a time"}, "startsAt"),
        ({"endsAt": "2030-01-01T00:00:00"}, "endsAt"),
    ],
)
async def test_create_promo_with_bad_input_is_invalid(
    api: Api, given: dict[str, Any], field: str
) -> None:
    payload = await new_promo(api, **given)
    assert refused(payload, "promo") == ("INVALID_INPUT", 400, ["input", field])


async def test_create_promo_with_an_existing_id_is_refused_and_keeps_the_counters(api: Api) -> None:
    promo = await user_and_promo(api, count=3)
    again = await new_promo(api, promoId=promo["promoId"], count=99, perUserCount=9)
    assert refused(again, "promo") == ("PROMO_EXISTS", 409, ["input", "promoId"])
    assert (await promo_state(api, promo))["count"] == 3


async def test_update_promo_changes_count_and_keeps_omitted_fields(api: Api) -> None:
    starts, ends = instant(-timedelta(hours=1)), instant(timedelta(days=1))
    promo_id = await create_promo(api, count=2, per_user=2, startsAt=starts, endsAt=ends)
    updated = ok(await update_promo(api, promo_id, count=9), "promo")
    assert (updated["count"], updated["perUserCount"], updated["available"]) == (9, 2, 9)
    assert parse_instant(updated["startsAt"]) == parse_instant(starts)
    assert parse_instant(updated["endsAt"]) == parse_instant(ends)


async def test_update_promo_with_null_clears_the_window_and_keeps_the_count(api: Api) -> None:
    starts, ends = instant(-timedelta(hours=1)), instant(timedelta(days=1))
    promo_id = await create_promo(api, count=2, startsAt=starts, endsAt=ends)
    cleared = ok(await update_promo(api, promo_id, startsAt=None), "promo")
    assert cleared["startsAt"] is None and cleared["endsAt"] is not None
    cleared = ok(await update_promo(api, promo_id, endsAt=None), "promo")
    assert (cleared["startsAt"], cleared["endsAt"], cleared["count"]) == (None, None, 2)


async def test_update_promo_sets_a_window_checked_against_the_stored_end(api: Api) -> None:
    promo_id = await create_promo(api, endsAt="2030-01-01T00:00:00Z")
    payload = await update_promo(api, promo_id, startsAt="2030-06-01T00:00:00Z")
    assert refused(payload, "promo") == ("INVALID_INPUT", 400, ["input", "endsAt"])
    moved = ok(await update_promo(api, promo_id, startsAt="2029-06-01T00:00:00+02:00"), "promo")
    assert moved["startsAt"] == "2029-05-31T22:00:00Z"


@pytest.mark.parametrize(("count", "field"), [(-1, "count"), (None, "count")])
async def test_update_promo_with_a_bad_count_is_invalid(api: Api, count: Any, field: str) -> None:
    promo_id = await create_promo(api)
    payload = await update_promo(api, promo_id, count=count)
    assert refused(payload, "promo") == ("INVALID_INPUT", 400, ["input", field])


async def test_update_promo_with_an_inverted_window_is_invalid(api: Api) -> None:
    promo_id = await create_promo(api)
    window = {"startsAt": "2030-01-02T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z"}
    payload = await update_promo(api, promo_id, **window)
    assert refused(payload, "promo") == ("INVALID_INPUT", 400, ["input", "endsAt"])
    assert ok(await update_promo(api, promo_id), "promo")["startsAt"] is None


async def test_bad_count_outranks_an_unknown_promo(api: Api) -> None:
    payload = await update_promo(api, unique("p"), count=-1)
    assert refused(payload, "promo") == ("INVALID_INPUT", 400, ["input", "count"])


async def test_update_of_an_unknown_promo_is_not_found(api: Api) -> None:
    payload = await update_promo(api, unique("p"), count=1)
    assert refused(payload, "promo") == ("PROMO_NOT_FOUND", 404, ["input", "promoId"])

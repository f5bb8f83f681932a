"""Persisted documents over HTTP (SPEC §5.1): Apollo's automatic persisted queries on the
shared server, and trusted-documents mode on a server of its own, on both backends."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ordo.manifest import sha256_hex
from tests.e2e.conftest import Api
from tests.e2e.helpers import create_plain
from tests.node_clients import run_node
from tests.support import OrdoServer, RedisServer, running, unique

NOT_FOUND = {
    "errors": [
        {
            "message": "PersistedQueryNotFound",
            "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND", "status": 404},
        }
    ]
}


def status_query() -> str:
    """A document no other test sent: its hash is unknown until this test registers it."""
    return f"query {unique('S').replace('-', '_')}($o: ID!) {{ order(orderId: $o) {{ status }} }}"


def persisted(text: str, *, version: Any = 1, digest: Any = None) -> dict[str, Any]:
    hashed = sha256_hex(text) if digest is None else digest
    return {"persistedQuery": {"version": version, "sha256Hash": hashed}}


async def send(
    http: httpx.AsyncClient, text: str | None, extensions: Any, **variables: Any
) -> httpx.Response:
    body: dict[str, Any] = {"extensions": extensions, "variables": variables}
    if text is not None:
        body["query"] = text
    return await http.post("/graphql", json=body)


def code(response: httpx.Response) -> str:
    extensions: dict[str, str] = response.json()["errors"][0]["extensions"]
    return extensions["code"]


async def test_an_unknown_hash_is_not_found_then_its_text_registers_it(api: Api) -> None:
    order_id = (await create_plain(api))["orderId"]
    text = status_query()
    first = await send(api.http, None, persisted(text), o=order_id)
    assert (first.status_code, first.json()) == (200, NOT_FOUND)
    registered = await send(api.http, text, persisted(text), o=order_id)
    assert registered.json()["data"] == {"order": {"status": "OPEN"}}
    for _ in range(2):  # the plan answers from the second run on
        again = await send(api.http, None, persisted(text), o=order_id)
        assert (again.status_code, again.json()) == (200, registered.json())


async def test_a_persisted_hash_runs_over_get(api: Api) -> None:
    order_id = (await create_plain(api))["orderId"]
    text = status_query()
    await send(api.http, text, persisted(text), o=order_id)
    params = {"extensions": json.dumps(persisted(text)), "variables": json.dumps({"o": order_id})}
    for accept in ("application/json", "*/*"):  # not GraphiQL's page, though there is no query
        got = await api.http.get("/graphql", params=params, headers={"accept": accept})
        assert got.json()["data"] == {"order": {"status": "OPEN"}}


async def test_a_text_whose_hash_differs_is_refused_and_not_registered(api: Api) -> None:
    text, other = status_query(), status_query()
    refused = await send(api.http, text, persisted(other), o="x")
    assert (refused.status_code, code(refused)) == (400, "PERSISTED_QUERY_HASH_MISMATCH")
    assert "data" not in refused.json()
    assert (await send(api.http, None, persisted(other), o="x")).json() == NOT_FOUND


async def test_a_document_that_does_not_validate_is_not_registered(api: Api) -> None:
    text = "query { nope }"
    assert (await send(api.http, text, persisted(text))).status_code == 400
    assert (await send(api.http, None, persisted(text))).json() == NOT_FOUND


MALFORMED = {
    "not an object": ({"persistedQuery": [1]}, "extensions.persistedQuery"),
    "null": ({"persistedQuery": None}, "extensions.persistedQuery"),
    "version 2": (persisted("{ __typename }", version=2), "extensions.persistedQuery.version"),
    "version true": (
        persisted("{ __typename }", version=True),
        "extensions.persistedQuery.version",
    ),
    "version missing": (
        {"persistedQuery": {"sha256Hash": sha256_hex("{ __typename }")}},
        "extensions.persistedQuery.version",
    ),
    "hash a number": (persisted("x", digest=7), "extensions.persistedQuery.sha256Hash"),
    "hash not hex": (persisted("x", digest="z" * 64), "extensions.persistedQuery.sha256Hash"),
}


@pytest.mark.parametrize(("extensions", "field"), MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_persisted_query_is_a_400_naming_the_field(
    api: Api, extensions: dict[str, Any], field: str
) -> None:
    for text in (None, "{ __typename }"):
        refused = await send(api.http, text, extensions)
        assert (refused.status_code, code(refused)) == (400, "INVALID_INPUT")
        assert f"`{field}`" in refused.json()["errors"][0]["message"]


async def test_two_servers_on_one_redis_share_a_registered_document(
    backend: str, redis_server: RedisServer, api: Api
) -> None:
    if backend == "embedded":
        pytest.skip("the embedded store lives in one process")
    order_id = (await create_plain(api))["orderId"]
    text = status_query()
    await send(api.http, text, persisted(text), o=order_id)
    other = OrdoServer(redis_server.url)
    with running(other):
        async with httpx.AsyncClient(base_url=other.url) as http:
            shared = await send(http, None, persisted(text), o=order_id)
    assert shared.json()["data"] == {"order": {"status": "OPEN"}}


# --- trusted documents ----------------------------------------------------------------------

TRUSTED = "query Trusted($o: ID!) { order(orderId: $o) { status } }"
CREATE = "mutation { createOrder { order { orderId status } errors { code } } }"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trusted") / "persisted-documents.json"
    path.write_text(json.dumps({sha256_hex(text): text for text in (TRUSTED, CREATE)}))
    return path


@pytest.fixture(scope="module")
def trusted(backend: str, redis_server: RedisServer, manifest: Path) -> Iterator[OrdoServer]:
    url = redis_server.url if backend == "redis" else None
    made = OrdoServer(url, env={"ORDO_TRUSTED_DOCUMENTS": str(manifest)})
    with running(made):
        yield made


async def test_trusted_mode_runs_the_manifest_documents_by_hash_and_by_text(
    trusted: OrdoServer,
) -> None:
    async with httpx.AsyncClient(base_url=trusted.url) as http:
        made = await send(http, None, persisted(CREATE))
        order_id = made.json()["data"]["createOrder"]["order"]["orderId"]
        for _ in range(2):
            by_text = await send(http, TRUSTED, None, o=order_id)
            by_hash = await send(http, None, persisted(TRUSTED), o=order_id)
            both = await send(http, TRUSTED, persisted(TRUSTED), o=order_id)
            for answer in (by_text, by_hash, both):
                assert answer.json()["data"] == {"order": {"status": "OPEN"}}


REFUSED = {
    "another text": ("{ __typename }", None),
    "another text with its hash": ("{ __typename }", persisted("{ __typename }")),
    "an unknown hash": (None, persisted("{ __typename }")),
    "introspection": ("{ __schema { queryType { name } } }", None),
    "a manifest text reformatted": (TRUSTED.replace(" {", "{"), None),
}


@pytest.mark.parametrize(("text", "extensions"), REFUSED.values(), ids=REFUSED.keys())
async def test_trusted_mode_refuses_every_other_document_with_400(
    trusted: OrdoServer, text: str | None, extensions: Any
) -> None:
    async with httpx.AsyncClient(base_url=trusted.url) as http:
        for _ in range(2):
            refused = await send(http, text, extensions, o="x")
            assert (refused.status_code, code(refused)) == (400, "PERSISTED_QUERY_NOT_ALLOWED")
            assert "data" not in refused.json()


async def test_trusted_mode_serves_no_graphiql_page(trusted: OrdoServer) -> None:
    async with httpx.AsyncClient(base_url=trusted.url) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404


def test_a_manifest_entry_whose_hash_is_wrong_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "persisted-documents.json"
    wrong = sha256_hex("{ other }")
    path.write_text(json.dumps({wrong: TRUSTED}))
    server = OrdoServer(None, env={"ORDO_TRUSTED_DOCUMENTS": str(path)})
    with pytest.raises(RuntimeError, match="ordo exited") as exited:
        server.start()
    assert f"entry '{wrong}' is not its document's SHA-256" in str(exited.value)


# --- a real client --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "get"])
async def test_apollo_clients_persisted_query_link_registers_then_sends_only_the_hash(
    server: OrdoServer, api: Api, method: str
) -> None:
    order_id = (await create_plain(api))["orderId"]
    name = unique("Read").replace("-", "_")  # a document no other run registered
    args = (server.url, order_id, method, name)
    seen = await asyncio.to_thread(run_node, "apollo_persisted.mjs", *args)
    verb = method.upper()
    assert seen["sent"] == [
        {"method": verb, "hasQuery": False, "status": 200, "code": "PERSISTED_QUERY_NOT_FOUND"},
        {"method": "POST", "hasQuery": True, "status": 200, "code": None},
        {"method": verb, "hasQuery": False, "status": 200, "code": None},
    ]
    assert seen["results"] == [{"__typename": "Order", "orderId": order_id, "status": "OPEN"}] * 2

"""No request shape crashes the GraphQL edge, on the prepared and on the generic path alike.

Generated requests — GET or POST; `query`, `operationName`, `variables` and `extensions` each
missing or of any JSON type (`extensions.persistedQuery` of any shape, or naming a document);
bodies of any JSON value or raw bytes; any Content-Type and Accept — go to two `ordo serve`
processes, one running prepared plans and one the generic path only. Every answer is a 4xx
with a GraphQL error body or a normal answer, never a 5xx, and both servers answer the same
request with the same status (and the same 4xx body). The corpus's documents are run on both
before generating, so the prepared server holds their plans and its fast lane meets the
malformed fields too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from ordo.manifest import sha256_hex
from tests.e2e import helpers as docs
from tests.support import OrdoServer

SHAPES_ORDER = {
    "orderId": "o-shapes",
    "entityId": "e-shapes",
    "type": docs.RENT,
    "items": [docs.item("i1")],
}
# Valid documents of ordo's schema, each with variables it runs with.
CORPUS: list[tuple[str, dict[str, Any]]] = [
    (docs.CREATE_ORDER, {"input": {}}),
    (docs.CREATE_ORDER_WITHOUT_INPUT, {}),
    (docs.ORDER, {"orderId": "o-shapes"}),
    (docs.ORDERS, {"entityId": "e-shapes", "includeDeclined": True}),
    (docs.CREATE, {"input": SHAPES_ORDER}),
    (docs.DECLINE, {"orderId": "o-shapes"}),
    ("query Status($o: ID!) { order(orderId: $o) { status } }", {"o": "o-shapes"}),
    ("{ __typename }", {}),
    ("query A { __typename } query B { __typename }", {}),  # needs its operationName
]
# Client mistakes: unparsable, invalid, an unused variable, a mutation's missing variable.
MISTAKES = [
    "{",
    "query { nope }",
    "query($unused: ID) { __typename }",
    "mutation($orderId: ID!) { declineOrder(orderId: $orderId) { errors { code } } }",
    "subscription { x }",
]
OPERATION_NAMES = [None, "Status", "Nope", "", "A"]

MISSING = object()  # a field left out of the request altogether

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30).map(
    str.strip
)
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON",
    "application/graphql-response+json",
    "application/graphql",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
]
ACCEPTS = [
    "application/json",
    "application/graphql-response+json",
    "application/graphql-response+json, application/json;q=0.9",
    "application/json, application/graphql-response+json",
    "application/json;q=0.5, application/graphql-response+json",
    "application/*",
    "application/json;q=0",
    "*/*",
    "text/html",
    "multipart/mixed",
    "text/event-stream",
    "image/png",
]


@dataclass(frozen=True)
class Sent:
    """One request: GET with query parameters, or anything else with a raw body."""

    method: str
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def send(self, http: httpx.Client) -> httpx.Response:
        if self.method == "GET":
            return http.get("/graphql", params=self.params, headers=self.headers)
        return http.request(self.method, "/graphql", content=self.body, headers=self.headers)

    @property
    def asks_for_the_ide(self) -> bool:
        """Strawberry's rule for serving the GraphiQL page instead of an answer."""
        accept = self.headers.get("accept", "*/*")
        return (
            self.method == "GET"
            and "query" not in self.params
            and "persistedQuery" not in self.params.get("extensions", "")
            and ("text/html" in accept or "*/*" in accept)
        )


def post(payload: Any, **headers: str) -> Sent:
    return Sent(
        "POST", {"content-type": "application/json", **headers}, body=json.dumps(payload).encode()
    )


def usually(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`common` four times in five: well-formed requests must reach the schema often."""
    return st.integers(0, 4).flatmap(lambda n: rare if n == 0 else common)


def persisted_queries(document: str) -> st.SearchStrategy[dict[str, Any]]:
    """`extensions.persistedQuery` (SPEC §5.1): usually well-formed, naming the document or
    another one, else of any shape."""
    hashes = st.sampled_from([sha256_hex(document), sha256_hex(document).upper(), "0" * 64])
    well_formed = st.fixed_dictionaries({"version": st.just(1), "sha256Hash": hashes})
    odd = st.fixed_dictionaries(
        {"version": st.sampled_from([1, 2, True, 1.0, "1"]) | json_values},
        optional={"sha256Hash": hashes | json_values},
    )
    return usually(well_formed, odd | json_values).map(lambda shape: {"persistedQuery": shape})


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    """A request object: each field usually well-formed, else missing or any JSON value."""
    document, variables = draw(st.sampled_from(CORPUS))
    fields = {
        "query": usually(st.just(document), st.sampled_from(MISTAKES) | st.text(max_size=40)),
        "operationName": st.sampled_from(OPERATION_NAMES),
        "variables": st.just(variables),
        "extensions": st.just({}) | st.none() | persisted_queries(document),
    }
    drawn = {
        name: draw(usually(well_formed, st.just(MISSING) | json_values))
        for name, well_formed in fields.items()
    }
    return {name: value for name, value in drawn.items() if value is not MISSING}


def _param(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@st.composite
def requests(draw: st.DrawFn) -> Sent:
    headers = {}
    if accept := draw(st.none() | st.sampled_from(ACCEPTS) | header_text):
        headers["accept"] = accept
    if draw(st.integers(0, 2)) == 0:  # GET: the same fields as query parameters
        params = {name: _param(value) for name, value in draw(payloads()).items()}
        return Sent("GET", headers, params=params)
    json_type = st.sampled_from(CONTENT_TYPES[:3])
    if content_type := draw(
        usually(json_type, st.none() | st.sampled_from(CONTENT_TYPES) | header_text)
    ):
        headers["content-type"] = content_type
    encoded = payloads() | payloads() | json_values
    body = draw(usually(encoded.map(json.dumps).map(str.encode), st.binary(max_size=40)))
    method = draw(usually(st.just("POST"), st.sampled_from(OTHER_METHODS)))
    return Sent(method, headers, body=body)


OTHER_METHODS = ["PUT", "PATCH", "DELETE", "OPTIONS"]


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """The prepared server and the generic one, both warmed with the corpus."""
    servers = [
        OrdoServer(None, env={"ORDO_GRAPHQL_PREPARED": value}) for value in ("true", "false")
    ]
    opened: list[httpx.Client] = []
    try:
        for server in servers:
            server.start()
            opened.append(httpx.Client(base_url=server.url, timeout=30))
        for http in opened:
            for document, variables in CORPUS * 2:  # a plan is compiled after a first run
                http.post("/graphql", json={"query": document, "variables": variables})
        yield opened[0], opened[1]
    finally:
        for http in opened:
            http.close()
        for server in servers:
            server.stop()


def assert_graphql_answer(sent: Sent, response: httpx.Response) -> None:
    assert response.status_code < 500, (sent, response.status_code, response.text)
    if sent.asks_for_the_ide and response.status_code == 200:
        assert response.headers["content-type"].startswith("text/html"), sent
        return
    body = response.json()
    assert isinstance(body, dict), (sent, body)
    errors = body.get("errors")
    assert errors is None or (isinstance(errors, list) and errors), (sent, body)
    assert body.get("data") is not None or errors, (sent, body)
    if response.status_code >= 400:
        assert errors and all(isinstance(e.get("message"), str) for e in errors), (sent, body)


QUERY = "query Status($o: ID!) { order(orderId: $o) { status } }"


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,  # the same requests every run: a failure here is a regression
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)
@given(sent=requests())
# An operationName that is an object or an array crashed the prepared path (graphql-http).
@example(sent=post({"query": docs.CREATE_ORDER_WITHOUT_INPUT, "operationName": {}}))
@example(sent=post({"query": QUERY, "operationName": ["Status"], "variables": {"o": "x"}}))
@example(sent=post({"query": QUERY, "operationName": {"a": 1}, "variables": {"o": "x"}}))
@example(sent=post({"query": QUERY, "operationName": 1, "variables": {"o": "x"}}))
@example(sent=post({"query": QUERY, "operationName": "Status", "variables": {"o": "x"}}))
@example(sent=post({"operationName": "Status"}))
@example(sent=post({"query": 1}))
@example(sent=post({"query": QUERY, "variables": "x"}))
@example(sent=post({"query": QUERY, "variables": {"o": "x"}, "extensions": []}))
@example(sent=post([{"query": QUERY}]))
@example(sent=Sent("POST", {"content-type": "application/json"}, body=b"\xff{"))
@example(sent=Sent("POST", {"content-type": "text/plain"}, body=b'{"query": "{ __typename }"}'))
@example(sent=Sent("POST", {}, body=b'{"query": "{ __typename }"}'))
@example(sent=Sent("GET", params={"query": docs.CREATE_ORDER_WITHOUT_INPUT}))
@example(sent=Sent("GET", params={"query": QUERY, "variables": "[1]"}))
@example(sent=Sent("GET", {"accept": "application/json"}, params={"variables": "{}"}))
@example(sent=Sent("PUT", {"content-type": "application/json"}, body=b'{"query": "{ a }"}'))
@example(sent=Sent("OPTIONS"))
@example(sent=post({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": ["x"]}}}))
@example(sent=post({"query": QUERY, "extensions": {"persistedQuery": {"version": 1}}}))
@example(sent=Sent("GET", params={"extensions": '{"persistedQuery": 1}'}))
# Several operations without operationName: a request error on both paths, in both types.
@example(sent=post({"query": "query A { __typename } query B { __typename }"}))
@example(
    sent=post(
        {"query": "query A { __typename } query B { __typename }"},
        accept="application/graphql-response+json",
    )
)
@example(sent=post({"query": "{"}, accept="application/graphql-response+json"))
@example(sent=post({"query": QUERY}, accept="application/graphql-response+json"))
@example(sent=post({"query": QUERY, "variables": {"o": "x"}}, accept="text/html"))
def test_no_request_shape_gets_a_5xx_and_both_paths_answer_alike(
    clients: tuple[httpx.Client, httpx.Client], sent: Sent
) -> None:
    prepared, generic = (sent.send(http) for http in clients)
    event(f"{sent.method} {prepared.status_code}")  # --hypothesis-show-statistics
    assert_graphql_answer(sent, prepared)
    assert_graphql_answer(sent, generic)
    assert prepared.status_code == generic.status_code, (sent, prepared.text, generic.text)
    if prepared.status_code >= 400:
        assert prepared.json() == generic.json(), sent
    assert prepared.headers.get("content-type") == generic.headers.get("content-type"), sent
    if prepared.headers.get("content-type") == "application/graphql-response+json":
        assert prepared.status_code >= 400 or "data" in prepared.json(), sent
        assert prepared.status_code < 400 or "data" not in prepared.json(), sent
    if sent.method in OTHER_METHODS:
        assert prepared.status_code == 405, sent
        assert prepared.headers["allow"] == "GET, POST"

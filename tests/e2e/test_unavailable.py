"""Redis unreachable: a 503 that names UNAVAILABLE, quickly, never a hang or a stack trace."""

from collections.abc import Iterator

import httpx
import pytest

from tests.support import OrdoServer, free_port


@pytest.fixture(scope="module")
def stranded() -> Iterator[OrdoServer]:
    """A server whose Redis is a port nobody listens on."""
    server = OrdoServer(f"redis://127.0.0.1:{free_port()}/0", env={"ORDO_REDIS_TIMEOUT": "0.5"})
    server.start()
    yield server
    server.stop()


def test_rest_create_answers_503_unavailable(stranded: OrdoServer) -> None:
    answer = httpx.post(f"{stranded.url}/orders", json={}, timeout=10)
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "UNAVAILABLE"


def test_graphql_mutation_answers_a_top_level_unavailable_error(stranded: OrdoServer) -> None:
    query = {"query": "mutation { createOrder { order { orderId } errors { code } } }"}
    body = httpx.post(f"{stranded.url}/graphql", json=query, timeout=10).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "UNAVAILABLE", "status": 503}
    assert "Traceback" not in str(body)


def test_graphql_query_answers_a_top_level_unavailable_error(stranded: OrdoServer) -> None:
    query = {"query": '{ order(orderId: "o-1") { status } }'}
    body = httpx.post(f"{stranded.url}/graphql", json=query, timeout=10).json()
    assert body["errors"][0]["extensions"] == {"code": "UNAVAILABLE", "status": 503}


def test_readiness_fails_while_liveness_holds(stranded: OrdoServer) -> None:
    assert httpx.get(f"{stranded.url}/readyz", timeout=10).status_code == 503
    assert httpx.get(f"{stranded.url}/healthz", timeout=10).status_code == 200


def test_a_persisted_hash_looked_up_in_the_store_answers_503_in_graphqls_shape(
    stranded: OrdoServer,
) -> None:
    # The hash is looked up before any GraphQL runs: the edge answers, in the API's shape.
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": "ab" * 32}}
    answer = httpx.post(f"{stranded.url}/graphql", json={"extensions": persisted}, timeout=10)
    assert answer.status_code == 503
    assert answer.json()["errors"][0]["extensions"] == {"code": "UNAVAILABLE", "status": 503}

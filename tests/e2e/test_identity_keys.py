"""RS256 tokens checked against a JWKS (SPEC §9): from a file and from an http URL, reloaded
when a token names an unknown `kid`, at most once per cooldown; and the legacy REST routes
behind ORDO_REST_REQUIRE_SERVICE_TOKEN."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import ADMIN_TOKEN, OrdoServer, running, unique
from tests.tokens import AUDIENCE, ISSUER, JWT_ENV, RsaKeys, bearer, hs256

READ_ME = "mutation { createOrder { order { ownerId } errors { code } } }"


def owner_or_code(url: str, token: str) -> str:
    """The owner of an order the token creates, or the code it is refused with (a token that
    does not verify is refused at the edge, before the document: SPEC §9)."""
    body = {"query": READ_ME}
    answer = httpx.post(f"{url}/graphql", json=body, headers=bearer(token), timeout=30).json()
    if "errors" in answer:
        return str(answer["errors"][0]["extensions"]["code"])
    made = answer["data"]["createOrder"]
    return str(made["order"]["ownerId"] if made["order"] else made["errors"][0]["code"])


class JwksHost:
    """A JWKS on 127.0.0.1, counting how often it is fetched."""

    def __init__(self, keys: RsaKeys) -> None:
        self.keys, self.fetches = keys, 0
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host.fetches += 1
                body = json.dumps(host.keys.jwks()).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/jwks.json"

    def __enter__(self) -> JwksHost:
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.shutdown()
        self.http.server_close()


def jwks_env(source: str, cooldown: str) -> dict[str, str]:
    return {
        "ORDO_JWT_JWKS": source,
        "ORDO_JWT_AUDIENCE": AUDIENCE,
        "ORDO_JWT_ISSUER": ISSUER,
        "ORDO_JWT_JWKS_COOLDOWN": cooldown,
    }


def test_rs256_tokens_from_a_jwks_file_and_a_rotated_key_after_the_cooldown() -> None:
    keys = RsaKeys()
    keys.rotate()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "jwks.json"
        path.write_text(json.dumps(keys.jwks()))
        server = OrdoServer(None, env=jwks_env(str(path), "1"))
        with running(server):
            user_id = unique("u")
            assert owner_or_code(server.url, keys.token(user_id)) == user_id
            # An HS256 token: this server holds only the JWKS, so no key of its own verifies it.
            assert owner_or_code(server.url, hs256(user_id)) == "UNAUTHENTICATED"
            keys.rotate()
            path.write_text(json.dumps(keys.jwks()))
            time.sleep(1.2)
            assert owner_or_code(server.url, keys.token(user_id)) == user_id
            assert owner_or_code(server.url, keys.token(user_id, kid="k1")) == user_id


def test_a_jwks_url_is_fetched_again_for_an_unknown_kid_at_most_once_per_cooldown() -> None:
    keys = RsaKeys()
    keys.rotate()
    with JwksHost(keys) as host:
        server = OrdoServer(None, env=jwks_env(host.url, "3600"))
        with running(server):
            user_id = unique("u")
            assert owner_or_code(server.url, keys.token(user_id)) == user_id
            assert host.fetches == 1
            keys.rotate()  # published, but within the cooldown: not fetched again
            for _ in range(5):
                assert owner_or_code(server.url, keys.token(user_id)) == "UNAUTHENTICATED"
            assert host.fetches == 1
    keys = RsaKeys()
    keys.rotate()
    with JwksHost(keys) as host:
        server = OrdoServer(None, env=jwks_env(host.url, "0.5"))
        with running(server):
            assert owner_or_code(server.url, keys.token("u1")) == "u1"
            keys.rotate()
            time.sleep(0.7)
            assert owner_or_code(server.url, keys.token("u1")) == "u1"
            assert host.fetches == 2


# --- legacy REST ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded() -> Iterator[OrdoServer]:
    env = {**JWT_ENV, "ORDO_REST_REQUIRE_SERVICE_TOKEN": "true"}
    server = OrdoServer(None, env=env)
    with running(server):
        yield server


REST_CALLERS = {
    "no token": ({}, 401),
    "customer": (bearer(hs256("u1")), 403),
    "expired service": (bearer(hs256("billing", role="service", lifetime=-60)), 401),
    "service": (bearer(hs256("billing", role="service")), 200),
    "ORDO_ADMIN_TOKEN": (bearer(ADMIN_TOKEN), 200),
}


@pytest.mark.parametrize("caller", REST_CALLERS)
def test_rest_behind_the_switch_answers_only_service_tokens(
    guarded: OrdoServer, caller: str
) -> None:
    headers, status = REST_CALLERS[caller]
    made = httpx.post(f"{guarded.url}/orders", json={}, headers=headers)
    assert made.status_code == status, made.text
    if status == 200:
        order_id = made.json()["orderId"]
        read = httpx.get(f"{guarded.url}/orders/{order_id}", headers=headers)
        assert read.json() == {"status": "in progress"}
    else:
        assert made.json()["error"]["code"] == ("UNAUTHENTICATED" if status == 401 else "FORBIDDEN")
        read = httpx.get(f"{guarded.url}/orders/{unique('o')}", headers=headers)
        closed = httpx.post(
            f"{guarded.url}/orders/x", json={"new status": "cancel"}, headers=headers
        )
        assert read.status_code == closed.status_code == status


def test_rest_without_the_switch_answers_without_a_token() -> None:
    server = OrdoServer(None, env=JWT_ENV)
    with running(server):
        made = httpx.post(f"{server.url}/orders", json={})
        assert made.status_code == 200

"""Media type negotiation of GraphQL responses (ordo/media.py, SPEC §5)."""

from __future__ import annotations

import pytest

from ordo.media import GRAPHQL_RESPONSE, JSON, negotiate


@pytest.mark.parametrize(
    ("accept", "served"),
    [
        ("", JSON),
        ("application/json", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("text/html,application/xhtml+xml,*/*;q=0.8", JSON),  # a browser
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        ("Application/GraphQL-Response+JSON", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", JSON),  # equal: the one named first
        (f"application/json;q=0.5, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.1, */*", JSON),
        (f"*/*, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),  # named beats a wildcard
        ("application/json;q=0, */*", GRAPHQL_RESPONSE),  # the most specific range decides
        ("multipart/mixed", JSON),  # Strawberry's streaming transports
        ("text/event-stream", JSON),
        ("text/html", None),
        ("image/png", None),
        ("application/json;q=0", None),
        ("application/json;q=nope", None),
    ],
)
def test_the_response_is_served_as_the_client_prefers(accept: str, served: str | None) -> None:
    assert negotiate(accept) == served

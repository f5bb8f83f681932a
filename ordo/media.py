"""Which media type a GraphQL response is served as, from the request's Accept (GraphQL over
HTTP: application/graphql-response+json when the client accepts it, application/json as
before for everyone else)."""

from __future__ import annotations

from functools import lru_cache

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# Strawberry's incremental and subscription transports: they answer by their own rules.
STREAMING = ("multipart/mixed", "text/event-stream")


@lru_cache(maxsize=256)
def negotiate(accept: str) -> str | None:
    """The media type to answer in; None when the Accept allows neither of GraphQL's JSON types.

    Each type gets the quality of the most specific range naming it (RFC 9110 §12.5.1); the
    higher quality wins, then a type named over one reached by a wildcard, then the one named
    first. A wildcard alone (`*/*`, `application/*`) and no Accept at all are application/json,
    the answer of clients written before the new type."""
    if not accept.strip() or accept == JSON:
        return JSON
    ranges = _ranges(accept)
    ranked = []
    for candidate in (GRAPHQL_RESPONSE, JSON):
        matches = [
            (specificity, -position, q)
            for position, (media, q) in enumerate(ranges)
            if (specificity := _specificity(media, candidate)) >= 0
        ]
        if matches:
            specificity, position, q = max(matches)
            if q > 0:
                ranked.append((q, specificity, position, candidate == JSON, candidate))
    if ranked:
        return max(ranked)[-1]
    return JSON if any(kind in accept.lower() for kind in STREAMING) else None


def _ranges(accept: str) -> list[tuple[str, float]]:
    """(media range, quality) of each part; a part whose quality does not read is left out."""
    found = []
    for part in accept.split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = -1.0
        if media and 0 <= q <= 1:
            found.append((media.lower(), q))
    return found


def _specificity(media: str, candidate: str) -> int:
    """2: the type itself, 1: its `application/*`, 0: `*/*`, -1: another type."""
    if media == candidate:
        return 2
    if media == "application/*":
        return 1
    return 0 if media == "*/*" else -1

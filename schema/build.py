"""The served schema, with the extensions that make it fast and safe."""

from __future__ import annotations

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from schema.limits import MAX_TOKENS, VALIDATION_RULES
from schema.mutation import Mutation
from schema.prepared import PreparedSchema
from schema.query import Query
from schema.scalars import SCALARS


def build_schema(*, introspection: bool = True, prepared: bool = True) -> strawberry.Schema:
    """Each extension costs every request a hook, so there are few, and errors are masked by
    the HTTP view (ordo/graphql.py), which touches only a result that has errors."""
    # Extra validation rules are fixed classes: ValidationCache keys on them, so a rule made
    # anew per request would defeat the cache (strawberry issue #4635).
    rules = [*VALIDATION_RULES, *([] if introspection else [NoSchemaIntrospectionCustomRule])]
    # Prepared: documents already run once skip graphql-core's generic executor (the bulk of
    # a hot mutation's CPU); `prepared=False` is the generic path alone, for comparison tests.
    kind = PreparedSchema if prepared else strawberry.Schema
    return kind(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=[
            lambda: AddValidationRules(rules),
            # A fixed parse option: ParserCache keys on it, and the parser stops at the limit.
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            # Measured on these machines: caching parse and validation makes a small
            # mutation about six times faster.
            lambda: ParserCache(maxsize=1024),
            lambda: ValidationCache(maxsize=1024),
        ],
    )

"""The served schema, with the extensions that make it fast and safe."""

from __future__ import annotations

from graphql import ASTValidationRule
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from schema.cost import DEFAULT_MAX_QUERY_COST, CostBook, cost_rule
from schema.limits import MAX_TOKENS, VALIDATION_RULES
from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import SCALARS
from schema.served import PreparedServedSchema, ServedSchema
from schema.subscription import Subscription


def build_schema(
    *,
    introspection: bool = True,
    prepared: bool = True,
    max_query_cost: int = DEFAULT_MAX_QUERY_COST,
) -> ServedSchema:
    """Each extension costs every request a hook, so there are few, and errors are masked by
    the HTTP view (ordo/graphql.py), which touches only a result that has errors."""
    # Extra validation rules are fixed classes: ValidationCache keys on them, so a rule made
    # anew per request would defeat the cache (strawberry issue #4635). The cost rule is made
    # once here, for this schema's limit.
    rules: list[type[ASTValidationRule]] = [
        *VALIDATION_RULES,
        *([] if introspection else [NoSchemaIntrospectionCustomRule]),
    ]
    # Prepared: documents already run once skip graphql-core's generic executor (the bulk of
    # a hot mutation's CPU); `prepared=False` is the generic path alone, for comparison tests.
    kind = PreparedServedSchema if prepared else ServedSchema
    schema = kind(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
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
    schema.costs = CostBook(schema._schema, max_query_cost)
    rules.append(cost_rule(schema.costs))
    return schema

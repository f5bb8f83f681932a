"""The served schema, with the extensions that make it fast and safe."""

from __future__ import annotations

from graphql import ASTValidationRule
from graphql.validation import NoSchemaIntrospectionCustomRule
from graphql.validation.rules import overlapping_fields_can_be_merged
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from engine import Engine
from schema.cost import DEFAULT_MAX_QUERY_COST, CostBook
from schema.gate import Gate
from schema.limits import MAX_FIELD_COMPARISONS, MAX_TOKENS
from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import KEPT_TEXTS, SCALARS
from schema.served import ServedSchema
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
    # anew per request would defeat the cache (strawberry issue #4635). The limits on a
    # document's shape and cost are not rules: the gate (schema/gate.py) checks them before
    # validation, whose own work they bound.
    rules: list[type[ASTValidationRule]] = (
        [] if introspection else [NoSchemaIntrospectionCustomRule]
    )
    schema = ServedSchema(
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
    # graphql-core's overlapping-fields rule stops at a budget of comparisons: 500,000 by
    # default, half a second of one worker here (800 fragments spread side by side). Every
    # document of ordo's own and GraphiQL's introspection spends under 10.
    overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = MAX_FIELD_COMPARISONS
    schema.gate = Gate(schema._schema, CostBook(schema._schema, max_query_cost))
    # Prepared: documents already run once skip graphql-core's generic executor (the bulk of
    # a hot mutation's CPU); `prepared=False` is the generic path alone, for comparison tests.
    if prepared:
        schema.engine = Engine(schema, max_tokens=MAX_TOKENS, kept_texts=KEPT_TEXTS)
    return schema

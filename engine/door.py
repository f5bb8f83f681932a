"""The engine behind its door: one schema's plans, learned from the documents it has run.

graphql-jit's `compileQuery` compiles a document its caller hands it; here the caller also
keeps what the engine learned. The way of a document, the same for every caller:

1. Its first request is run by the generic path (Strawberry and graphql-core). When that run
   parsed, validated and executed it without a request error, the caller calls `learn`: the
   document is compiled into a plan, or marked as the generic path's for good (it uses what
   plans leave to it: engine/DIFFERENCES.md).
2. Every later request of it is `execute`d from its plan, which answers exactly what the
   generic path would, or None where the generic path must answer (variables graphql-core
   must coerce, a query that met an error, an operation type the request may not run).

So a document's first answer and its later ones come from two paths: tests/engine holds them
to one answer. On library versions other than those it was written for (engine/compat) the
engine never learns, and every request takes the generic path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLField, GraphQLSchema, parse
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from engine.compat import untested
from engine.giveup import GiveUp

if TYPE_CHECKING:
    from engine.arguments import FastCall
    from engine.shapes import Plan

log = logging.getLogger("engine")
Key = tuple[str, str | None]  # a document's text and the operation name it is run with


class Engine:
    """The prepared plans of one schema's documents (a Strawberry schema, or graphql-core's
    own: then every resolver is called as graphql-core calls it, with no argument conversion
    compiled). `max_tokens`: the parser's limit, as the generic path parses; `kept_texts`: the
    scalar serializers whose texts are kept by value, each with the class it keeps them for
    (engine/leaves.py)."""

    max_plans = 1024  # like ParserCache: a client sending ever new documents gets no plans

    def __init__(
        self,
        schema: strawberry.Schema | GraphQLSchema,
        *,
        max_tokens: int,
        kept_texts: Mapping[Callable[[Any], Any], type] | None = None,
    ) -> None:
        self.max_tokens = max_tokens
        self._plans: dict[Key, Plan | None] = {}  # None: the generic path's for good
        self.untested = untested()
        if self.untested:
            log.warning(
                "the GraphQL engine is off, every request takes the generic path: untested %s",
                ", ".join(self.untested),
            )
            return
        # Only on the versions it was written for: the engine's modules import their private
        # names (engine/compat), which another version may not have.
        from engine.compat.strawberry import ALLOWED_BY_DEFAULT
        from engine.leaves import Leaves
        from engine.run import run_plan

        self._run_plan = run_plan
        self._allowed_by_default = ALLOWED_BY_DEFAULT
        self._leaves = Leaves(kept_texts)
        self._graphql, self._calls = _served(schema)

    def plan(self, query: str, operation_name: str | None) -> Plan | None:
        """The document's plan, once learned (None: not learned, or the generic path's)."""
        return self._plans.get((query, operation_name))

    async def execute(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        context: Any,
        root: Any,
        operation_name: str | None,
        allowed: Iterable[OperationType] | None = None,
    ) -> ExecutionResult | None:
        """The request's answer from its document's plan; None: the generic path answers.
        `allowed`: the operation types the request may run (Strawberry's default if None)."""
        plan = self._plans.get((query or "", operation_name))
        if plan is None:
            return None
        if OperationType(plan.operation_type.value) not in (allowed or self._allowed_by_default):
            return None
        return await self.run(plan, context, root, variables or {})

    async def run(
        self, plan: Plan, context: Any, root: Any, variables: dict[str, Any]
    ) -> ExecutionResult | None:
        return await self._run_plan(self._graphql, plan, context, root, variables)

    def learn(self, query: str | None, operation_name: str | None) -> None:
        """After the generic path ran the document without a request error: its plan from the
        next request on (once per document, at most max_plans documents)."""
        key = (query or "", operation_name)
        if not query or self.untested or key in self._plans or len(self._plans) >= self.max_plans:
            return
        try:
            self._plans[key] = self.compile(query, operation_name)
        except GiveUp as reason:
            self._plans[key] = None
            log.debug("graphql document left to the generic path: %s", reason)

    def compile(self, query: str, operation_name: str | None) -> Plan:
        """The plan of a valid document, learned or not; GiveUp where it uses what plans leave
        to the generic path."""
        if self.untested:
            raise GiveUp("untested library versions")
        from engine.plans import compile_plan

        document = parse(query, max_tokens=self.max_tokens)
        return compile_plan(self._graphql, document, operation_name, self._calls, self._leaves)


def _served(
    schema: strawberry.Schema | GraphQLSchema,
) -> tuple[GraphQLSchema, Callable[[GraphQLField], FastCall | None]]:
    """The graphql-core schema plans run on, and each field's fast call."""
    if isinstance(schema, GraphQLSchema):
        return schema, _no_call
    from engine.arguments import fast_call
    from engine.compat.strawberry import graphql_schema, scalar_registry

    registry = scalar_registry(schema)
    if schema.exception_handlers:  # Strawberry's resolver wrapper applies them
        return graphql_schema(schema), _no_call
    return graphql_schema(schema), lambda field: fast_call(field, schema.config, registry)


def _no_call(field: GraphQLField) -> FastCall | None:
    return None

"""What every served schema adds to Strawberry's, on the prepared and the generic path and for
subscriptions alike: one operation per request, every document through the gate
(schema/gate.py: linear checks, then its cost) before Strawberry parses and validates it, its
cost reported, and a document that does not parse answered as an error on every path. And,
when it has one, its engine (engine/): a document's plan answers where the engine has one."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from engine import Engine
from schema.gate import Gate


class _NamedOperation(ExecutionContext):
    """The operation as the request names it. Strawberry falls back to the document's first
    operation, so a document of several ran its first; graphql-core, given None, refuses it
    as the GraphQL spec says ("Must provide operation name…")."""

    @property
    def operation_name(self) -> str | None:
        return self._provided_operation_name


class ServedSchema(strawberry.Schema):
    gate: Gate  # set by schema/build.py
    engine: Engine | None = None  # set by schema/build.py, unless prepared plans are off

    def _create_execution_context(self, *args: Any, **kwargs: Any) -> ExecutionContext:
        context = super()._create_execution_context(*args, **kwargs)
        context.__class__ = _NamedOperation
        return context

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        refused, requested = self._admit(query, operation_name, variable_values)
        if refused is not None:
            return refused
        engine = self.engine
        result = None
        if engine is not None:
            args = (query, variable_values, context_value, root_value, operation_name)
            result = await engine.execute(*args, allowed_operation_types)
            if result is not None and result.errors:
                self.process_errors(result.errors)
        if result is None:
            result = await super().execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
            if engine is not None and result.data is not None:
                # Parsed, validated and run: the engine answers the document from here on.
                engine.learn(query, operation_name)
        if requested is not None:
            result.extensions = {
                **(result.extensions or {}),
                "cost": self.gate.book.report(requested),
            }
        return result

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> Any:
        """Subscriptions (and any streamed operation) pass the same gate; a refusal is the
        one result of the stream, which graphql-transport-ws sends as an `error` message."""
        refused, _ = self._admit(query, operation_name, variable_values)
        if refused is not None:
            return _one(PreExecutionError(None, refused.errors, refused.extensions))
        return await super().stream(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            operation_extensions,
            allowed_operation_types,
        )

    def _admit(
        self, query: str | None, name: str | None, variables: dict[str, Any] | None
    ) -> tuple[ExecutionResult | None, int | None]:
        """The refusal of a document the gate turns away, or the request's cost."""
        verdict = self.gate.verdict(query) if query else None
        if verdict is None:
            return None, None  # no document, or one that does not parse: Strawberry says so
        if verdict.refusal is not None:
            return self._refused(verdict.refusal, verdict.requested), None
        cost = verdict.operation(name)
        requested = None if cost is None else cost.of(variables)
        # A `first` given as a variable: this request's value decides (the gate refused what
        # costs too much whatever the variables).
        if (
            cost is not None
            and cost.scaled
            and requested is not None
            and requested > self.gate.book.limit
        ):
            return self._refused(self.gate.book.refusal(requested), requested), None
        return None, requested

    async def _prepare_operation_async(
        self, context: ExecutionContext, extensions_runner: SchemaExtensionsRunner
    ) -> PreExecutionError | None:
        # ParserCache parses in its hook, outside Strawberry's guard of the parse: `execute`
        # answered the syntax error by its catch-all, `stream` let it escape and the socket
        # sent a bare `complete` (and logged a traceback).
        try:
            return await super()._prepare_operation_async(context, extensions_runner)
        except GraphQLError as error:
            context.pre_execution_errors = [error]
            return PreExecutionError(data=None, errors=[error])

    def _refused(self, error: GraphQLError, requested: int | None) -> ExecutionResult:
        self.process_errors([error])
        extensions = None if requested is None else {"cost": self.gate.book.report(requested)}
        return ExecutionResult(None, [error], extensions)


async def _one(result: ExecutionResult) -> AsyncGenerator[ExecutionResult, None]:
    yield result

"""What every served schema adds to Strawberry's, on the prepared and the generic path alike:
one operation per request, the query cost (schema/cost.py) checked and reported, and a document
that does not parse answered as an error on every path (HTTP and WebSocket alike)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.schema import StreamResult
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from schema.cost import CostBook
from schema.prepared import PreparedSchema


class _NamedOperation(ExecutionContext):
    """The operation as the request names it. Strawberry falls back to the document's first
    operation, so a document of several ran its first; graphql-core, given None, refuses it
    as the GraphQL spec says ("Must provide operation name…")."""

    @property
    def operation_name(self) -> str | None:
        return self._provided_operation_name


class ServedSchema(strawberry.Schema):
    costs: CostBook  # set by schema/build.py, with the rule that checks the same costs

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
        requested, refused = self._priced(query, operation_name, variable_values)
        if refused is not None:
            return refused
        result = await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )
        if requested is not None:
            result.extensions = {**(result.extensions or {}), "cost": self.costs.report(requested)}
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
    ) -> StreamResult:
        """A WebSocket's operation: held to the same cost as over HTTP (the validation rule
        runs inside; this request's `first` variables are checked here, as in `execute`)."""
        _, refused = self._priced(query, operation_name, variable_values)
        if refused is not None:
            return _first_of(refused)
        return await super().stream(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            operation_extensions,
            allowed_operation_types,
        )

    def _priced(
        self, query: str | None, operation_name: str | None, variables: dict[str, Any] | None
    ) -> tuple[int | None, ExecutionResult | None]:
        """The request's cost (None: the document holds no operation the request names), and
        its refusal when this request's variables take it over the limit: a `first` given as
        a variable scales it, and this request's value decides (the validation rule, cached,
        refused what costs too much whatever the variables)."""
        cost = self.costs.operation(query, operation_name)
        if cost is None:
            return None, None
        requested = cost.of(variables)
        if cost.scaled and requested > self.costs.limit:
            return requested, self._refused(requested)
        return requested, None

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

    def _refused(self, requested: int) -> ExecutionResult:
        errors = [self.costs.refusal(requested)]
        self.process_errors(errors)
        return ExecutionResult(None, errors, {"cost": self.costs.report(requested)})


async def _first_of(refused: ExecutionResult) -> StreamResult:
    """A refusal as a stream's only result: an error before execution, as the socket sends it."""
    yield PreExecutionError(refused.data, refused.errors, refused.extensions)


class PreparedServedSchema(ServedSchema, PreparedSchema):
    """The served schema running documents seen before from their plans."""

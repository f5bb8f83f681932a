"""What every served schema adds to Strawberry's, on the prepared and the generic path alike:
one operation per request, and the query cost (schema/cost.py) checked and reported."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry.types import ExecutionContext, ExecutionResult
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
        cost = self.costs.operation(query, operation_name)
        requested = None if cost is None else cost.of(variable_values)
        # A `first` given as a variable: this request's value decides (the validation rule,
        # cached, refused what costs too much whatever the variables).
        if (
            cost is not None
            and cost.scaled
            and requested is not None
            and requested > self.costs.limit
        ):
            return self._refused(requested)
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

    def _refused(self, requested: int) -> ExecutionResult:
        errors = [self.costs.refusal(requested)]
        self.process_errors(errors)
        return ExecutionResult(None, errors, {"cost": self.costs.report(requested)})


class PreparedServedSchema(ServedSchema, PreparedSchema):
    """The served schema running documents seen before from their plans."""

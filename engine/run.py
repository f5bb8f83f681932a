"""Running a plan: documents already run once are executed from a plan of their fields.

graphql-core's executor is general: for every request it builds an executor and enters five
extension hooks, and for every field it builds a ResolveInfo, runs Strawberry's resolver
wrapper and checks the value's type. For ordo's hot mutations that was most of a request's CPU
(docs/performance.md). A document the generic path has parsed, validated and run without a
request error is compiled once into a plan of its selections; later requests with the same
document and operation name run the plan. Variables and arguments are still coerced by
graphql-core's own functions and fields still resolve through the resolvers graphql-core would
call (Strawberry's wrappers, or the same call with compiled argument conversion:
engine/arguments.py); only the walk over the selections (engine/plans.py) is done here.

What stays the generic path's (documents never compiled): directives, fragments whose type
condition is not the object type itself, repeated response keys, introspection fields,
subscriptions. A query that meets any error is run again by the generic path, so its answer
is graphql-core's own; a mutation cannot be run twice, so its field errors are located and
propagated here as graphql-core does (null up to the nearest nullable field).
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Mapping
from typing import Any, TypeGuard

from graphql import (
    GraphQLError,
    GraphQLLeafType,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationType,
    Undefined,
    get_argument_values,
    get_variable_values,
    located_error,
)
from graphql.pyutils import Path, is_awaitable
from strawberry.types import ExecutionResult

from engine.compat.graphql_core import leaf_null, not_iterable, null_error, resolve_info
from engine.giveup import GiveUp
from engine.plain import REGULAR, regular
from engine.shapes import Plan, Shape, Step


def _is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    """graphql-core's test (an `__await__` attribute), after the class's (engine/plain.py)."""
    return type(value) not in REGULAR and is_awaitable(value)


def _discard(value: Awaitable[Any]) -> None:
    close = getattr(value, "close", None)  # a coroutine never awaited would warn
    if close is not None:
        close()


class Run:
    """One execution of a plan."""

    def __init__(
        self, schema: GraphQLSchema, plan: Plan, context: Any, root: Any, variables: Any
    ) -> None:
        self.schema = schema
        self.plan = plan
        self.context = context
        self.root = root
        self.variables = variables
        self.errors: list[GraphQLError] = []
        self.rerun_on_error = plan.operation_type == OperationType.QUERY

    async def execute(self) -> Any:
        """The data; GiveUp from a query that met an error (the generic path answers it)."""
        try:
            return await self.object(self.plan.root, self.root, None)
        except GiveUp:
            if self.rerun_on_error:
                raise
            return None  # a non-null root field failed

    def info(self, step: Step, path: Path) -> GraphQLResolveInfo[Any]:
        return resolve_info(
            step.node.name.value,
            [step.node],
            step.definition.type,
            step.parent,
            path,
            self.schema,
            self.plan.fragments,
            self.root,
            self.plan.operation,
            self.variables,
            self.context,
            _is_awaitable,
        )

    async def object(self, shape: Shape, source: Any, path: Path | None) -> dict[str, Any]:
        assert shape.object_type is not None
        typename = shape.object_type.name
        data: dict[str, Any] = {}
        for step in shape.fields:
            try:
                if step.typename:
                    data[step.key] = typename
                    continue
                if step.attribute is not None:
                    value = getattr(source, step.attribute)
                    leaf = step.shape.leaf
                    if leaf is not None and value is not None and regular(value):
                        # complete's leaf branch, with no Path made (a Path is only read on
                        # an error, and made then, below).
                        data[step.key] = self.leaf(leaf, value)
                        continue
                    at = Path(path, step.key, typename)
                elif step.basic:
                    at = Path(path, step.key, typename)
                    value = step.definition.resolve(source, None)  # type: ignore[misc]
                else:
                    at = Path(path, step.key, typename)
                    value = self.resolve(step, source, at)
                if _is_awaitable(value):
                    value = await value
                if step.shape.sync:  # no coroutine per object and list below this field
                    data[step.key] = self.completed(step, at, value)
                    continue
                if step.plain is not None:
                    try:
                        data[step.key] = step.plain(value)
                        continue
                    except Exception:  # GiveUp, or an error the completion below locates
                        pass
                completed = self.complete(step.shape, step, at, value)
                data[step.key] = await completed if _is_awaitable(completed) else completed
            except Exception as raw:
                data[step.key] = self.failed(raw, step, step.shape, Path(path, step.key, typename))
        return data

    def object_sync(self, shape: Shape, source: Any, path: Path | None) -> dict[str, Any]:
        """`object` for a shape whose fields all resolve without awaiting (Shape.sync)."""
        assert shape.object_type is not None
        typename = shape.object_type.name
        data: dict[str, Any] = {}
        for step in shape.fields:
            try:
                if step.typename:
                    data[step.key] = typename
                    continue
                if step.attribute is not None:
                    value = getattr(source, step.attribute)
                    leaf = step.shape.leaf
                    if leaf is not None and value is not None and regular(value):
                        data[step.key] = self.leaf(leaf, value)
                        continue
                    at = Path(path, step.key, typename)
                else:
                    at = Path(path, step.key, typename)
                    value = self.resolve(step, source, at)
                if _is_awaitable(value):
                    _discard(value)
                    raise TypeError(f"{step.parent}.{step.node.name.value} answered an awaitable")
                data[step.key] = self.completed(step, at, value)
            except Exception as raw:
                data[step.key] = self.failed(raw, step, step.shape, Path(path, step.key, typename))
        return data

    def completed(self, step: Step, at: Path, value: Any) -> Any:
        """complete_sync's answer, by the step's plain closures where it has them."""
        if step.plain is not None:
            try:
                return step.plain(value)
            except Exception:  # GiveUp, or an error complete_sync locates
                pass
        return self.complete_sync(step.shape, step, at, value)

    def complete_sync(self, shape: Shape, step: Step, at: Path, value: Any) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None:
            if shape.nullable:
                return None
            raise null_error(step.parent, step.node.name.value)
        if shape.leaf is not None:
            return self.leaf(shape.leaf, value)
        if shape.item is not None:
            return self.items_sync(shape.item, step, at, value)
        return self.object_sync(shape, value, at)

    def items_sync(self, item: Shape, step: Step, at: Path, value: Any) -> list[Any]:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise GraphQLError(not_iterable(step.parent, step.node.name.value))
        completed = []
        for index, entry in enumerate(value):
            here = Path(at, index, None)
            try:
                completed.append(self.complete_sync(item, step, here, entry))
            except Exception as raw:
                completed.append(self.failed(raw, step, item, here))
        return completed

    def resolve(self, step: Step, source: Any, at: Path) -> Any:
        arguments = self.arguments(step) if step.definition.args else {}
        if step.call is not None:
            info = self.info(step, at) if step.call.needs_info else None
            return step.call.run(source, info, arguments)
        return step.definition.resolve(source, self.info(step, at), **arguments)  # type: ignore[misc]

    def arguments(self, step: Step) -> dict[str, Any]:
        """The field's arguments: taken from the variables where each is a variable given a
        value that may stand there (graphql-core's answer then), else graphql-core's own."""
        if step.variables is not None:
            coerced = self.variables.coerced
            arguments = {}
            for out_name, variable, non_null in step.variables:
                value = coerced.get(variable, Undefined)
                if value is Undefined or (value is None and non_null):
                    break  # a default, or an error, for graphql-core to give
                arguments[out_name] = value
            else:
                return arguments
        return get_argument_values(step.definition, step.node, self.variables)

    def failed(self, raw: Exception, step: Step, shape: Shape, at: Path) -> Any:
        """A field's failure: a query gives up (GiveUp) at once, for the generic path to answer;
        a mutation keeps the error and nulls up to the nearest nullable field, its GiveUp
        carrying a non-null field's null up (the error already kept below)."""
        if self.rerun_on_error:
            raise GiveUp from raw
        if not isinstance(raw, GiveUp):
            self.errors.append(located_error(raw, [step.node], at.as_list()))
        if shape.nullable:
            return None
        raise GiveUp from raw

    def complete(self, shape: Shape, step: Step, at: Path, value: Any) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None:
            if shape.nullable:
                return None
            raise null_error(step.parent, step.node.name.value)
        if shape.leaf is not None:
            return self.leaf(shape.leaf, value)
        if shape.item is not None:
            return self.items(shape.item, step, at, value)
        if shape.union is not None:
            return self.member(shape, step, at, value)
        return self.object(shape, value, at)

    @staticmethod
    def leaf(type_: GraphQLLeafType, value: Any) -> Any:
        coerced = type_.coerce_output_value(value)
        if coerced is None or coerced is Undefined:
            raise leaf_null(type_, value, coerced)
        return coerced

    async def items(self, item: Shape, step: Step, at: Path, value: Any) -> list[Any]:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise GraphQLError(not_iterable(step.parent, step.node.name.value))
        completed = []
        for index, entry in enumerate(value):
            here = Path(at, index, None)
            try:
                one = self.complete(item, step, here, entry)
                completed.append(await one if _is_awaitable(one) else one)
            except Exception as raw:
                completed.append(self.failed(raw, step, item, here))
        return completed

    async def member(self, shape: Shape, step: Step, at: Path, value: Any) -> dict[str, Any]:
        assert shape.union is not None and shape.union.resolve_type is not None
        name = shape.union.resolve_type(value, self.info(step, at), shape.union)
        if _is_awaitable(name):
            name = await name
        if name not in shape.members:
            raise GraphQLError(f"{name!r} is not a member of {shape.union}")
        return await self.object(shape.members[name], value, at)


async def run_plan(
    schema: GraphQLSchema, plan: Plan, context: Any, root: Any, raw_variables: dict[str, Any]
) -> ExecutionResult | None:
    """The plan's result; None when the generic path must answer (variables that do not
    coerce, or a query that met an error)."""
    variables = plan.variables.coerce(raw_variables) or get_variable_values(
        schema, plan.operation.variable_definitions or (), raw_variables, max_errors=50
    )
    if isinstance(variables, list):
        return None
    run = Run(schema, plan, context, root, variables)
    try:
        data = await run.execute()
    except GiveUp:
        return None
    return ExecutionResult(data=data, errors=run.errors or None)

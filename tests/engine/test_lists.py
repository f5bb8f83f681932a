"""graphql-core's tests/execution/test_lists.py (3.3), ported: which values complete as lists,
and how nulls and errors in a list propagate for each of [T], [T]!, [T!] and [T!]!."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from graphql import build_schema

from tests.engine.harness import GAVE_UP, PLAN, Root, agree, agree_both, runnable


class Data:
    def __init__(self, value: Any) -> None:
        self.listField = value  # graphql-core's name


async def get_async(value: Any) -> Any:
    return value


def _schema(as_type: str) -> Any:
    return runnable(build_schema(f"type Query {{ listField: {as_type} }}"))


STRINGS = _schema("[String]")


def _generator() -> Iterator[Any]:
    yield "one"
    yield 2
    yield True


class _CustomIterable:
    def __iter__(self) -> _CustomIterable:
        self.last = "hello"
        return self

    def __next__(self) -> str:
        last = self.last
        if last == "stop":
            raise StopIteration
        self.last = "world" if last == "hello" else "stop"
        return last


def _args(*args: Any) -> tuple[Any, ...]:
    return args


# "accepts any iterable as list value": each root made anew per run (a generator runs once).
ITERABLES: dict[str, Root] = {
    "a list": lambda: Data(["apple", "banana", "coconut"]),
    "an empty list": lambda: Data([]),
    "a tuple": lambda: Data(("apple", "banana", "coconut")),
    "a set": lambda: Data({"apple", "banana", "coconut"}),
    "a generator": lambda: Data(_generator()),
    "a custom iterable": lambda: Data(_CustomIterable()),
    "function arguments": lambda: Data(_args("one", "two")),
}
# Not lists: an error at the field.
NOT_ITERABLES: dict[str, Root] = {"a string": lambda: Data("Singular")}


@pytest.mark.parametrize("root", ITERABLES.values(), ids=ITERABLES.keys())
async def test_any_iterable_is_a_list_value(root: Root) -> None:
    assert await agree_both(STRINGS, "{ listField }", root) == (PLAN, PLAN)


@pytest.mark.parametrize("root", NOT_ITERABLES.values(), ids=NOT_ITERABLES.keys())
async def test_what_is_not_iterable_is_an_error(root: Root) -> None:
    assert await agree_both(STRINGS, "{ listField }", root) == (GAVE_UP, PLAN)


@pytest.mark.parametrize("mutation", [False, True], ids=["query", "mutation"])
async def test_a_dict_is_not_a_list_value(mutation: bool) -> None:
    await agree(STRINGS, "{ listField }", lambda: Data({1: "one", 2: "two"}), mutation=mutation)


class _Breaking:
    """An iterator whose next raises on its second call ("drains the iterator when next throws")."""

    def __init__(self) -> None:
        self.calls = 0

    def __iter__(self) -> _Breaking:
        return self

    def __next__(self) -> str:
        self.calls += 1
        if self.calls == 1:
            return "ok"
        if self.calls == 2:
            raise RuntimeError("bad")
        raise StopIteration


async def test_an_iterator_that_raises_errs_at_its_field() -> None:
    assert await agree_both(STRINGS, "{ listField }", lambda: Data(_Breaking())) == (GAVE_UP, PLAN)


async def test_a_null_from_a_non_null_item_of_an_iterator_nulls_the_list() -> None:
    root = lambda: Data(iter((1, None, 2)))  # noqa: E731
    assert await agree_both(_schema("[Int!]"), "{ listField }", root) == (GAVE_UP, PLAN)


async def _async_generator() -> AsyncIterator[Any]:
    yield "two"
    yield 4
    yield False


@pytest.mark.xfail(strict=True, reason="engine/DIFFERENCES.md, Async iterables")
async def test_an_async_generator_is_a_list_value_as_a_mutation() -> None:
    await agree(STRINGS, "{ listField }", lambda: Data(_async_generator()), mutation=True)


async def test_an_async_generator_is_given_up_as_a_query() -> None:
    assert await agree(STRINGS, "{ listField }", lambda: Data(_async_generator())) == GAVE_UP


# "handles list nullability": each value, for each list type, given as itself and awaitable.
TYPES = ["[Int]", "[Int]!", "[Int!]", "[Int!]!"]
VALUES: dict[str, Any] = {
    "contains values": lambda: [1, 2],
    "contains null": lambda: [1, None, 2],
    "returns null": lambda: None,
    "contains error": lambda: [1, RuntimeError("bad"), 2],
    "results in errors": lambda: RuntimeError("bad"),
}
CLEAN = {("contains values", t) for t in TYPES} | {
    ("contains null", "[Int]"), ("contains null", "[Int]!"),
    ("returns null", "[Int]"), ("returns null", "[Int!]"),
}  # fmt: skip


@pytest.mark.parametrize("awaited", [False, True], ids=["value", "awaitable"])
@pytest.mark.parametrize("as_type", TYPES)
@pytest.mark.parametrize("name", VALUES)
async def test_list_nullability_answers_as_graphql_core(
    name: str, as_type: str, awaited: bool
) -> None:
    value = VALUES[name]
    root = (lambda: Data(get_async(value()))) if awaited else (lambda: Data(value()))
    query, mutation = await agree_both(_schema(as_type), "{ listField }", root)
    assert query == (PLAN if (name, as_type) in CLEAN else GAVE_UP)
    assert mutation == PLAN


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
@pytest.mark.xfail(strict=True, reason="engine/DIFFERENCES.md, Awaitable list items")
async def test_a_list_of_awaitables_as_a_mutation() -> None:
    root = lambda: Data([get_async(1), get_async(2)])  # noqa: E731
    try:
        await agree(_schema("[Int]"), "{ listField }", root, mutation=True)
    finally:
        gc.collect()  # the plan's coroutines, never awaited, warn here


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
async def test_a_list_of_awaitables_is_given_up_as_a_query() -> None:
    root = lambda: Data([get_async(1), get_async(2)])  # noqa: E731
    assert await agree(_schema("[Int]"), "{ listField }", root) == GAVE_UP
    gc.collect()

"""graphql-core's tests/execution/test_abstract.py and test_union_interface.py (3.3), ported
(their Dog, Cat and Person, their pets): how a value of an abstract type finds its runtime
type (resolve_type, or each member's is_type_of) and what happens when it does not.

A plan runs unions only; a document selecting an interface is declined (engine/DIFFERENCES.md).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
)

from tests.engine.harness import DECLINED, GAVE_UP, PLAN, agree, agree_both, runnable


class Dog(NamedTuple):
    name: str
    woofs: bool


class Cat(NamedTuple):
    name: str
    meows: bool


class Human(NamedTuple):
    name: str


PETS = lambda: [Dog("Odie", True), Cat("Garfield", False)]  # noqa: E731


def _is(kind: type) -> Any:
    return lambda value, _info: isinstance(value, kind)


def _schema(
    pets: Any = PETS, resolve_type: Any = None, is_type_of: bool = True, interface: bool = False
) -> GraphQLSchema:
    """Query.pets: [Pet], Pet a union of Dog and Cat (or an interface they implement)."""
    pet_interface = GraphQLInterfaceType("PetInterface", {"name": GraphQLField(GraphQLString)})
    interfaces = [pet_interface] if interface else []
    dog = GraphQLObjectType(
        "Dog",
        {"name": GraphQLField(GraphQLString), "woofs": GraphQLField(GraphQLBoolean)},
        interfaces=interfaces,
        is_type_of=_is(Dog) if is_type_of else None,
    )
    cat = GraphQLObjectType(
        "Cat",
        {"name": GraphQLField(GraphQLString), "meows": GraphQLField(GraphQLBoolean)},
        interfaces=interfaces,
        is_type_of=_is(Cat) if is_type_of else None,
    )
    human = GraphQLObjectType("Human", {"name": GraphQLField(GraphQLString)})
    pet = GraphQLUnionType("Pet", [dog, cat], resolve_type=resolve_type)
    if interface:
        pet_interface.resolve_type = resolve_type
    fields = {
        "pets": GraphQLField(
            GraphQLList(pet_interface if interface else pet), resolve=lambda *_: pets()
        ),
        "dog": GraphQLField(dog, resolve=lambda *_: pets()[0]),
    }
    return runnable(GraphQLSchema(GraphQLObjectType("Query", fields), types=[dog, cat, human]))


UNION = """
{
  pets {
    __typename
    ... on Dog { name woofs }
    ... on Cat { name meows }
  }
}
"""


def _by_class(value: Any, *_: Any) -> str:
    return type(value).__name__


async def test_is_type_of_resolves_the_runtime_type_of_a_union() -> None:
    assert await agree_both(_schema(), UNION) == (PLAN, PLAN)


async def test_resolve_type_resolves_the_runtime_type_of_a_union() -> None:
    schema = _schema(resolve_type=_by_class, is_type_of=False)
    assert await agree_both(schema, UNION) == (PLAN, PLAN)


async def test_resolve_type_may_be_async() -> None:
    async def resolve_type(value: Any, *_: Any) -> str:
        return type(value).__name__

    schema = _schema(resolve_type=resolve_type, is_type_of=False)
    assert await agree_both(schema, UNION) == (PLAN, PLAN)


async def test_a_member_selected_by_a_fragment_spread_and_typename_alone() -> None:
    document = "{ pets { kind: __typename ...DogFields } } fragment DogFields on Dog { name }"
    assert await agree_both(_schema(), document) == (PLAN, PLAN)


async def test_a_type_resolver_that_raises_errs_at_its_position() -> None:
    def resolve_type(*_: Any) -> str:
        raise RuntimeError("We are testing this error")

    schema = _schema(resolve_type=resolve_type, is_type_of=False)
    assert await agree_both(schema, UNION) == (GAVE_UP, PLAN)


async def test_a_value_no_member_claims_errs_as_a_query() -> None:
    schema = _schema(pets=lambda: [Dog("Odie", True), Human("Jon")])
    assert await agree(schema, UNION) == GAVE_UP


@pytest.mark.xfail(strict=True, reason="engine/DIFFERENCES.md, Abstract type errors")
async def test_a_value_no_member_claims_errs_as_a_mutation() -> None:
    schema = _schema(pets=lambda: [Dog("Odie", True), Human("Jon")])
    await agree(schema, UNION, mutation=True)


async def test_a_type_name_not_of_the_union_errs_as_a_query() -> None:
    schema = _schema(resolve_type=lambda *_: "Human", is_type_of=False)
    assert await agree(schema, UNION) == GAVE_UP


@pytest.mark.xfail(strict=True, reason="engine/DIFFERENCES.md, Abstract type errors")
async def test_a_type_name_not_of_the_union_errs_as_a_mutation() -> None:
    schema = _schema(resolve_type=lambda *_: "Human", is_type_of=False)
    await agree(schema, UNION, mutation=True)


@pytest.mark.xfail(strict=True, reason="engine/DIFFERENCES.md, is_type_of")
@pytest.mark.parametrize("mutation", [False, True], ids=["query", "mutation"])
async def test_an_object_its_type_does_not_claim_errs(mutation: bool) -> None:
    schema = _schema(pets=lambda: [Cat("Garfield", False)])
    await agree(schema, "{ dog { name } }", mutation=mutation)


async def test_an_interface_is_declined() -> None:
    schema = _schema(resolve_type=_by_class, interface=True)
    document = "{ pets { name ... on Dog { woofs } ... on Cat { meows } } }"
    assert await agree_both(schema, document) == (DECLINED, DECLINED)

"""The served schema keeps SPEC §5's contract (docs/contract.graphql, the SDL of docs/spec.md §5):
adding is allowed, breaking is not."""

from graphql import (
    build_client_schema,
    build_schema,
    find_breaking_changes,
    get_introspection_query,
)

from tests.e2e.conftest import Api
from tests.e2e.helpers import CONTRACT, SPEC


def test_contract_file_is_the_sdl_of_spec_section_5() -> None:
    # The contract file is the SDL block of SPEC §5 under its header comment, so neither can
    # change without the other.
    spec_sdl = SPEC.read_text().split("```graphql\n", 1)[1].split("```", 1)[0]
    header, sdl = CONTRACT.read_text().split("\n\n", 1)
    assert header.startswith("#")
    assert sdl == spec_sdl


async def test_served_schema_has_no_breaking_change_from_the_contract(api: Api) -> None:
    introspection = await api.graphql(get_introspection_query(descriptions=True))
    served = build_client_schema(introspection["data"])
    contract = build_schema(CONTRACT.read_text())
    assert find_breaking_changes(contract, served) == []


async def test_every_served_type_and_field_has_a_description(api: Api) -> None:
    introspection = await api.graphql(get_introspection_query(descriptions=True))
    missing = []
    for kind in introspection["data"]["__schema"]["types"]:
        if kind["name"].startswith("__") or kind["name"] in (
            "String",
            "Boolean",
            "Int",
            "ID",
            "Float",
        ):
            continue
        if not kind["description"]:
            missing.append(kind["name"])
        for field in (kind["fields"] or []) + (kind["inputFields"] or []):
            if not field["description"]:
                missing.append(f"{kind['name']}.{field['name']}")
    assert missing == []

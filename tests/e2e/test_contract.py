"""The served schema keeps SPEC §5's contract: adding is allowed, breaking is not."""

from pathlib import Path

from graphql import (
    build_client_schema,
    build_schema,
    find_breaking_changes,
    get_introspection_query,
)

from tests.e2e.conftest import Api

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contract.graphql"


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

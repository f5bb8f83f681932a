"""Settings are declared once (ordo/settings.py): loading, `ordo serve --help` and the README's
configuration table all follow the declarations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ordo.cli import app
from ordo.settings import declared, load_settings, shown

README = Path(__file__).resolve().parents[2] / "README.md"
_NAME = re.compile(r"`(ORDO_[A-Z_]+)`")


def readme_defaults(text: str) -> dict[str, str]:
    """Each ORDO_ variable of the README's configuration table, with its default cell."""
    table = text.split("## Configuration", 1)[1].split("\n\n", 2)[1]
    defaults = {}
    for row in table.splitlines():
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        for name in _NAME.findall(cells[0]):
            defaults[name] = cells[-1].replace("`", "")
        # a flag alone (--host, --workers) is the CLI's, not a setting
    return defaults


def default_problems(documented: dict[str, str]) -> list[str]:
    """Where the table and the declarations differ: names, or a default cell that does not
    begin with the declared default (as `shown` writes it)."""
    settings = {each.env: default for _, each, default in declared()}
    problems = [f"not in the README: {name}" for name in sorted(set(settings) - set(documented))]
    problems += [f"not a setting: {name}" for name in sorted(set(documented) - set(settings))]
    for name in sorted(set(settings) & set(documented)):
        value, cell = shown(settings[name]), documented[name]
        if not re.match(re.escape(value) + r"(?![\w.])", cell):
            problems.append(f"{name}: the README says {cell!r}, the default is {value}")
    return problems


def test_the_readme_table_lists_exactly_the_declared_settings_and_their_defaults() -> None:
    documented = readme_defaults(README.read_text(encoding="utf-8"))
    assert len(documented) > 20
    assert default_problems(documented) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda table: {**table, "ORDO_NOT_A_SETTING": "1"},
        lambda table: {k: v for k, v in table.items() if k != "ORDO_FEED_RETENTION"},
        lambda table: {**table, "ORDO_FEED_RETENTION": "86400 (1 day)"},
        lambda table: {**table, "ORDO_PERSISTED_MAX": "10000"},
        lambda table: {**table, "ORDO_GRAPHIQL": "false"},
    ],
    ids=["an extra row", "a missing row", "another default", "a longer number", "a switch"],
)
def test_the_readme_check_sees_a_table_out_of_step(change: object) -> None:
    documented = readme_defaults(README.read_text(encoding="utf-8"))
    assert default_problems(change(documented)) != []  # type: ignore[operator]


def test_unset_variables_load_as_their_declared_defaults() -> None:
    settings = load_settings({"ORDO_ADMIN_TOKEN": "x"})
    for name, _, default in declared():
        if name != "admin_token":
            assert getattr(settings, name) == default, name


@pytest.mark.parametrize(
    ("env", "field", "value"),
    [
        ({"ORDO_REDIS_URL": ""}, "redis_url", None),
        ({"ORDO_GRAPHIQL": "OFF"}, "graphiql", False),
        ({"ORDO_GRAPHIQL": "maybe"}, "graphiql", True),  # not a switch: the default holds
        ({"ORDO_REST_REQUIRE_SERVICE_TOKEN": "yes"}, "rest_require_service_token", True),
        ({"ORDO_PERSISTED_MAX": "0"}, "persisted_max", 1),
        ({"ORDO_FOLDED_ORDERS": "-3"}, "folded_orders", 0),
        ({"ORDO_CORS_ORIGINS": " https://a.test, ,https://b.test"}, "cors_origins",
         ("https://a.test", "https://b.test")),
        ({"ORDO_RESERVATION_TTL": ""}, "reservation_ttl", None),
        ({"ORDO_RESERVATION_TTL": "90"}, "reservation_ttl", 90.0),
        ({"ORDO_FEED_RETENTION": "1"}, "feed_retention", 1.0),
    ],
)  # fmt: skip
def test_variables_are_parsed_as_declared(env: dict[str, str], field: str, value: object) -> None:
    assert getattr(load_settings(env), field) == value


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"ORDO_REDIS_TIMEOUT": "soon"}, "ORDO_REDIS_TIMEOUT must be a number, not 'soon'"),
        ({"ORDO_MAX_QUERY_COST": "1.5"}, "ORDO_MAX_QUERY_COST must be a whole number"),
        ({"ORDO_MAX_WEBSOCKETS": "0"}, "ORDO_MAX_WEBSOCKETS must be a positive number"),
        ({"ORDO_FEED_RETENTION": "-1"}, "ORDO_FEED_RETENTION must be a positive number"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(env: dict[str, str], said: str) -> None:
    with pytest.raises(ValueError, match=re.escape(said)):
        load_settings(env)


def test_a_missing_admin_token_is_made_and_marked_as_made() -> None:
    made, given = load_settings({}), load_settings({"ORDO_ADMIN_TOKEN": "tok"})
    assert made.admin_token and made.admin_token_generated
    assert (given.admin_token, given.admin_token_generated) == ("tok", False)


def test_serve_help_lists_every_setting() -> None:
    shown_help = CliRunner().invoke(app, ["serve", "--help"], prog_name="ordo", terminal_width=200)
    assert shown_help.exit_code == 0
    assert [each.env for _, each, _ in declared() if each.env not in shown_help.output] == []

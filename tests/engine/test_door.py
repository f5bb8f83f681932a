"""The engine's door (engine/door.py): on library versions other than those it was written
for it refuses to prepare, says so once at start, and every request takes the generic path."""

from __future__ import annotations

import logging

import pytest

from engine import Engine, GiveUp, compat
from schema.build import build_schema

DOCUMENT = "{ __typename }"  # needs no store: a plan of the root type's name alone


async def _twice(engine_on: bool) -> tuple[list[object], bool]:
    schema = build_schema(prepared=engine_on)
    answers = [(await schema.execute(DOCUMENT)).data for _ in range(2)]
    return answers, schema.engine is not None and schema.engine.plan(DOCUMENT, None) is not None


async def test_a_document_run_once_is_planned_on_the_versions_written_for(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="engine"):
        answers, planned = await _twice(engine_on=True)
    assert answers == [{"__typename": "Query"}] * 2 and planned
    assert not caplog.records


@pytest.mark.parametrize("library", sorted(compat.WRITTEN_FOR))
async def test_on_another_version_the_engine_is_off_and_says_so_once(
    library: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = compat.installed
    monkeypatch.setattr(
        compat, "installed", lambda name: "99.0.0" if name == library else real(name)
    )
    with caplog.at_level(logging.WARNING, logger="engine"):
        answers, planned = await _twice(engine_on=True)
    assert answers == [{"__typename": "Query"}] * 2  # both from the generic path
    assert not planned
    (record,) = caplog.records
    written_for = compat.WRITTEN_FOR[library]
    assert f"untested {library} 99.0.0 (written for {written_for})" in record.getMessage()


def test_an_engine_that_is_off_compiles_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat, "installed", lambda name: None)
    engine = Engine(build_schema(prepared=False), max_tokens=100)
    assert engine.untested
    with pytest.raises(GiveUp):
        engine.compile(DOCUMENT, None)
    engine.learn(DOCUMENT, None)
    assert engine.plan(DOCUMENT, None) is None

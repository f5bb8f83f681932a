"""Reading mongoexport files (ordo/commands/mongoexport.py): both layouts, extended JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from ordo.commands.mongoexport import (
    ExportError,
    collection_of,
    read_documents,
    read_seed_files,
)


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_lines_array_and_pretty_documents_read_alike(tmp_path: Path) -> None:
    lines = written(tmp_path, "a.json", '{"_id": "x"}\n\n{"_id": "y"}\n')
    array = written(tmp_path, "b.json", '[\n  {"_id": "x"},\n  {"_id": "y"}\n]\n')
    pretty = written(tmp_path, "c.json", '{\n  "_id": "x"\n}\n{\n  "_id": "y"\n}\n')
    assert (
        read_documents(lines)
        == read_documents(array)
        == read_documents(pretty)
        == [{"_id": "x"}, {"_id": "y"}]
    )


def test_extended_json_wrappers_become_plain_values(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        "p.json",
        (
            '{"_id": {"$oid": "64b7f0c2a1b2c3d4e5f60718"}, "a": {"$numberInt": "5"},'
            ' "b": {"$numberLong": "6"}, "c": {"$numberDouble": "7.0"},'
            ' "d": {"$numberDouble": "7.5"},'
            ' "e": {"$numberDecimal": "8"}, "f": {"$date": "2026-01-01T00:00:00Z"}}'
        ),
    )
    assert read_documents(path) == [
        {
            "_id": "64b7f0c2a1b2c3d4e5f60718",
            "a": 5,
            "b": 6,
            "c": 7,
            "d": 7.5,
            "e": 8,
            "f": {"$date": "2026-01-01T00:00:00Z"},
        }
    ]


def test_broken_json_names_its_file(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"promos\.json: not mongoexport JSON"):
        read_documents(written(tmp_path, "promos.json", '{"_id": 1,'))


@pytest.mark.parametrize(
    ("name", "collection"),
    [("users.json", "users"), ("shop.promos.json", "promos"), ("orders.jsonl", "orders")],
)
def test_a_file_is_named_for_its_collection(name: str, collection: str) -> None:
    assert collection_of(Path(name)) == collection


def test_a_file_named_for_no_collection_is_refused() -> None:
    with pytest.raises(ExportError, match="name the file for its collection"):
        collection_of(Path("dump.json"))


def test_a_directory_gives_its_collections_labelled_by_file_place_and_id(tmp_path: Path) -> None:
    written(tmp_path, "users.json", '{"_id": "alice"}\n["not", "a", "user"]\n')
    written(tmp_path, "notes.txt", "ignored")
    docs = read_seed_files([tmp_path])
    assert docs.users == [
        ("users.json #1 (alice)", {"_id": "alice"}),
        ("users.json #2", ["not", "a", "user"]),
    ]
    assert (docs.orders, docs.promos) == ([], [])

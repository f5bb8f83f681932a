"""Reading mongoexport files: JSON lines or `--jsonArray`, relaxed or canonical extended JSON.

Extended JSON's wrappers become plain values ({"$oid": "…"} its hex text, {"$numberInt": "5"}
the number 5); anything else is left for the seed reader (domain/seed.py) to accept or refuse.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from jobs.importer import Labeled, SeedDocuments

COLLECTIONS = ("users", "orders", "promos")


class ExportError(Exception):
    """A file that cannot be read as a mongoexport of seed 000: nothing is imported."""


def _plain(wrapper: dict[str, Any]) -> Any:
    if len(wrapper) == 1:
        ((key, value),) = wrapper.items()
        if key == "$oid":
            return value
        if key in ("$numberInt", "$numberLong"):
            return int(value)
        if key in ("$numberDouble", "$numberDecimal"):
            number = Decimal(value)
            return int(number) if number == number.to_integral_value() else float(number)
    return wrapper


_DECODER = json.JSONDecoder(object_hook=_plain)


def read_documents(path: Path) -> list[Any]:
    """Every document of one file, in order: an array, or values one after another."""
    text = path.read_text(encoding="utf-8")
    try:
        if text.lstrip().startswith("["):
            found = _DECODER.decode(text)
            return list(found)
        return list(_values(text))
    except (json.JSONDecodeError, ValueError, ArithmeticError) as error:
        raise ExportError(f"{path}: not mongoexport JSON: {error}") from error


def _values(text: str) -> list[Any]:
    """JSON lines, or pretty-printed documents one after another (`mongoexport --pretty`)."""
    values, position = [], 0
    while (position := _skip_space(text, position)) < len(text):
        value, position = _DECODER.raw_decode(text, position)
        values.append(value)
    return values


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def collection_of(path: Path) -> str:
    """users.json, shop.users.json, users.jsonl: the collection is named in the file name."""
    named = [part for part in path.name.split(".")[:-1] if part in COLLECTIONS]
    if len(named) != 1:
        raise ExportError(f"{path}: name the file for its collection ({', '.join(COLLECTIONS)})")
    return named[0]


def _files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl"))
            files += [p for p in found if any(c in p.name.split(".")[:-1] for c in COLLECTIONS)]
        else:
            files.append(path)
    if not files:
        raise ExportError("no users, orders or promos export found")
    return files


def _label(path: Path, index: int, doc: Any) -> str:
    """Where a document is: its file and place, and its _id when it has a readable one."""
    where = f"{path.name} #{index}"
    named = doc.get("_id") if isinstance(doc, dict) else None
    return f"{where} ({named})" if isinstance(named, str | int) else where


def read_seed_files(paths: list[Path]) -> SeedDocuments:
    """The documents of the three collections, each labelled with its file and place."""
    by_collection: dict[str, list[Labeled]] = {name: [] for name in COLLECTIONS}
    for path in _files(paths):
        documents = read_documents(path)
        by_collection[collection_of(path)] += [
            (_label(path, index, doc), doc) for index, doc in enumerate(documents, 1)
        ]
    return SeedDocuments(**by_collection)

"""The library versions the engine was written for, and the check of those installed.

Every private name of a library the engine uses lives in one module here per library
(strawberry.py, graphql_core.py): an upgrade is read and ported there. On any other version the
engine refuses to prepare (engine/door.py) and every request takes the generic path; those
modules are not even imported then, so a private name that is gone cannot stop the start.
"""

from __future__ import annotations

from importlib import metadata

WRITTEN_FOR = {"strawberry-graphql": "0.341.2", "graphql-core": "3.3.2"}


def installed(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def untested() -> list[str]:
    """Each installed library whose version is not the one the engine was written for."""
    found = {name: installed(name) for name in WRITTEN_FOR}
    return [
        f"{name} {found[name]} (written for {version})"
        for name, version in WRITTEN_FOR.items()
        if found[name] != version
    ]

"""The Python messages and stubs in ordo/v1 are what scripts/protos makes of proto/ today:
editing the proto without regenerating them fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_stubs_are_current(tmp_path: Path) -> None:
    env = {"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"}
    subprocess.run([ROOT / "scripts" / "protos", tmp_path], check=True, env=env, timeout=120)
    made = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "ordo/v1").iterdir()}
    committed = {
        p.relative_to(ROOT): p.read_bytes()
        for p in (ROOT / "ordo/v1").iterdir()
        if p.name != "__init__.py" and p.is_file()
    }
    assert sorted(made) == sorted(committed)
    stale = [str(path) for path, text in made.items() if committed[path] != text]
    assert stale == []

"""Real JavaScript clients (tests/node: Apollo Client, graphql-ws, graphql-http), run by Node.

scripts/test installs them with `npm ci` from tests/node/package-lock.json. A test that needs
them fails, not skips, when they are missing: a client check that did not run is not a pass.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parent / "node"


def run_node(script: str, *args: str, timeout: float = 120) -> Any:
    """Run tests/node/<script> with the arguments; its last stdout line is its JSON answer."""
    node = shutil.which("node")
    assert node, "node is not installed (scripts/test installs it)"
    assert (NODE_DIR / "node_modules").is_dir(), "tests/node is not installed: run scripts/test"
    done = subprocess.run(
        [node, str(NODE_DIR / script), *args],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])

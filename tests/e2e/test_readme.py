"""The README's examples, pasted in order into one shell as a newcomer would, against a server
this test starts on each store: every `sh` block in turn, with the `# ` lines under a command
checked as what it printed (`…` stands for anything within a line, a line of `…` alone for
any lines); the Node subscription example saved where the README says and run with
tests/node's graphql-ws and ws (scripts/test installs them from tests/node/package-lock.json).

Not run: blocks of `scripts/…` commands (how to run the project, which this test runs inside),
and on the embedded store the command line's blocks, which need Redis (the README says so).
The newcomer's machine differs from the test's in a few fixed places, each replaced below:
the server's address, the Redis, the folder of the Node example, the admin token (the line the
server printed) and the `npm install` (no network in a test: the same packages, linked).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from tests.e2e.cli_helpers import empty_database
from tests.support import ROOT, OrdoServer, RedisServer, running

README = ROOT / "README.md"
NODE = ROOT / "tests" / "node"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
HEADING = re.compile(r"^## (.+)$", re.MULTILINE)
TOKEN_LINE = "export ORDO_ADMIN_TOKEN=…"
NPM_INSTALL = "npm install --prefix /tmp/ordo-events graphql-ws@6 ws@8"
EVENTS = "/tmp/ordo-events"
BUF_INSTALL = "npm install --prefix /tmp/ordo-buf @bufbuild/buf@"


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    section: str  # the `## ` heading it is under


@dataclass(frozen=True)
class Step:
    """Code up to a run of `# ` lines, and those lines: what the code prints."""

    code: str
    expected: tuple[str, ...]


def readme_blocks() -> list[Block]:
    text = README.read_text()
    headings = [(-1, ""), *((m.start(), m[1]) for m in HEADING.finditer(text))]
    found = []
    for fence in FENCE.finditer(text):
        section = [name for start, name in headings if start < fence.start()][-1]
        found.append(Block(fence[1], fence[2], section))
    return found


def runs(block: Block, backend: str) -> bool:
    if block.lang != "sh":
        return False
    commands = [line for line in block.text.splitlines() if line.strip()]
    if all(line.startswith("scripts/") for line in commands):
        return False
    return backend == "redis" or block.section != "Command line"


def steps(text: str) -> list[Step]:
    found: list[Step] = []
    code: list[str] = []
    expected: list[str] = []
    for line in text.splitlines():
        if line.startswith("# "):
            assert code, f"output with no command above it: {line}"
            expected.append(line[2:])
            continue
        if expected:
            found.append(Step("\n".join(code), tuple(expected)))
            code, expected = [], []
        code.append(line)
    if code:
        found.append(Step("\n".join(code), tuple(expected)))
    return found


def pattern(expected: tuple[str, ...]) -> re.Pattern[str]:
    lines = [
        r"(?:[^\n]*\n)*?" if line == "…" else ".*?".join(map(re.escape, line.split("…"))) + r"\n"
        for line in expected
    ]
    return re.compile("".join(lines))


def test_output_patterns_read_ellipses_as_wildcards() -> None:
    assert pattern(("a…c", "…", "z")).fullmatch("abbc\nx\ny\nz\n")
    assert pattern(("a…c",)).fullmatch("ab\nc\n") is None
    assert pattern(("a",)).fullmatch("a\nb\n") is None


class Localise:
    """The README's text as it runs here; each replacement must be used, so a README that
    drops one (and so no longer says it) fails here rather than going unchecked."""

    def __init__(self, replacements: dict[str, str]) -> None:
        self.replacements = replacements
        self.used: set[str] = set()

    def __call__(self, text: str) -> str:
        for old, new in self.replacements.items():
            if old in text:
                self.used.add(old)
                text = text.replace(old, new)
        return text


def script(blocks: list[Block], localise: Localise, outputs: Path) -> tuple[str, list[Step]]:
    """One bash script running every step in turn, each step's stdout to its own file."""
    lines = ["set -euo pipefail"]
    done: list[Step] = []
    for block in blocks:
        for step in steps(localise(block.text)):
            lines += [f"{{ {step.code}", f"}} > {outputs / str(len(done))}"]
            done.append(step)
    return "\n".join(lines) + "\n", done


def ordo_on_path(folder: Path) -> Path:
    """`ordo` where `.venv/bin` is not (this checkout may run on another checkout's venv):
    last on PATH, so the README's own `.venv/bin` comes first where it exists."""
    folder.mkdir()
    command = folder / "ordo"
    command.write_text(f'#!/bin/sh\nexec {sys.executable} -m ordo "$@"\n')
    command.chmod(0o755)
    return folder


def printed_token_line(server: OrdoServer) -> str:
    found = re.search(r"^export ORDO_ADMIN_TOKEN=\S+$", Path(server.log.name).read_text(), re.M)
    assert found is not None, "the server did not print the export line the README pastes"
    return found[0]


def run_readme(server: OrdoServer, redis_url: str | None, tmp: Path, backend: str) -> None:
    events = tmp / "ordo-events"
    events.mkdir()
    (tmp / "out").mkdir()
    address = f"127.0.0.1:{server.port}"
    (tmp / "ordo-buf").mkdir()
    localise = Localise(
        {
            "localhost:8000": address,
            "127.0.0.1:8000": address,
            "redis://127.0.0.1:6379/0": redis_url or "redis://unused.invalid",
            # Before the folder's own replacement, so that one leaves them alone.
            TOKEN_LINE: printed_token_line(server),
            NPM_INSTALL: f"ln -s {NODE / 'node_modules'} {events / 'node_modules'}",
            EVENTS: str(events),
            "localhost:50051": server.grpc_target,
            # tests/node's buf (the README's version: the test below), linked.
            f"{BUF_INSTALL}{BUF_VERSION}": f"ln -s {NODE / 'node_modules'} {tmp / 'ordo-buf'}",
            "/tmp/ordo-buf": str(tmp / "ordo-buf"),
        }
    )
    everything = readme_blocks()
    [node_example] = [block for block in everything if block.lang == "js"]
    (events / "events.mjs").write_text(localise(node_example.text))
    text, done = script([b for b in everything if runs(b, backend)], localise, tmp / "out")
    assert set(localise.replacements) - localise.used <= (
        set() if backend == "redis" else {"redis://127.0.0.1:6379/0"}
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDO_")}
    env["PATH"] = f"{env['PATH']}:{ordo_on_path(tmp / 'bin')}"
    shell = subprocess.run(
        ["bash", "-c", text], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    ran = len(list((tmp / "out").iterdir()))
    assert shell.returncode == 0, (
        f"step {ran - 1} failed:\n{done[ran - 1].code}\n"
        f"stdout: {(tmp / 'out' / str(ran - 1)).read_text()}\nstderr: {shell.stderr[-3000:]}"
    )
    checked = 0
    for number, step in enumerate(done):
        if step.expected:
            printed = (tmp / "out" / str(number)).read_text()
            assert pattern(step.expected).fullmatch(printed), (step.code, printed)
            checked += 1
    assert checked >= (19 if backend == "redis" else 8)  # the README's outputs, not a no-op


def test_readme_examples_run_in_order_and_print_what_the_readme_shows(
    backend: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    redis_url = empty_database(redis_server) if backend == "redis" else None
    server = OrdoServer(redis_url, admin_token=None)  # as scripts/serve: the token it makes
    with running(server):
        run_readme(server, redis_url, tmp_path, backend)


def test_readme_node_example_installs_what_the_suite_runs_it_with() -> None:
    # The README's `npm install` is replaced by tests/node's packages: the same majors.
    wanted = json.loads((NODE / "package.json").read_text())["dependencies"]
    for package in NPM_INSTALL.split()[4:]:
        name, major = package.rsplit("@", 1)
        assert wanted[name].split(".")[0] == major
    assert NPM_INSTALL in README.read_text()


BUF_VERSION = json.loads((NODE / "package.json").read_text())["dependencies"]["@bufbuild/buf"]


def test_readme_buf_example_installs_the_buf_the_suite_runs() -> None:
    assert f"{BUF_INSTALL}{BUF_VERSION}\n" in README.read_text()


def graphql_table_examples() -> list[str]:
    section = README.read_text().split("### GraphQL (`POST /graphql`)")[1].split("\n### ")[0]
    return re.findall(r"^\| \w+[^|]*\| `([^`]+)`", section, re.MULTILINE)


@pytest.mark.parametrize("example", graphql_table_examples())
def test_readme_graphql_table_example_is_valid_against_the_schema(example: str) -> None:
    schema = build_schema((ROOT / "schema.graphql").read_text())  # the served one (test_cli)
    assert validate(schema, parse(example)) == []


def test_readme_graphql_table_lists_every_operation() -> None:
    assert len(graphql_table_examples()) == 17

"""Where a worker's time goes under load: py-spy samples the ordo process (not idle time)
while wrk drives one operation; the samples are summed by package and by function."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from testing.servers import ROOT

FRAME = re.compile(r"^(?P<function>.*) \((?P<path>.*?)(?::\d+)?\)$")
OWN = ("ordo", "schema", "resolvers", "domain")


def start(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    """py-spy record, raw (collapsed stacks), whole functions, full paths."""
    py_spy = Path(sys.executable).with_name("py-spy")
    command = [
        str(py_spy),
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(int(seconds)),
        "--rate",
        "200",
        "--format",
        "raw",
        "--function",
        "--full-filenames",
        "--output",
        str(out),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def package(path: str) -> str:
    """A frame's owner: ordo's own packages, a site package, or the standard library."""
    try:
        relative = Path(path).resolve().relative_to(ROOT)
    except ValueError:
        relative = None
    if relative is not None and relative.parts and relative.parts[0] in OWN:
        return f"ordo {relative.parts[0]}/"
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/lib/python3" in path:
        rest = path.split("/lib/python3", 1)[1].split("/", 1)[1]
        return "stdlib " + rest.split("/", 1)[0].removesuffix(".py")
    return path


def _frames(stack: str) -> list[tuple[str, str]]:
    found = []
    for frame in stack.split(";"):
        match = FRAME.match(frame)
        if match:
            found.append((match["function"], match["path"]))
    return found


def summarize(raw: Path, top: int = 20) -> dict[str, Any]:
    """Shares of the samples: by package of the running frame (self), by function (self and
    inclusive: on the stack at all), and by package anywhere on the stack (inclusive).

    Frames on nearly every stack (the CLI, uvicorn's and asyncio's loop: the spine) are left
    out of the inclusive shares, which then tell what a request spends its time in."""
    stacks = []
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        frames = [
            (f"{function} ({_short(path)})", package(path)) for function, path in _frames(stack)
        ]
        if frames:
            stacks.append((frames, int(count_text)))
    total = sum(count for _, count in stacks) or 1
    on_stack: Counter[str] = Counter()
    for frames, count in stacks:
        for name in {name for name, _ in frames}:
            on_stack[name] += count
    spine = {name for name, n in on_stack.items() if n >= 0.95 * total}
    self_pkg: Counter[str] = Counter()
    self_fn: Counter[str] = Counter()
    incl_pkg: Counter[str] = Counter()
    for frames, count in stacks:
        name, owner = frames[-1]
        self_fn[name] += count
        self_pkg[owner] += count
        for owner in {owner for name, owner in frames if name not in spine}:
            incl_pkg[owner] += count
    incl_fn = Counter({name: n for name, n in on_stack.items() if name not in spine})

    def shares(counter: Counter[str]) -> list[list[Any]]:
        return [[name, round(n / total, 4)] for name, n in counter.most_common(top)]

    return {
        "samples": total,
        "self_by_package": shares(self_pkg),
        "inclusive_by_package": shares(incl_pkg),
        "self_by_function": shares(self_fn),
        "inclusive_by_function": shares(incl_fn),
    }


def _short(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    if "/lib/python3" in path:
        return path.split("/lib/", 1)[1]
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return path


def lines(name: str, summary: dict[str, Any], top: int = 12) -> list[str]:
    out = [f"Profile of {name}: {summary['samples']} samples (py-spy, CPU only)"]
    for title in (
        "self_by_package",
        "inclusive_by_package",
        "self_by_function",
        "inclusive_by_function",
    ):
        out.append(f"  {title.replace('_', ' ')}:")
        out += [f"    {share:6.1%}  {label}" for label, share in summary[title][:top]]
    return out

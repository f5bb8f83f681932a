"""CPU time a process tree spends, from /proc: what one request costs a server, whatever else
the machine runs. On a shared machine a run's requests/s follows the neighbours' load; CPU
seconds per request barely do, so they tell the cost of the code itself."""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None  # gone between listing and reading
    # The command name is in parentheses and may hold spaces: split after its end.
    return text[text.rindex(")") + 2 :].split()


def tree(root: int) -> list[int]:
    """The process and all its descendants (uvicorn's workers are children of its parent)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def seconds(pids: list[int]) -> float:
    """User plus system CPU seconds of these processes so far."""
    total = 0
    for pid in pids:
        if fields := _stat(pid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK

"""The PNG: requests/s (log scale) and p99 per operation and floor, one bar per setting."""

from __future__ import annotations

from pathlib import Path

from bench.report import P99_TARGET_MS, Results, Row


def _series(rows: list[Row]) -> list[tuple[int | None, str]]:
    seen: list[tuple[int | None, str]] = []
    for row in rows:
        if (row.workers, row.data) not in seen and row.workers is not None:
            seen.append((row.workers, row.data))
    return seen


def _label(workers: int | None, data: str) -> str:
    return f"{workers} worker{'s' if workers != 1 else ''}, {data}"


def draw(results: Results, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(row.operation for row in results.rows))
    series = _series(results.rows)
    height = 0.8 / max(len(series), 1)
    figure, (left, right, third) = plt.subplots(
        1,
        3,
        figsize=(19, 0.55 * len(names) + 2.5),
        sharey=True,
        gridspec_kw={"width_ratios": [3, 2, 2]},
    )
    for index, (workers, data) in enumerate(series):
        rows = {r.operation: r for r in results.rows if (r.workers, r.data) == (workers, data)}
        # redis-benchmark has no workers: drawn with the first series only
        if index == 0:
            rows.update({r.operation: r for r in results.rows if r.workers is None})
        ys = [n - 0.4 + height * (index + 0.5) for n in range(len(names)) if names[n] in rows]
        shown = [rows[name] for name in names if name in rows]
        rps = [r.figures.rps for r in shown]
        bars = left.barh(ys, rps, height, label=_label(workers, data))
        left.bar_label(bars, [f"{v:,.0f}" for v in rps], padding=2, fontsize=7)
        p99 = [r.figures.p99_ms for r in shown]
        bars = right.barh(ys, p99, height)
        right.bar_label(bars, [f"{v:.1f}" for v in p99], padding=2, fontsize=7)
        # the Redis floor has no server process: its bar is Redis's own CPU per call
        cpu = [r.figures.cpu_us or r.figures.redis_us or 0 for r in shown]
        bars = third.barh(ys, cpu, height)
        third.bar_label(bars, [f"{v:,.0f}" for v in cpu], padding=2, fontsize=7)
    left.set_xscale("log")
    left.set_yticks(range(len(names)), names, fontsize=9)
    left.invert_yaxis()
    left.set_xlabel("requests/s (log scale; higher is better)")
    left.legend(loc="lower right", fontsize=8)
    left.grid(axis="x", alpha=0.3)
    right.set_xscale("log")
    right.axvline(P99_TARGET_MS, color="red", linestyle="--", linewidth=1)
    right.text(P99_TARGET_MS, -0.55, f" target {P99_TARGET_MS:g} ms", color="red", fontsize=8)
    right.set_xlabel("p99 latency, ms (log scale; lower is better)")
    right.grid(axis="x", alpha=0.3)
    third.set_xscale("log")
    third.set_xlabel("server CPU µs per request (log; steadier than req/s when shared)")
    third.grid(axis="x", alpha=0.3)
    meta = results.meta
    figure.suptitle(
        f"ordo bench {meta.get('date', '')}: wrk -t{meta.get('threads')} "
        f"-c{meta.get('connections')} -d{meta.get('seconds')}s, {meta.get('cpus')} cores "
        "(shared: compare ratios, not absolutes)",
        fontsize=10,
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)

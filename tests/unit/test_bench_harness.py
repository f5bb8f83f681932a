"""The bench harness's own arithmetic on made-up numbers: wrk's figures, ratios to floors,
targets, the table and JSON, profile shares, id swapping for replays. No load, no timing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.load import Figures, _figures
from bench.operations import (
    FLOOR_EVALSHA,
    FLOOR_STRAWBERRY,
    GQL_CREATE,
    GQL_CREATE_AS_PEER,
    GQL_ORDER,
    GRPC_CREATE,
    PEER_GQL,
    PEER_GRPC,
    PEER_REST,
    REST_CREATE,
)
from bench.profile import summarize
from bench.replay import Call, Template
from bench.report import SEEDED, Results, Row, Target, table, targets, to_json
from bench.stages import STAGES
from bench.stages import run as run_stage


def figures(
    rps: float, p99_ms: float = 5.0, errors: int = 0, cpu_us: float | None = None
) -> Figures:
    return Figures(int(rps * 8), rps, 1.0, 2.0, p99_ms, 30.0, errors, cpu_us, 50.0)


def results(gql: float, rest: float, p99_ms: float = 5.0, errors: int = 0) -> Results:
    made = Results(meta={})
    for workers, scale in ((1, 1.0), (2, 1.6)):
        made.rows += [
            Row(FLOOR_STRAWBERRY.name, "floor", workers, 32, SEEDED, figures(1000 * scale)),
            Row(FLOOR_EVALSHA.name, "floor", workers, 32, SEEDED, figures(4000 * scale)),
            Row(GQL_CREATE.name, "operation", workers, 32, SEEDED,
                figures(gql * scale, p99_ms, errors), GQL_CREATE.floor),
            Row(REST_CREATE.name, "operation", workers, 32, SEEDED, figures(rest * scale),
                REST_CREATE.floor),
        ]  # fmt: skip
    made.add_ratios()
    return made


def met(found: Results) -> dict[str, bool]:
    return {target.key: target.met for target in targets(found)}


def test_wrk_figures_count_wrong_answers_and_socket_errors_once() -> None:
    raw = {"requests": 800, "duration_us": 8_000_000, "wrong": 3, "connect": 1, "read": 2,
           "write": 0, "status": 3, "timeout": 1, "p50_us": 1500, "p90_us": 3000,
           "p99_us": 9000, "max_us": 20000, "mean_us": 1700.0}  # fmt: skip
    made = _figures(raw)
    assert made.rps == 100
    assert made.errors == 3 + 1 + 2 + 1  # `status` is among `wrong` already
    assert (made.p50_ms, made.p99_ms) == (1.5, 9.0)


def test_ratio_is_throughput_over_the_floor_of_the_same_worker_count() -> None:
    found = results(gql=750, rest=2000)
    assert found.find(GQL_CREATE.name, 1).ratio == 0.75  # type: ignore[union-attr]
    assert found.find(REST_CREATE.name, 2).ratio == 0.5  # type: ignore[union-attr]


def test_targets_are_met_only_by_fast_enough_error_free_runs() -> None:
    good = met(results(gql=750, rest=3200))
    assert good == {
        **dict.fromkeys(["graphql_ratio", "rest_ratio", "p99", "errors", "scaling"], True),
        **dict.fromkeys(["graphql_peer", "rest_peer", "grpc_peer"], False),  # no peer here
        "read_cpu": False,  # no read in this run
    }
    bad = met(results(gql=500, rest=2000, p99_ms=40, errors=2))
    assert bad == {"graphql_ratio": False, "rest_ratio": False, "p99": False, "errors": False,
                   "scaling": True, "graphql_peer": False, "rest_peer": False,
                   "grpc_peer": False, "read_cpu": False}  # fmt: skip


def test_the_peer_target_is_its_cpu_per_request_over_ordos() -> None:
    found = Results(meta={})
    found.rows += [
        Row(PEER_GQL, "peer", 1, 32, SEEDED, figures(5000, cpu_us=200.0)),
        Row(PEER_REST, "peer", 1, 32, SEEDED, figures(6000, cpu_us=160.0)),
        Row(GQL_CREATE_AS_PEER.name, "operation", 1, 32, SEEDED, figures(3000, cpu_us=300.0),
            peer=PEER_GQL),
        Row(REST_CREATE.name, "operation", 1, 32, SEEDED, figures(2000, cpu_us=320.0),
            peer=PEER_REST),
        Row(PEER_GRPC, "peer", 1, 32, SEEDED, figures(4000, cpu_us=150.0)),
        Row(GRPC_CREATE.name, "operation", 1, 32, SEEDED, figures(1000, cpu_us=500.0),
            peer=PEER_GRPC),
    ]  # fmt: skip
    found.add_ratios()
    row = found.find(GQL_CREATE_AS_PEER.name, 1)
    assert row is not None and (row.peer_ratio, row.peer_cpu_ratio) == (0.6, 200 / 300)
    assert {k: v for k, v in met(found).items() if k.endswith("peer")} == {
        "graphql_peer": True,
        "rest_peer": False,  # 0.5
        "grpc_peer": False,  # 0.3, of 0.6
    }
    grpc = next(t for t in targets(found) if t.key == "grpc_peer")
    assert grpc.measured == "0.30 by CPU per request; 0.25 by requests/s"


def test_table_and_json_hold_every_row_and_target() -> None:
    found = results(gql=750, rest=2000)
    printed = table(found)
    assert all(row.operation in printed for row in found.rows)
    assert f"[MISSED] {REST_CREATE.name} >= 0.75 x {FLOOR_EVALSHA.name}" in printed
    written = json.loads(json.dumps(to_json(found)))
    assert len(written["rows"]) == len(found.rows)
    assert written["rows"][2]["figures"]["rps"] == 750
    assert {t["name"] for t in written["targets"]} == {t.name for t in targets(found)}


def test_profile_shares_leave_out_the_frames_every_sample_shares(tmp_path: Path) -> None:
    raw = tmp_path / "raw.txt"
    raw.write_text(
        "main (/x/cli.py:1);handle (/x/site-packages/starlette/routing.py:5);"
        "execute (/x/site-packages/graphql/execution/execute.py:9) 3\n"
        "main (/x/cli.py:1);handle (/x/site-packages/starlette/routing.py:5) 1\n"
    )
    summary = summarize(raw)
    assert summary["samples"] == 4
    assert summary["self_by_package"][0] == ["graphql", 0.75]
    inclusive = dict(summary["inclusive_by_function"])
    assert "main (/x/cli.py)" not in inclusive  # on every stack: the spine
    assert inclusive["execute (graphql/execution/execute.py)"] == 0.75


def test_a_replayed_call_swaps_every_id_in_keys_and_arguments() -> None:
    call = Call("create_order", ["ordo:{p:P1}:order:o-tpl"], ["o-tpl", "P1", "u-tpl", 3])
    template = Template([call], {"order": "o-tpl", "user": "u-tpl"})
    ids = {"order": "pool-7", "user": "bench-u-7"}
    assert [template.swap(key, ids) for key in call.keys] == ["ordo:{p:P1}:order:pool-7"]
    assert [template.swap(arg, ids) for arg in call.args] == ["pool-7", "P1", "bench-u-7", 3]


def growth(seeded_cpu_us: float | None, grown_rps: float, grown_cpu_us: float | None) -> Target:
    found = Results(meta={})
    found.rows = [
        Row(GQL_CREATE.name, "operation", 1, 32, SEEDED, figures(750, cpu_us=seeded_cpu_us)),
        Row(GQL_CREATE.name, "operation", 1, 32, "1M", figures(grown_rps, cpu_us=grown_cpu_us)),
    ]
    return next(target for target in targets(found) if target.key == "data_growth")


def test_orders_already_in_redis_that_halve_throughput_miss_the_growth_target() -> None:
    halved = growth(None, 375, None)
    assert not halved.met
    assert halved.measured == f"lowest by requests/s 0.50 ({GQL_CREATE.name})"


def test_growth_is_judged_on_cpu_per_request_when_measured() -> None:
    # A neighbour's load halves requests/s, but each request costs what it did: same speed.
    assert growth(1000, 375, 1050).met
    # Twice the CPU per request with a million orders: slower, whatever requests/s say.
    assert not growth(1000, 750, 2000).met


@pytest.mark.parametrize("stage", STAGES)
async def test_every_stage_of_bench_stages_runs_on_its_canned_store(
    stage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # bench/stages.py sets these for its own process: restored after the test.
    monkeypatch.setenv("ORDO_REDIS_URL", "redis://127.0.0.1:1")
    monkeypatch.setenv("ORDO_ADMIN_TOKEN", "x")
    await run_stage(stage, 3)  # its setup asserts the app answers both creates with 200


def test_the_peer_cpu_ratio_pairs_each_round_with_the_peers_round() -> None:
    # The machine's load drifts: round 2 is slow for both. Paired, the ratio stays 0.5;
    # the ratio of the medians would say 200/300.
    found = Results(meta={})
    found.rows += [
        Row(PEER_REST, "peer", 1, 32, SEEDED, figures(6000, cpu_us=200.0),
            rounds_rps=[1.0, 1.0, 1.0], rounds_cpu_us=[100.0, 300.0, 200.0]),
        Row(REST_CREATE.name, "operation", 1, 32, SEEDED, figures(2000, cpu_us=300.0),
            peer=PEER_REST, rounds_rps=[1.0, 1.0, 1.0], rounds_cpu_us=[200.0, 600.0, 300.0]),
    ]  # fmt: skip
    found.add_ratios()
    row = found.find(REST_CREATE.name, 1)
    assert row is not None and row.peer_cpu_ratio == 0.5


def test_the_read_target_pairs_the_reads_rounds_with_the_creates() -> None:
    found = Results(meta={})
    found.rows += [
        Row(GQL_CREATE.name, "operation", 1, 32, SEEDED, figures(6000, cpu_us=100.0),
            rounds_rps=[1.0, 1.0, 1.0], rounds_cpu_us=[100.0, 200.0, 100.0]),
        Row(GQL_ORDER.name, "operation", 1, 32, SEEDED, figures(6000, cpu_us=110.0),
            rounds_rps=[1.0, 1.0, 1.0], rounds_cpu_us=[90.0, 190.0, 110.0]),
    ]  # fmt: skip
    (read,) = [target for target in targets(found) if target.key == "read_cpu"]
    assert read.met and read.measured == "0.95 x the create's"
    found.rows[1].rounds_cpu_us = [110.0, 210.0, 90.0]
    (read,) = [target for target in targets(found) if target.key == "read_cpu"]
    assert not read.met

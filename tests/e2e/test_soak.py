"""The race soak (bench/soak.py, `scripts/soak`), shortened: two workers, many clients racing on
small promos with every operation mixed; no 5xx, and every invariant exact at the end (the
soak audits Redis and the API and raises on any difference)."""

from bench.soak import soak
from testing.races import Config


async def test_a_short_soak_answers_no_5xx_and_keeps_every_invariant_exact() -> None:
    result = await soak(Config(seconds=12, operations=1200, clients=32))
    figures = result.figures
    print(figures.report())
    assert sum(figures.server_errors.values()) == 0, figures.report()
    assert sum(figures.transport_errors.values()) == 0, figures.report()
    # The clients really raced: activations ran out and orders were closed both ways.
    assert figures.conflicts["PROMO_EXHAUSTED"] > 0, figures.report()
    assert {"COMPLETED", "CANCELLED", "OPEN"} <= set(result.audit.statuses()), figures.report()

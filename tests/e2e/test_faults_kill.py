"""The server process killed with SIGKILL in the middle of load, then started again (SPEC §2:
the invariants hold "after any crash of the service process"): straight from Redis every
order folds and every promo is exact, no acknowledged order is lost, and the restarted
service serves the same data without a 5xx."""

import asyncio

from testing.audit import audit
from tests.e2e.faults import progressed, stack


async def test_a_server_killed_mid_load_leaves_every_invariant_exact_and_serves_again() -> None:
    async with stack(clients=16) as s:
        assert s.server.process is not None
        running = asyncio.create_task(s.load.drive(seconds=60))
        await progressed(s.load, 200)
        s.server.process.kill()  # SIGKILL: no shutdown, requests cut wherever they were
        await asyncio.to_thread(s.server.process.wait)
        s.load.stop()
        killed = await running
        stored = await audit(s.store)  # straight from Redis, before any restart
        await asyncio.to_thread(s.server.start)
        after = await s.load.drive(seconds=3)
        again = await audit(s.store)
    assert killed.transport_errors, killed.report()  # requests really were in flight
    assert set(s.load.orders) <= set(again.orders)  # no acknowledged order was lost
    assert stored.orders.keys() <= again.orders.keys()
    assert not after.server_errors and not after.transport_errors, after.report()
    assert after.successes > 0, after.report()

"""Redis losing its script cache, and Redis restarting, while clients keep going (SPEC §2
"after any crash"). The test Redis keeps nothing on disk, so it comes back empty: requests
answer 503 in the outage and nothing worse, succeed again after it without restarting the
service, and whatever exists afterwards is whole (every order folds, every promo is exact)."""

import asyncio

from testing.audit import audit
from tests.e2e.faults import progressed, stack, wait_ready


async def test_flushing_the_script_cache_under_load_is_invisible_to_clients() -> None:
    async with stack() as s:
        running = asyncio.create_task(s.load.drive(seconds=60))
        for _ in range(3):
            await progressed(s.load, 100)
            await s.store.client.script_flush()
        await progressed(s.load, 100)
        s.load.stop()
        figures = await running
        stored = await audit(s.store)
    assert not figures.server_errors and not figures.transport_errors, figures.report()
    assert figures.successes > 0, figures.report()
    assert set(s.load.orders) <= set(stored.orders)


async def test_redis_restarting_under_load_gives_503s_then_service_resumes_whole() -> None:
    async with stack() as s:
        assert s.server.process is not None
        pid = s.server.process.pid
        running = asyncio.create_task(s.load.drive(seconds=60))
        await progressed(s.load, 100)
        await asyncio.to_thread(s.redis.stop)
        await progressed(s.load, 50)  # these meet the outage
        await asyncio.to_thread(s.redis.start)
        await progressed(s.load, 100)
        s.load.stop()
        outage = await running
        await asyncio.to_thread(wait_ready, s.server)
        await s.load.setup()  # the users and promos were lost with the data
        after = await s.load.drive(seconds=3)
        stored = await audit(s.store)
        assert s.server.process.pid == pid  # recovered without a restart
    assert set(outage.server_errors) == {503}, outage.report()
    assert not outage.transport_errors, outage.report()
    assert not after.server_errors and not after.transport_errors, after.report()
    assert after.successes > 0 and stored.orders, after.report()

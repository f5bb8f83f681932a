"""Clients that give up mid-request (a timeout of 1-50 ms, so the server is cut off at every
stage of a request) leave nothing half-done: once the abandoned requests have finished, every
order folds, every promo is exact, and the service answers the next clients normally."""

from tests.e2e.faults import settled_audit, stack


async def test_clients_giving_up_mid_request_leave_no_partial_state() -> None:
    async with stack(clients=16) as s:
        s.load.give_up = (0.001, 0.05)
        abandoned = await s.load.drive(seconds=5)
        await settled_audit(s.store)
        s.load.give_up = None
        after = await s.load.drive(seconds=2)
        stored = await settled_audit(s.store)
    assert abandoned.transport_errors.get("ReadTimeout", 0) > 0, abandoned.report()
    assert not abandoned.server_errors and not after.server_errors, after.report()
    assert not after.transport_errors and after.successes > 0, after.report()
    assert stored.orders

"""With several workers, /metrics adds every worker's counts up (whichever worker answers)."""

import re

import httpx

from tests.support import OrdoServer, RedisServer, running


def test_two_workers_report_the_sum_of_their_operations(redis_server: RedisServer) -> None:
    server = OrdoServer(redis_server.url, workers=2)
    with running(server):
        before = _created(server)
        for _ in range(40):  # a new connection each: the kernel spreads them over both workers
            assert httpx.post(f"{server.url}/orders", json={}).status_code == 200
        seen = {_created(server) for _ in range(6)}
    assert seen == {before + 40}


def _created(server: OrdoServer) -> float:
    text = httpx.get(f"{server.url}/metrics").text
    found = re.search(r'ordo_operations_total\{operation="createOrder",outcome="OK"\} (\S+)', text)
    return float(found.group(1)) if found else 0.0

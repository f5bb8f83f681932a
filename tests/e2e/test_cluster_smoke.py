"""`ordo serve` on a Redis Cluster (ORDO_REDIS_URL=redis+cluster://…), over HTTP: the promo and
items workflows, REST and GraphQL, on orders whose keys spread over all three masters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.e2e import helpers
from tests.e2e.conftest import Api
from tests.support import OrdoServer, RedisCluster, unique


@pytest.fixture(scope="module")
def cluster_server(redis_cluster: RedisCluster) -> Iterator[OrdoServer]:
    server = OrdoServer(redis_cluster.url, env={"ORDO_RESERVATION_TTL": "3600"})
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def cluster_api(cluster_server: OrdoServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=cluster_server.url, timeout=30) as http:
        yield Api(http)


async def test_the_server_is_ready_on_the_cluster(cluster_api: Api) -> None:
    assert (await cluster_api.http.get("/readyz")).status_code == 200


async def test_promo_orders_are_created_completed_and_counted_on_the_cluster(
    cluster_api: Api,
) -> None:
    for _ in range(6):  # promos, users and orders of several slots, so several masters
        promo = await helpers.user_and_promo(cluster_api, count=3, per_user=2)
        first = await helpers.open_order(cluster_api, **promo, idempotencyKey=unique("k"))
        second = await helpers.rest_create(cluster_api, promo)
        assert second.status_code == 200, second.text
        done = await helpers.close(cluster_api, first["orderId"], "success")
        assert helpers.ok(done)["status"] == "COMPLETED"
        assert await helpers.rest_status(cluster_api, second.json()["orderId"]) == "in progress"
        assert await helpers.counters(cluster_api, promo) == (2, 1, 1)
        third = await helpers.create_order(cluster_api, **promo)
        assert helpers.refused(third)[0] == "PROMO_USER_LIMIT"


async def test_orders_with_items_are_listed_under_their_entity_across_slots(
    cluster_api: Api,
) -> None:
    entity_id, promo = unique("e"), await helpers.user_and_promo(cluster_api)
    with_promo = helpers.ok(
        await helpers.create(cluster_api, unique("o"), entity_id, [helpers.item("a")], promo=promo)
    )
    plain = helpers.ok(
        await helpers.create(cluster_api, unique("o"), entity_id, [helpers.item("b")])
    )
    assert set(await helpers.listed(cluster_api, entity_id)) == {
        with_promo["orderId"],
        plain["orderId"],
    }
    found = await helpers.read(cluster_api, with_promo["orderId"])
    assert (found["status"], found["promo"]) == ("OPEN", promo)
    declined = helpers.ok(await helpers.decline(cluster_api, with_promo["orderId"]))
    assert declined["status"] == "DECLINED"
    assert await helpers.listed(cluster_api, entity_id) == [plain["orderId"]]
    assert (await helpers.promo_state(cluster_api, promo))["lockedCount"] == 0

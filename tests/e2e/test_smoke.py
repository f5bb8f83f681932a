from tests.e2e.conftest import Api


async def test_plain_order_is_created_over_rest_and_read_back(api: Api) -> None:
    created = await api.http.post("/orders", json={})
    assert created.status_code == 200
    order_id = created.json()["orderId"]
    read = await api.http.get(f"/orders/{order_id}")
    assert read.json() == {"status": "in progress"}

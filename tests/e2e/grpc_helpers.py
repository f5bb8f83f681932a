"""A Python grpcio client of ordo.v1 (the stubs scripts/protos generates), and its errors
decoded as a gRPC user reads them: the status code, then grpc-status-details-bin's ErrorInfo
and BadRequest (grpcio-status)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import grpc
from google.rpc import error_details_pb2
from google.type import date_pb2
from grpc_status import rpc_status

from ordo.v1 import order_pb2 as pb
from ordo.v1 import order_service_pb2 as api
from ordo.v1 import order_service_pb2_grpc as stubs
from tests.support import unique


@dataclass(frozen=True)
class Refusal:
    """What a refused call says: its gRPC code, ErrorInfo's reason and field, and
    BadRequest's fields (empty unless the input was invalid)."""

    code: grpc.StatusCode
    reason: str
    field: str | None
    violations: tuple[str, ...]
    domain: str


def refusal(error: grpc.aio.AioRpcError) -> Refusal:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None, f"no grpc-status-details-bin: {error}"
    infos, violations = [], []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            infos.append(info)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations += [violation.field for violation in bad.field_violations]
    [info] = infos  # exactly one ErrorInfo (AIP-193)
    return Refusal(
        error.code(), info.reason, info.metadata.get("field"), tuple(violations), info.domain
    )


async def refused_with(call: object) -> Refusal:
    try:
        await call  # type: ignore[misc]
    except grpc.aio.AioRpcError as error:
        return refusal(error)
    raise AssertionError("the call was not refused")


@asynccontextmanager
async def client(target: str) -> AsyncIterator[stubs.OrderServiceStub]:
    async with grpc.aio.insecure_channel(target) as channel:
        yield stubs.OrderServiceStub(channel)


def bearer(token: str) -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {token}"),)


def day(text: str) -> date_pb2.Date:
    year, month, dd = (int(part) for part in text.split("-"))
    return date_pb2.Date(year=year, month=month, day=dd)


def item(item_id: str, price: str = "100.00", start: str = "2026-01-10") -> api.OrderItemInput:
    return api.OrderItemInput(
        order_item_id=item_id, service_id="svc", price=price, period_start_date=day(start)
    )


RENT = pb.OrderType(
    rent_payment=pb.RentPayment(payment_date=day("2026-02-01"), term=pb.RENT_TERM_FULL)
)


def with_items(
    entity_id: str | None = None, *items: api.OrderItemInput, order_id: str | None = None
) -> api.CreateOrderWithItemsRequest:
    return api.CreateOrderWithItemsRequest(
        order_id=order_id or unique("o"),
        entity_id=entity_id or unique("e"),
        type=RENT,
        items=list(items) or [item("a")],
    )

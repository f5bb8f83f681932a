"""The gRPC server of a worker (SPEC §11): grpcio's asyncio server on the worker's own event
loop, so ordo.v1.OrderService shares the HTTP side's store, change-feed hub and
authenticator; with grpc.health.v1 and server reflection (v1 and v1alpha) beside it.

Every worker binds the same port: grpcio sets SO_REUSEPORT, and the kernel spreads the
connections over the workers, as it does for uvicorn's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
from google.protobuf.message import DecodeError, Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2

from feed.live import Hub
from ordo.auth import Authenticator
from ordo.rpc.calls import MALFORMED, Calls
from ordo.rpc.health import Health
from ordo.rpc.service import OrderService
from ordo.settings import Settings
from ordo.v1 import order_service_pb2 as api
from store import Store

SERVICE = api.DESCRIPTOR.services_by_name["OrderService"]
REFLECTION_V1 = "grpc.reflection.v1.ServerReflection"


def options(settings: Settings) -> list[tuple[str, Any]]:
    """The server's limits (README, configuration): bounded messages and streams, and
    keepalive enforced, so an idle or ping-flooding peer cannot hold a worker's resources."""
    return [
        ("grpc.so_reuseport", 1),
        ("grpc.max_receive_message_length", settings.grpc_max_message),
        ("grpc.max_send_message_length", settings.grpc_max_message * 4),
        ("grpc.max_concurrent_streams", settings.grpc_max_streams),
        # The server pings an idle connection this often, and drops it if no answer comes.
        ("grpc.keepalive_time_ms", int(settings.grpc_keepalive_time * 1000)),
        ("grpc.keepalive_timeout_ms", 20_000),
        # A client may ping no more often than this; past two strikes it is sent GOAWAY.
        ("grpc.http2.min_recv_ping_interval_without_data_ms", int(settings.grpc_min_ping * 1000)),
        ("grpc.http2.max_ping_strikes", 2),
        ("grpc.keepalive_permit_without_calls", 1),
    ]


def _lenient(message: type[Message]) -> Callable[[bytes], Any]:
    """A request's parser that answers MALFORMED for bytes no message is: grpcio would log
    its own parser's failure as a fault; ordo/rpc/calls.py answers INVALID_ARGUMENT."""

    def parse(data: bytes) -> Any:
        try:
            return message.FromString(data)
        except DecodeError:
            return MALFORMED

    return parse


def order_service_handler(service: OrderService) -> grpc.GenericRpcHandler:
    handlers = {}
    for method in SERVICE.methods:
        request, response = (
            getattr(api, method.input_type.name),
            getattr(api, method.output_type.name),
        )
        make = (
            grpc.unary_stream_rpc_method_handler
            if method.server_streaming
            else grpc.unary_unary_rpc_method_handler
        )
        handlers[method.name] = make(
            getattr(service, method.name),
            request_deserializer=_lenient(request),
            response_serializer=response.SerializeToString,
        )
    return grpc.method_handlers_generic_handler(SERVICE.full_name, handlers)


def _reflection_v1(servicer: Any) -> grpc.GenericRpcHandler:
    """grpcio-reflection serves v1alpha only; v1's messages are the same on the wire, under
    another service name (what buf curl and newer grpcurl ask first)."""
    handler = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
    )
    return grpc.method_handlers_generic_handler(REFLECTION_V1, {"ServerReflectionInfo": handler})


class GrpcServer:
    def __init__(
        self, settings: Settings, store: Store, hub: Hub, authenticator: Authenticator
    ) -> None:
        self.settings = settings
        self.health = Health(store, [SERVICE.full_name])
        calls = Calls(authenticator, settings.request_timeout)
        self.service = OrderService(store, hub, calls, settings.feed_retention)
        self.server: grpc.aio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        server = grpc.aio.server(options=options(self.settings))
        server.add_generic_rpc_handlers((order_service_handler(self.service),))
        health_pb2_grpc.add_HealthServicer_to_server(self.health.servicer, server)
        names = [
            SERVICE.full_name,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ]  # v1 is served, not listed: no descriptor of it is compiled in grpcio-reflection
        reflection.enable_server_reflection(names, server)  # v1alpha
        v1 = reflection.aio.ReflectionServicer(names)
        server.add_generic_rpc_handlers((_reflection_v1(v1),))
        address = f"{self.settings.grpc_host}:{self.settings.grpc_port}"
        self.port = server.add_insecure_port(address)  # RuntimeError if it cannot bind
        await server.start()
        await self.health.start()
        self.server = server

    async def stop(self, grace: float) -> None:
        """NOT_SERVING first, so balancers stop sending; then calls in flight get `grace`."""
        await self.health.stop()
        if self.server is not None:
            await self.server.stop(grace)

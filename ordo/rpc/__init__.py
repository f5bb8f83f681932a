"""The gRPC edge (SPEC §11): ordo.v1.OrderService, health and reflection, on grpcio's asyncio
server in the same event loop as the HTTP app, calling the same operations."""

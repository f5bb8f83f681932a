"""Prometheus metrics every room counts into: operations by outcome, Redis errors, promo
activations, HTTP requests and sockets (prometheus-client, shared across workers)."""

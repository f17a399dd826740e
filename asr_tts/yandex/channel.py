"""gRPC channels to SpeechKit: TLS always, except to a loopback test server."""

from __future__ import annotations

import grpc

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def endpoint_host(endpoint: str) -> str:
    host, _, _port = endpoint.rpartition(":")
    return host or endpoint


def open_channel(endpoint: str, *, tls: bool = True) -> grpc.aio.Channel:
    """An asyncio channel to `host:port`. Plain text is refused for anything but loopback,
    so a misconfiguration can never send credentials in clear over the network."""
    if tls:
        return grpc.aio.secure_channel(endpoint, grpc.ssl_channel_credentials())
    if endpoint_host(endpoint) not in LOOPBACK_HOSTS:
        raise ValueError(f"refusing a plain-text gRPC channel to {endpoint}: only loopback")
    return grpc.aio.insecure_channel(endpoint)

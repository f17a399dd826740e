"""The one HTTP client for calls to tenant-chosen URLs: guarded, pinned and bounded.

Every request made through `guarded_client`:
- connects only to addresses the `SsrfGuard` resolved and checked, for every connection it
  opens (the name is resolved once; the socket goes to that address, while the Host header,
  TLS SNI and certificate verification keep the URL's hostname), so DNS rebinding between a
  check and the connection is impossible;
- reads at most `max_response_bytes` of body (Content-Length is checked first, then the
  stream is counted as it arrives) and asks for an unencoded body, refusing a compressed
  one (a 1 MB gzip body can hold a gigabyte);
- ends within `request_timeout_s` from start to the last body byte, however slowly the
  other side drips.

httpx exposes no network-backend option, so `GuardedTransport` builds its own httpcore pool
with the pinned backend (`AsyncConnectionPool(network_backend=...)` is public httpcore API);
the rest (request/response conversion, exception mapping) is httpx's own transport.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import httpcore
import httpx
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import override

from bot_engine.net.errors import NetError
from bot_engine.net.guard import SsrfGuard, TargetRefused


class OutboundSettings(BaseModel):
    """Bounds on every outbound request to a tenant-chosen URL (settings: `outbound`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_response_bytes: int = Field(1_000_000, ge=1024)
    """A longer answer fails the request (a mid-call webhook takes its error branch, a
    delivery attempt fails and is retried)."""
    request_timeout_s: float = Field(60.0, gt=0)
    """The whole exchange, connect to last byte; each read/write/connect is also bounded
    by the caller's per-operation timeout."""
    ca_file: Path | None = None
    """PEM certificates trusted besides the public CAs (an internal CRM with a private CA;
    it must be allow-listed too, see `ssrf_allowlist`)."""


class ResponseRefused(NetError, httpx.TransportError):
    """The answer is not one we read (too large, or compressed although we asked not)."""


class ResponseTooLarge(ResponseRefused):
    pass


class RequestTooSlow(NetError, httpx.TimeoutException):
    """The whole exchange took longer than `request_timeout_s`."""


@functools.cache
def _ssl_context(ca_file: Path | None) -> ssl.SSLContext:
    """One verifying context per CA set: building one loads the CA bundle, which takes
    milliseconds that a live call's event loop should not spend per request."""
    context = httpx.create_ssl_context(trust_env=False)
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to addresses the guard resolved and approved."""

    def __init__(self, guard: SsrfGuard) -> None:
        self.guard = guard
        self.inner = httpcore.AnyIOBackend()

    @override
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await self.guard.resolve(host, port)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} took over {timeout} s") from exc
        failure: Exception | None = None
        for address in addresses:  # the checked addresses, never the name again
            try:
                return await self.inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # resolve() never returns an empty list
        raise failure

    @override
    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise TargetRefused("unix sockets are not an outbound target")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class _CappedStream(httpx.AsyncByteStream):
    def __init__(
        self,
        inner: httpx.AsyncByteStream,
        limits: OutboundSettings,
        deadline: float,
        request: httpx.Request,
    ) -> None:
        self.inner = inner
        self.limits = limits
        self.deadline = deadline
        self.request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        chunks = self.inner.__aiter__()
        while True:
            try:
                async with asyncio.timeout_at(self.deadline):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                return
            except TimeoutError as exc:
                raise _too_slow(self.limits, self.request) from exc
            seen += len(chunk)
            if seen > self.limits.max_response_bytes:
                raise ResponseTooLarge(
                    f"the answer is larger than {self.limits.max_response_bytes} bytes",
                    request=self.request,
                )
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()


def _too_slow(limits: OutboundSettings, request: httpx.Request) -> RequestTooSlow:
    return RequestTooSlow(
        f"no complete answer within {limits.request_timeout_s:g} s", request=request
    )


class GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, guard: SsrfGuard, limits: OutboundSettings) -> None:
        context = _ssl_context(limits.ca_file)
        super().__init__(verify=context, trust_env=False)
        default = httpx.Limits()
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=default.max_connections,
            max_keepalive_connections=default.max_keepalive_connections,
            keepalive_expiry=default.keepalive_expiry,
            network_backend=PinnedBackend(guard),
        )
        self.limits = limits

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        deadline = asyncio.get_running_loop().time() + self.limits.request_timeout_s
        request.headers["accept-encoding"] = "identity"
        try:
            async with asyncio.timeout_at(deadline):
                response = await super().handle_async_request(request)
        except TimeoutError as exc:
            raise _too_slow(self.limits, request) from exc
        try:
            self._check_head(response, request)
        except ResponseRefused:
            await response.aclose()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_CappedStream(response.stream, self.limits, deadline, request),
            extensions=response.extensions,
        )

    def _check_head(self, response: httpx.Response, request: httpx.Request) -> None:
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise ResponseRefused(
                f"the answer is {encoding}-encoded although the request asked for identity",
                request=request,
            )
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > self.limits.max_response_bytes:
            raise ResponseTooLarge(
                f"the answer is {declared} bytes, more than "
                f"{self.limits.max_response_bytes} allowed",
                request=request,
            )


def guarded_client(
    guard: SsrfGuard, limits: OutboundSettings | None = None, *, timeout: float = 15.0
) -> httpx.AsyncClient:
    """An AsyncClient for tenant-chosen URLs; `timeout` bounds each connect/read/write."""
    return httpx.AsyncClient(
        transport=GuardedTransport(guard, limits or OutboundSettings()),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )

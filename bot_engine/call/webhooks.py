"""The one mid-call webhook runner, used by every shell: live calls (SIP, WebSocket,
AudioSocket, the dialer), simulated calls, `POST /v1/simulate` and `voicebot chat`.

The URL comes from a tenant's script (often filled from variables a caller may set), so the
request goes through the guarded client (`bot_engine.net`): public addresses only unless the
operator allow-lists a host or range, the checked address is the one connected to, the
answer is read up to a size cap, and the whole request is bounded by the step's timeout.
Every failure (refused target, oversized answer, HTTP error, unreadable body) becomes the
step's error branch and the deadline its timeout branch; nothing here raises into the call.

It runs on the caller's event loop and is cancelled at its deadline (`asyncio.timeout`),
so a backend that never answers costs the call exactly `timeout_s` while the audio keeps
flowing. Blocking shells (the text simulator) use `blocking()` or `from_thread()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot_engine.dialog.actions import CallWebhook
from bot_engine.dialog.events import WebhookResult
from bot_engine.net import OutboundSettings, SsrfGuard, TargetRefused, guarded_client
from bot_engine.nlu.http import Outbound

AsyncWebhookRunner = Callable[[CallWebhook], Awaitable[WebhookResult]]
BlockingWebhookRunner = Callable[[CallWebhook], WebhookResult]


class WebhookRunner:
    """Performs a script's webhook step. Inside `async with runner:` requests share one
    connection pool (the service does that for its lifetime); outside, each request uses a
    short-lived client, so one runner may serve any event loop."""

    def __init__(self, guard: SsrfGuard | None = None, limits: OutboundSettings | None = None):
        self.guard = guard or SsrfGuard()
        self.limits = limits or OutboundSettings()
        self._client: httpx.AsyncClient | None = None

    @property
    def outbound(self) -> Outbound:
        """The same guard and limits for the NLU's requests (a step's Rasa or LLM)."""
        return Outbound(self.guard, self.limits)

    def open(self) -> None:
        """Share one connection pool from now on (use the runner on this loop only)."""
        if self._client is None:
            self._client = guarded_client(self.guard, self.limits)

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def __aenter__(self) -> WebhookRunner:
        self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def __call__(self, action: CallWebhook) -> WebhookResult:
        if self._client is not None:
            return await self._perform(self._client, action)
        async with guarded_client(self.guard, self.limits) as client:
            return await self._perform(client, action)

    async def _perform(self, client: httpx.AsyncClient, action: CallWebhook) -> WebhookResult:
        rid = action.request_id
        try:
            async with asyncio.timeout(action.timeout_s):
                response = await client.request(
                    action.method,
                    action.url,
                    headers=action.headers,
                    json=action.body if action.method != "GET" else None,
                    timeout=action.timeout_s,
                )
        except (TimeoutError, httpx.TimeoutException):
            return WebhookResult(
                request_id=rid, status="timeout", error=f"no answer within {action.timeout_s:g} s"
            )
        except TargetRefused as exc:
            return WebhookResult(request_id=rid, status="error", error=f"refused: {exc}")
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            return WebhookResult(request_id=rid, status="error", error=str(exc) or repr(exc))
        if not response.is_success:
            return WebhookResult(
                request_id=rid,
                status="error",
                status_code=response.status_code,
                error=f"HTTP {response.status_code}",
            )
        return WebhookResult(
            request_id=rid,
            status="success",
            status_code=response.status_code,
            data=_data(response),
        )

    def blocking(self) -> BlockingWebhookRunner:
        """For a blocking shell with no event loop of its own (`voicebot chat`)."""

        def run(action: CallWebhook) -> WebhookResult:
            return asyncio.run(self(action))

        return run

    def from_thread(self, loop: asyncio.AbstractEventLoop) -> BlockingWebhookRunner:
        """For a blocking shell in a worker thread: each request runs on `loop` (the
        service's), with this runner's shared pool."""

        def run(action: CallWebhook) -> WebhookResult:
            return asyncio.run_coroutine_threadsafe(self(action), loop).result()

        return run


def _data(response: httpx.Response) -> Any:
    """The JSON answer, else its text (already bounded by the size cap)."""
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, RecursionError):
        return response.text


STRICT = WebhookRunner()
"""Public addresses only: the default wherever no operator configuration applies."""


def outbound_of(webhooks: AsyncWebhookRunner) -> Outbound:
    """The guard a shell's webhook runner applies, for its other tenant-named URLs; the
    strict default for anything that is not the guarded runner (a test's canned one)."""
    return webhooks.outbound if isinstance(webhooks, WebhookRunner) else Outbound()

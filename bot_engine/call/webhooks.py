"""The mid-call webhook runner: asynchronous, bounded by the step's timeout.

Unlike the text simulator's blocking runner, this one runs on the call's event loop and is
cancelled at its deadline (`asyncio.timeout`), so a backend that never answers costs the
call exactly `timeout_s` and the audio keeps flowing meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot_engine.dialog.actions import CallWebhook
from bot_engine.dialog.events import WebhookResult

AsyncWebhookRunner = Callable[[CallWebhook], Awaitable[WebhookResult]]


async def http_webhook_async(action: CallWebhook) -> WebhookResult:
    """Perform the request; failures and the deadline become the error/timeout branches."""
    rid = action.request_id
    try:
        async with asyncio.timeout(action.timeout_s), httpx.AsyncClient() as client:
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
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        return WebhookResult(request_id=rid, status="error", error=str(exc) or repr(exc))
    if response.status_code >= 400:
        return WebhookResult(
            request_id=rid,
            status="error",
            status_code=response.status_code,
            error=f"HTTP {response.status_code}",
        )
    try:
        data: Any = response.json() if response.content else None
    except ValueError:
        data = response.text
    return WebhookResult(
        request_id=rid, status="success", status_code=response.status_code, data=data
    )

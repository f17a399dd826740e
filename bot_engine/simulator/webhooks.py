"""Webhook runners for the text shells: the real request, or a canned answer.

The simulator makes the real HTTP request (developers test against their real backend);
dialog tests answer from the test file, so every branch can be exercised offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from bot_engine.dialog.actions import CallWebhook
from bot_engine.dialog.events import WebhookResult


def http_webhook(action: CallWebhook) -> WebhookResult:
    """Perform the request with its timeout; failures become the error/timeout branches."""
    try:
        response = httpx.request(
            action.method,
            action.url,
            headers=action.headers,
            json=action.body if action.method != "GET" else None,
            timeout=action.timeout_s,
        )
    except httpx.TimeoutException:
        return WebhookResult(request_id=action.request_id, status="timeout",
                             error=f"no answer within {action.timeout_s:g} s")
    except httpx.HTTPError as exc:
        return WebhookResult(request_id=action.request_id, status="error", error=str(exc))
    if response.status_code >= 400:
        return WebhookResult(request_id=action.request_id, status="error",
                             status_code=response.status_code,
                             error=f"HTTP {response.status_code}")
    try:
        data: Any = response.json() if response.content else None
    except ValueError:
        data = response.text
    return WebhookResult(request_id=action.request_id, status="success",
                         status_code=response.status_code, data=data)


class CannedWebhooks:
    """Answers per step id: {"status": success|error|timeout, "data": ...}."""

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.answers = dict(answers)
        self.calls: list[CallWebhook] = []

    def __call__(self, action: CallWebhook) -> WebhookResult:
        self.calls.append(action)
        answer = self.answers.get(action.step)
        if answer is None:
            return WebhookResult(request_id=action.request_id, status="error",
                                 error=f"no canned webhook answer for step {action.step!r}")
        if isinstance(answer, str):
            answer = {"status": answer}
        status = answer.get("status", "success")
        return WebhookResult(
            request_id=action.request_id,
            status=status,
            status_code=answer.get("status_code", 200 if status == "success" else None),
            data=answer.get("data"),
            error=answer.get("error"),
        )

"""Canned webhook answers for dialog tests, so every branch can be exercised offline.

Real requests go through the one guarded runner, `bot_engine.call.webhooks.WebhookRunner`
(its `blocking()` form for the text simulator).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot_engine.dialog.actions import CallWebhook
from bot_engine.dialog.events import WebhookResult


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

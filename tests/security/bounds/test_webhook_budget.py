"""A webhook step that leads back to itself ends (issue 12, section 3): each answer from the
backend counts as a turn, so the call ends with `max_turns` after at most that many
requests, and validation warns about the cycle."""

from __future__ import annotations

import json

from bot_engine.dialog.actions import CallWebhook
from bot_engine.dialog.events import WebhookResult
from bot_engine.script import load_script
from bot_engine.simulator import run_conversation

from .conftest import BoundedApi
from .stall_kit import webhook_loop

SAFETY_NET = 10_000
"""The old engine looped forever; the counting runner stops it here so the test fails."""


def loop_script(max_turns: int = 40) -> str:
    script = webhook_loop()["script"]
    script["settings"] = {"max_turns": max_turns}
    return json.dumps(script)


def test_a_webhook_cycle_ends_after_max_turns_requests() -> None:
    calls: list[str] = []

    def backend(action: CallWebhook) -> WebhookResult:
        calls.append(action.url)
        assert len(calls) < SAFETY_NET, "the webhook loop did not stop"
        status = "success" if len(calls) % 2 else "error"
        return WebhookResult(request_id=action.request_id, status=status, data={})

    script = load_script(loop_script(max_turns=25)).script
    session = run_conversation(script, {}, [], webhooks=backend)
    assert session.result is not None and session.result.ending == "max_turns"
    assert len(calls) == 25


def test_validation_warns_about_a_webhook_cycle_without_a_question() -> None:
    loaded = load_script(loop_script())
    [warning] = [w for w in loaded.warnings if "webhook" in w.path]
    assert warning.path == "steps.s.webhook" and "max_turns" in warning.message
    looping_through_a_question = json.loads(loop_script())
    looping_through_a_question["steps"]["s"]["on"] = {"success": "ask", "error": "ask"}
    looping_through_a_question["steps"]["ask"] = {
        "ask": "Try again?", "expect": "confirm", "on": {"yes": "s", "no": "bye"}}
    warnings = load_script(json.dumps(looping_through_a_question)).warnings
    assert [w for w in warnings if "webhook" in w.path] == []


async def test_simulate_with_a_webhook_loop_answers(bounded_api: BoundedApi) -> None:
    async with bounded_api.client() as client:
        response = await client.post("/v1/simulate", json=webhook_loop())
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["ending"] == "max_turns"
    requests = [e for e in response.json()["transcript"] if e["text"].startswith("webhook GET")]
    assert len(requests) == 40

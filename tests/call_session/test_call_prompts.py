"""Prompts rendered ahead of a call are exactly the texts the Dialog will say."""

from __future__ import annotations

from bot_engine.call.prompts import call_prompts, script_prompts
from bot_engine.script import validate_variables
from bot_engine.simulator import CannedWebhooks, run_conversation
from tests.call_session.call_session_helpers import load

VARS = {"name": "John", "product": "a custom kitchen", "company": "Acme Furniture"}


def test_static_prompts_have_no_templates_and_call_prompts_fill_variables() -> None:
    script = load("lead_qualification.en.yaml")
    static = script_prompts(script)
    assert static and all("{{" not in text for text in static)
    assert not any("John" in text for text in static)
    known = call_prompts(script, validate_variables(script, VARS))
    assert any("John" in text for text in known)
    assert set(static) <= set(known)
    assert all("{{" not in text and "None" not in text for text in known)


def test_every_prompt_of_a_conversation_that_reads_no_slot_was_prerendered() -> None:
    script = load("lead_qualification.en.yaml")
    variables = validate_variables(script, VARS)
    known = set(call_prompts(script, variables))
    conversations = [
        ["yes, speaking", "sure", "yes", "next month", "about two thousand dollars", "no"],
        ["no"],
        ["yes", "/silence", "/silence", "/silence"],
        ["who is this?", "yes", "I am busy", "tomorrow at 5 pm"],
        ["banana", "banana", "banana"],
    ]
    said = 0
    for turns in conversations:
        session = run_conversation(script, variables, turns, webhooks=CannedWebhooks({}))
        for entry in session.transcript:
            if entry.role == "bot":
                said += 1
                assert entry.text in known, entry.text
    assert said >= 15

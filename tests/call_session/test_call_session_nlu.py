"""A live call whose script reads replies with Rasa: the session asks the server (a loopback
peer speaking Rasa's /model/parse) off the event loop and the Dialog follows its reading."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot_engine.call.speech import CallSpeech
from bot_engine.call.voice_simulator import simulate_call
from bot_engine.call.webhooks import WebhookRunner
from bot_engine.net import SsrfGuard
from bot_engine.script import validate_variables
from bot_engine.script.model import NluSettings, RasaSettings, Script
from tests.call_session.call_session_helpers import load, turns
from tests.nlu.json_server import JsonServer, rasa_parse

pytestmark = pytest.mark.slow

LEAD_VARS = {"name": "John", "product": "a custom kitchen", "company": "Acme Furniture"}


async def test_rasa_reads_the_replies_of_a_live_call(
    make_speech: Callable[[Script], CallSpeech],
) -> None:
    server = JsonServer(lambda path, body: (200, rasa_parse("deny", 0.95)))
    try:
        script = load("lead_qualification.en.yaml")
        script = script.model_copy(update={"nlu": NluSettings(
            rasa=RasaSettings(url=server.url, timeout_ms=3000))})
        variables = validate_variables(script, LEAD_VARS)
        # The Rasa server is on loopback: allow-listed like the webhooks, as an operator would.
        sim = await simulate_call(script, variables, ["yes, speaking"], make_speech(script),
                                  webhooks=WebhookRunner(SsrfGuard(["127.0.0.1/32"])))
    finally:
        server.close()
    report = sim.report
    heard = turns(report, "caller")
    assert heard and "speaking" in heard[0].text.lower()
    assert [body["text"] for _, body, _ in server.requests] == [heard[0].text]
    # The caller said yes, Rasa read a "deny": the robot followed Rasa.
    assert report.result.outcome == "wrong_person", report.transcript

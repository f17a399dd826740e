"""A script's intent patterns cannot stall a call (issue 12, section 3): a catastrophic
regular expression gives up within the per-turn time limit and counts as no match, with a
log line; ordinary patterns match as before."""

from __future__ import annotations

import json
import logging

import pytest

from bot_engine.nlu.intents import IntentMatcher, IntentSpec
from bot_engine.script import load_script
from bot_engine.simulator import run_conversation

from .stall_kit import catastrophic_intent

# The caller's words are normalized first (a stretched "xxxxxxxx" becomes "x"), so the
# attacks run on text that normalization keeps: 29 distinct letters.
LETTERS = "abcdefghijklmnopqrstuvwxzabcd"


@pytest.mark.parametrize("pattern", [r"(\w|\w)+\d", r"(\w|\w|\w)+\d", "(x+)+y"])
def test_a_catastrophic_pattern_is_a_no_match_with_a_log_line(
    pattern: str, caplog: pytest.LogCaptureFixture
) -> None:
    matcher = IntentMatcher({"bad": IntentSpec(patterns=[pattern])}, "en")
    with caplog.at_level(logging.WARNING, logger="bot_engine.nlu.intents"):
        found = matcher.match(LETTERS if "\\w" in pattern else "x" * 26)
    assert found.intent is None
    gave_up = any("gave up" in record.getMessage() for record in caplog.records)
    # `regex` sees through (x+)+y at once (`re` took 13 s); the others need the time limit
    assert gave_up is (pattern != "(x+)+y")


def test_patterns_still_match() -> None:
    matcher = IntentMatcher({"price": IntentSpec(patterns=[r"how much|price"]),
                             "bad": IntentSpec(patterns=["(x|x)+y"])}, "en")
    assert matcher.match("what is the price").intent == "price"


def test_a_simulated_call_with_a_catastrophic_pattern_takes_the_no_match_branch() -> None:
    attack = catastrophic_intent()
    script = load_script(json.dumps(attack["script"]))
    session = run_conversation(script.script, {}, attack["turns"], webhooks=_none)
    assert session.result is not None
    assert ("s", "no_match:retry") in session.trace.branches


def _none(action: object) -> object:
    raise AssertionError("no webhook expected")

"""A script's intent patterns cannot stall a call, and their answer never depends on the
machine's load (issue 12, section 3): they run on a linear-time engine (RE2), so a
catastrophic regular expression matches or misses exactly as its meaning says, at once,
with no time limit that a busy machine could reach."""

from __future__ import annotations

import json

import pytest

from bot_engine.nlu import intents as intents_module
from bot_engine.nlu.intents import IntentMatcher, IntentSpec
from bot_engine.script import load_script
from bot_engine.simulator import run_conversation

from .stall_kit import catastrophic_intent

# The caller's words are normalized first (a stretched "xxxxxxxx" becomes "x"), so the
# attacks run on text that normalization keeps: 29 distinct letters.
LETTERS = "abcdefghijklmnopqrstuvwxzabcd"


@pytest.mark.parametrize("pattern", [r"(\w|\w)+\d", r"(\w|\w|\w)+\d", "(x+)+y"])
def test_a_catastrophic_pattern_that_cannot_match_is_a_no_match(pattern: str) -> None:
    matcher = IntentMatcher({"bad": IntentSpec(patterns=[pattern])}, "en")
    assert matcher.match(LETTERS if "\\w" in pattern else "x" * 26).intent is None


@pytest.mark.parametrize("pattern", [r"(\w|\w)+\d|\bok\b", r"(\w|\w|\w)+\d|\bok\b"])
def test_a_catastrophic_pattern_that_matches_matches(pattern: str) -> None:
    """A backtracking engine tries the first branch at the first letter for ever and gives
    up before it reaches "ok": the answer was "no match". The meaning is "match"."""
    matcher = IntentMatcher({"ok": IntentSpec(patterns=[pattern])}, "en")
    assert matcher.match(f"{LETTERS} ok").intent == "ok"
    assert matcher.match(LETTERS).intent is None


def test_a_loaded_machine_gives_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load, simulated: the wall-clock limit a busy machine would reach is set to nothing.
    A pattern that backtracks a few milliseconds then changed its answer; now there is no
    such limit to reach."""
    matcher = IntentMatcher({"ok": IntentSpec(patterns=[r"(\w|\w)+\d|\bok\b"])}, "en")
    text = "abcdefghijklmnopqr ok"
    assert matcher.match(text).intent == "ok"
    monkeypatch.setattr(intents_module, "PATTERNS_TIMEOUT_S", 0.0, raising=False)
    assert matcher.match(text).intent == "ok"


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

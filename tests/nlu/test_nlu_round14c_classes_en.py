"""English classes of round fourteen (c): the clause after "but / though / that said /
anyway" decides a yes/no ("its been on the back burner but yes", "i was about to say no but
ok", "it sounds great but no thanks"); what the caller sells or does, what is going on, a
poll or a survey "or something", "whod you say you were" ask who is calling, on any step; a
short window of time ("i can give you like two minutes", "just while the coffee brews",
"till my ride gets here", "be quick about it") is a yes to "do you have a couple of
minutes?". Every example is a paraphrase, in no eval file, and fails on the code before the
round; the guards go the other way."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply

LEAD_EN, CONSENT_EN = "lead_qualification.en.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the clause after the contrast decides
        (LEAD_EN, "relevant", "its been on the back burner but yes", "yes"),
        (LEAD_EN, "relevant", "we held off on it but yeah", "yes"),
        (LEAD_EN, "convenient", "im on the road but sure go on", "yes"),
        (LEAD_EN, "convenient", "i was about to say no but ok", "yes"),
        (CONSENT_EN, "ask_consent", "i was gonna refuse but sure", "yes"),
        (CONSENT_EN, "ask_consent", "im not a fan of it but okay", "yes"),
        (LEAD_EN, "relevant", "it sounds great but no thanks", "no"),
        (CONSENT_EN, "ask_consent", "that all sounds fine but no", "no"),
        # what the caller sells or does, what is going on: who is calling
        (LEAD_EN, "convenient", "so what are you selling", "handler:who_is_this"),
        (LEAD_EN, "relevant", "what are you people selling exactly", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "what do you folks sell", "handler:who_is_this"),
        (LEAD_EN, "ask_budget", "what are yall pushing", "handler:who_is_this"),
        (LEAD_EN, "relevant", "um whats going on", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "wait what is going on here", "handler:who_is_this"),
        (LEAD_EN, "ask_timeframe", "whats going on now", "handler:who_is_this"),
        # who they said they were, a survey or a poll guessed
        (LEAD_EN, "greet", "who'd you say you were with", "handler:who_is_this"),
        (LEAD_EN, "relevant", "who'd you say this was", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "who'd you say you were calling from", "handler:who_is_this"),
        (LEAD_EN, "greet", "is this a poll", "handler:who_is_this"),
        (LEAD_EN, "convenient", "is this some survey or something", "handler:who_is_this"),
        (CONSENT_EN, "greet", "is this a questionnaire or what", "handler:who_is_this"),
        # a short window of time: a yes
        (LEAD_EN, "convenient", "i can give you like two minutes", "yes"),
        (LEAD_EN, "convenient", "just while the coffee brews", "yes"),
        (LEAD_EN, "convenient", "only till my ride gets here", "yes"),
        (LEAD_EN, "convenient", "until the bus comes", "yes"),
        (LEAD_EN, "convenient", "be quick about it then", "yes"),
        (LEAD_EN, "convenient", "quickly im about to head into a meeting", "yes"),
    ],
)
def test_step_replies(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the contrast the other way, or no answer after it
        (LEAD_EN, "convenient", "id love to but i really cant right now", "no"),
        (LEAD_EN, "convenient", "sure but not right now", "no"),
        (LEAD_EN, "convenient", "ok make it quick though", "yes"),
        (LEAD_EN, "convenient", "sure but who is this", "yes"),
        # answered, then asked: an answer
        (LEAD_EN, "convenient", "yeah sure whats going on here", "yes"),
        (LEAD_EN, "convenient", "nothing much going on go ahead", "yes"),
        # a robot asked about: a person wanted
        (LEAD_EN, "convenient", "are you a robot or what", "handler:operator"),
        # a second is labelled as its words say; busy things stay busy
        (LEAD_EN, "convenient", "i only have a second", "yes"),
        (LEAD_EN, "convenient", "not really, 30 seconds", "no"),
        (LEAD_EN, "convenient", "give me a few minutes", "no"),
        (LEAD_EN, "convenient", "im about to head into a meeting", "no"),
    ],
)
def test_step_replies_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("lang", "script_file", "text"),
    [
        ("en", "lead_qualification.en.yaml", "still interested but not now"),
        ("en", "lead_qualification.en.yaml", "still need it but later though"),
        ("ru", "lead_qualification.ru.yaml", "актуально но не сейчас"),
    ],
)
def test_a_deferral_after_the_contrast_leaves_still_interested_a_yes(
        lang: str, script_file: str, text: str) -> None:
    """To "still interested?" a deferral after "but" says when, not whether: the yes before
    it stands (to "is now a good time?" the same words are a no)."""
    assert step_reply(script_file, "relevant", text)[0] == "yes"
    assert step_reply(script_file, "convenient", text)[0] in ("no", "busy")

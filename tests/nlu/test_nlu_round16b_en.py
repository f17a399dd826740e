"""English classes of natural replies found by the twenty-first fresh batch (round sixteen,
second part): someone else answering said through who answers (a business, a carer, a
flatmate with the name, a number new to its owner, "youve got <another name> here"); to
"still interested?", the state of the thing (frost inside, swollen or painted shut, the
original one from decades ago, a stopgap hung over it, the other firm that never came) is
a yes, and the job done by someone else, the thing sealed and fine now or the home torn
down a no; to "is now a good time?", out of the shower or on another call is busy, a yes
with the one who just left free; to an offer, a break that is over is busy; to a consent
to paperless statements, paper kept (the bookkeeper wants it, letters liked, everything
printed) refuses and mail that never reaches the caller agrees; a weak yes taken back at
once ("i suppose so but im not sure") is no answer yet; to a read-back, "i thought you
said" corrects. Who is calling is asked through the past ("are you the same
people that came out"), a scam or "what do you mean by <their word>"; the question is asked
back with a noise or a place after it; the opt-out is said to the caller's face. Every
example is a paraphrase, in no eval file, and fails on the code before the round; the
guards (in `*_guards` tests) go the other way."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD_EN, CONSENT_EN = "lead_qualification.en.yaml", "consent_confirmation.en.yaml"
PAPERLESS = {"purpose": "paperless billing for your phone plan"}


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # someone else answered, said through who answers
        ("identity", "this is the nursing home front desk", "no"),
        ("identity", "this is the drugstore how can i help", "no"),
        ("identity", "this is her nurse shes resting", "no"),
        ("identity", "this is her aide shes asleep", "no"),
        ("identity", "ive only had this number a couple weeks", "no"),
        ("identity", "nope youve got marcus here", "no"),
        # the state of the thing the product fixes
        ("relevance", "the back door is swollen shut every summer", "yes"),
        ("relevance", "ice forms on the inside of the skylight", "yes"),
        ("relevance", "the furnace is original to the house", "yes"),
        ("relevance", "we hang blankets over the doors all winter", "yes"),
        ("relevance", "the bedroom windows wont stay open", "yes"),
        ("relevance", "yes the other contractor never called us back", "yes"),
        ("relevance", "those gutters are from the sixties", "yes"),
        # done by someone else, fine now, the home torn down
        ("relevance", "my uncle is a glazier and he did them", "no"),
        ("relevance", "sears did ours in april", "no"),
        ("relevance", "we resealed the tub and its fine now", "no"),
        ("relevance", "were going to tear the cabin down", "no"),
        ("relevance", "were bulldozing the old house in june", "no"),
        # a good time: a shower, a yes with the one who just left
        ("availability", "sorry i just stepped out of the bath", "no"),
        ("availability", "i just hopped out of the tub", "no"),
        ("availability", "yes the electrician finally left so siding is on my mind", "yes"),
        ("availability", "sure the crew just left so the roof is on my mind", "yes"),
        ("offer", "my coffee break is over", "no"),
        ("offer", "sorry break is over for me", "no"),
        # paper kept, or paper that never reaches the caller
        ("consent", "my bookkeeper needs paper statements", "no"),
        ("consent", "my husband prefers paper", "no"),
        ("consent", "i like getting letters honestly", "no"),
        ("consent", "i print it all out anyway", "no"),
        ("consent", "i like to go over it at the desk with a pencil", "no"),
        ("consent", "my mail keeps getting stolen", "yes"),
        ("consent", "the letters never reach us out here", "yes"),
        ("consent", "we travel all the time so the bills get lost", "yes"),
        # a weak yes taken back at once: no answer yet
        ("consent", "i suppose so but im not sure", None),
        ("availability", "i think so maybe not", None),
        ("offer", "maybe yeah maybe not", None),
        # the robot corrected on what it read back
        ("readback", "hold on i thought we said email", "no"),
        ("readback", "i thought it was the other number", "no"),
    ],
)
def test_answers(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "en", ("rosalind",) if asked == "identity" else ()) == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("identity", "you got her", "yes"),
        ("identity", "this is her", "yes"),
        ("identity", "yeah you got rosalind here", "yes"),
        ("relevance", "no the windows open fine", "no"),
        ("relevance", "the door doesnt stick shut anymore", "no"),
        ("relevance", "i did it online", None),
        ("relevance", "we went with another company", "no"),
        ("availability", "im on my lunch break", "yes"),
        ("availability", "no i mind", "no"),
        ("offer", "sure im on my lunch break", "yes"),
        ("consent", "no my mail gets stolen but i still want paper", "no"),
        ("consent", "she doesnt want paper", "no"),
        ("readback", "yes i thought so", "yes"),
        ("consent", "i guess so", "yes"),
        ("consent", "yes im sure", "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "en", ("rosalind",) if asked == "identity" else ()) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # on another call, said while turning away
        (LEAD_EN, "convenient", "hold on im on the other line with the school", "no"),
        # who is calling, through the past, a scam or their own word
        (LEAD_EN, "relevant", "are you the same company as the one that did my roof",
         "handler:who_is_this"),
        (LEAD_EN, "ask_budget", "is this call legit", "handler:who_is_this"),
        (LEAD_EN, "greet", "are yall scammers", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "whats bright horizon lending", "handler:who_is_this"),
        (LEAD_EN, "relevant", "are you the same guys who did my neighbors roof",
         "handler:who_is_this"),
        (LEAD_EN, "ask_timeframe", "hold on who is asking", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "what do you mean by processing", "handler:who_is_this"),
        (CONSENT_EN, "greet", "who did you say this was from again i missed it",
         "handler:who_is_this"),
        # the question asked back, a noise or a place after it
        (LEAD_EN, "relevant", "what was that about roofs", "handler:repeat"),
        (LEAD_EN, "offer_manager", "connect me to who from your office", "handler:repeat"),
        (LEAD_EN, "ask_budget", "my what again", "handler:repeat"),
        (LEAD_EN, "offer_manager", "connect me with who at acme", "handler:repeat"),
        (CONSENT_EN, "ask_consent", "what do you mean by statements", "handler:who_is_this"),
        # the opt-out said to the caller's face
        (LEAD_EN, "greet", "dont you ever ring here again", "handler:opt_out"),
        (LEAD_EN, "convenient", "you dont need to phone back ever", "handler:opt_out"),
    ],
)
def test_step_replies(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_EN, "convenient", "hold on my other phone is ringing", "no_match:retry"),
        (CONSENT_EN, "ask_consent", "what do you mean by that", "handler:repeat"),
        (CONSENT_EN, "ask_consent", "what do you mean", "handler:repeat"),
        (LEAD_EN, "relevant", "whats this about", "handler:who_is_this"),
        (LEAD_EN, "offer_manager", "yes connect me", "yes"),
        (LEAD_EN, "ask_budget", "no sorry", "no_match:retry"),
        (LEAD_EN, "relevant", "i dont remember asking for a quote", "no"),
    ],
)
def test_step_replies_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("our accountant wants paper", "no"),
        ("mail it please i print everything", "no"),
        ("the mailman never finds our house", "yes"),
    ],
)
def test_paperless_consent(text: str, expected: str) -> None:
    assert step_reply(CONSENT_EN, "ask_consent", text, **PAPERLESS)[0] == expected

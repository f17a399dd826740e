"""English classes of natural replies found by the fifteenth fresh batch (round fifteen):
the one asked for answering with a short form of another spelling of their name ("meg"
for Marguerite, through Margaret) or with the name as the recogniser spelt or split it;
to "still interested?", the damage there to be seen ("a tarp on it"), about to call anyway,
a yes before someone else's job done are a yes; the job done for us, the thing fine as it
is, someone else in charge of it are a no; the kind of call guessed ("one of those sales
calls"), a sign-up doubted, the trade guessed, what it costs and where the number goes ask
who is calling; someone of theirs by role ("the pharmacist") or a person to call instead
is a person wanted; "what was that name", "when what do you mean", "my budget for what"
ask again; the adjuster or the bank deciding the sum is a "don't know"; agreeing words
before "thats what i said" confirm a read-back; somewhere to wait, then "so yeah", and
"now works better than later" are a yes to "is now a good time?". Every example is a
paraphrase, in no eval file, and fails on the code before the round; the guards (in
`*_guards` tests) go the other way."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD_EN, CONSENT_EN = "lead_qualification.en.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("asked", "text", "names", "expected"),
    [
        # a short form of the name under another spelling of it
        ("identity", "yes this is meg", ("marguerite",), "yes"),
        ("identity", "yeah its madge", ("marguerite",), "yes"),
        ("identity", "maggie speaking who is this", ("marguerite",), "yes"),
        ("identity", "this is madge who is it", ("marguerite",), "yes"),
        ("identity", "its alix", ("alexandra",), "yes"),
        # the name as the recogniser spelt it, or split it in two
        ("identity", "margeret here", ("marguerite",), "yes"),
        ("identity", "margrit here", ("marguerite",), "yes"),
        ("identity", "this is margarite whos calling", ("marguerite",), "yes"),
        ("identity", "mar greet here", ("marguerite",), "yes"),
        # the damage there to be seen: still wanted
        ("relevance", "the siding is peeling off the back wall", (), "yes"),
        ("relevance", "we have pots under the drips in the kitchen", (), "yes"),
        ("relevance", "theres branches and shingles all over the yard", (), "yes"),
        ("relevance", "weve got a blue tarp over the garage roof", (), "yes"),
        ("relevance", "the wind ripped off a bunch of shingles", (), "yes"),
        ("relevance", "half the tiles are missing after the storm", (), "yes"),
        ("relevance", "the appraiser came by and said the roof was a total loss", (), "yes"),
        # about to call them anyway
        ("relevance", "i was just about to call you folks", (), "yes"),
        ("relevance", "we were meaning to reach out to you", (), "yes"),
        # a yes, then someone else's job done: the yes stands
        ("relevance", "sure the people next door already had theirs replaced", (), "yes"),
        # done for us, or nothing to fix
        ("relevance", "the installers wrapped up the job yesterday", (), "no"),
        ("relevance", "no everything looks fine", (), "no"),
        ("relevance", "the house is fine now thanks", (), "no"),
        ("relevance", "the roof is fine", (), "no"),
    ],
)
def test_answers(asked: str, text: str, names: tuple[str, ...], expected: str | None) -> None:
    assert answer(asked, text, "en", names) == expected


@pytest.mark.parametrize(
    ("asked", "text", "names", "expected"),
    [
        # another name with the same consonants, or another person's short form
        ("identity", "this is steve", ("stephanie",), "no"),
        ("identity", "this is alexander", ("alexandra",), "no"),
        ("identity", "this is roberta", ("robert",), "no"),
        ("identity", "this is megan", ("marguerite",), "no"),
        ("identity", "this is greg", ("marguerite",), "no"),
        ("identity", "im the one who called", ("theodore",), None),
        ("identity", "maggie isnt here right now", ("marguerite",), "no"),
        # damage denied or mended; someone else's job with no yes; the price is fine
        ("relevance", "no shingles are missing", (), "no"),
        ("relevance", "we had the storm damage fixed already", (), "no"),
        ("relevance", "the tarp came off and they patched it", (), "no"),
        ("relevance", "my neighbors got theirs done", (), None),
        ("relevance", "the price is fine", (), "yes"),
        ("relevance", "we rent an apartment and the building handles repairs", (), "no"),
        ("relevance", "the crew already finished our roof last week", (), "no"),
    ],
)
def test_answers_guards(asked: str, text: str, names: tuple[str, ...],
                        expected: str | None) -> None:
    assert answer(asked, text, "en", names) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the kind of call guessed, a request doubted, the trade guessed: who is calling
        (LEAD_EN, "greet", "is this another one of those solar sales calls", "handler:who_is_this"),
        (LEAD_EN, "convenient", "are you one of those insurance scam guys", "handler:who_is_this"),
        (LEAD_EN, "greet", "did i sign up for this", "handler:who_is_this"),
        (LEAD_EN, "relevant", "wait have i ever registered for something", "handler:who_is_this"),
        (LEAD_EN, "greet", "is this an electrician", "handler:who_is_this"),
        (LEAD_EN, "ask_timeframe", "wait a minute whos asking", "handler:who_is_this"),
        (LEAD_EN, "ask_timeframe", "hang on whos asking", "handler:who_is_this"),
        # what it costs, where the number goes: questions about the offer
        (CONSENT_EN, "ask_consent", "will this cost me anything", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "is there a fee for it", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "are you gonna sell my information", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "do you share my data with other companies",
         "handler:who_is_this"),
        # someone of theirs by their role, or a person to call instead: a person wanted
        (CONSENT_EN, "greet", "can i speak with the pharmacist", "handler:operator"),
        (LEAD_EN, "ask_budget", "id like to talk to your estimator", "handler:operator"),
        (LEAD_EN, "ask_budget", "put the estimator on please", "handler:operator"),
        (CONSENT_EN, "ask_consent", "let me speak to the nurse", "handler:operator"),
        (LEAD_EN, "convenient", "could a real person call me instead", "handler:operator"),
        (LEAD_EN, "relevant", "can a person call me", "handler:operator"),
        # the robot's words asked again
        (LEAD_EN, "greet", "what was that name again", "handler:repeat"),
        (LEAD_EN, "ask_timeframe", "wait what when do you mean", "handler:repeat"),
        (LEAD_EN, "ask_budget", "the budget for what sorry", "handler:repeat"),
        # someone outside sets the sum: no figure yet
        (LEAD_EN, "ask_budget", "whatever the appraiser decides", "unknown"),
        # agreeing words, then "thats what i said": a yes to the read-back
        (CONSENT_EN, "read_back", "you got it thats what i said", "yes"),
        # the situation, then the caller's own yes; now preferred to later
        (LEAD_EN, "convenient", "im sitting in the car so yeah", "yes"),
        (LEAD_EN, "convenient", "im at the laundromat so yeah", "yes"),
        (LEAD_EN, "convenient", "sure now is way better than later", "yes"),
        (LEAD_EN, "convenient", "better now than later", "yes"),
    ],
)
def test_step_replies(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_EN, "offer_manager", "yeah get the estimator on the phone", "yes"),
        (LEAD_EN, "offer_manager", "sure connect me with the estimator", "yes"),
        (LEAD_EN, "greet", "sorry what was that company", "handler:who_is_this"),
        (LEAD_EN, "convenient", "have the manager call me tomorrow", "no"),
        (LEAD_EN, "convenient", "later works better than now", "no"),
        (LEAD_EN, "convenient", "im driving so no", "busy"),
        (LEAD_EN, "convenient", "im at work so yeah", "no"),  # "so yeah" fills the pause
        (LEAD_EN, "convenient", "im sitting in a meeting so", "no"),
        (CONSENT_EN, "ask_consent", "is it free", "no_match:retry"),
        (CONSENT_EN, "read_back", "no thats not what i said", "no"),
        (LEAD_EN, "ask_budget", "i have to talk to my wife about the budget", "unknown"),
        (LEAD_EN, "ask_callback", "i mean you know", "no_match:retry"),
    ],
)
def test_step_replies_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

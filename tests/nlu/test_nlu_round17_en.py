"""English classes of natural replies found by the twenty-second fresh batch (round
seventeen): a verb of something done said as wished for ("yes i want to order the
windows") is no "done"; a busy verb said as a habit ("my son drives a hybrid now") is no
busy fact; after a yes, looking at the very thing is free; to "still interested?", facts of
the caller's life around the need (the one hired let them down, the thing bought but still
to fit, a need with its own deadline, a stopgap that takes days) are a yes, and the thing
that needed it gone, the old way gone back to, someone else's one used a no. The question
is echoed after openers ("hang on still interested in the what") or with a short verb of
its own ("buy when sorry"); whoever is in charge is asked for; who the caller is talking to
is asked with "even"; the clock asked is no handler. Every example is a paraphrase, in no
eval file, and fails on the code before the round; the guards (in `*_guards` tests) go the
other way."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD_EN, CONSENT_EN = "lead_qualification.en.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # a verb of something done, said as wished for
        ("offer", "yes i want to order the windows", "yes"),
        ("offer", "sure i need to schedule the install", "yes"),
        ("offer", "yeah i would like to purchase the package", "yes"),
        ("offer", "yes we need to order the parts", "yes"),
        ("offer", "yes i want them installed asap", "yes"),
        ("offer", "yes id like to get it ordered today", "yes"),
        ("relevance", "we need it installed before winter", "yes"),
        # a busy verb said as a habit: no busy fact, nobody else answering
        ("relevance", "my son drives a hybrid now", None),
        ("relevance", "my wife travels a lot for work", None),
        ("availability", "yes my husband travels for work so its quiet", "yes"),
        # after a yes, looking at the very thing: free
        ("availability", "yes im out back looking at the fence right now", "yes"),
        ("availability", "yeah im standing in the basement looking at the water heater", "yes"),
        ("availability", "yes im standing on the porch looking at the gutters", "yes"),
        ("availability", "sure im in the yard peering at the stump right now", "yes"),
        # the one hired let the caller down
        ("relevance", "the roofer we hired went out of business", "yes"),
        ("relevance", "our contractor flaked on us", "yes"),
        ("relevance", "the guy we booked stopped answering", "yes"),
        ("relevance", "the handyman bailed halfway through", "yes"),
        # the thing bought, the job still to do
        ("relevance", "we got the blinds online they just need hanging", "yes"),
        ("relevance", "the shingles are here they just need putting up", "yes"),
        # a need with its own deadline, after something ordered
        ("relevance", "we ordered the hot tub it arrives in may so we need it by then", "yes"),
        ("relevance", "my mom moves in this fall so we need them before winter", "yes"),
        # the stopgap that takes days
        ("relevance", "the old dryer takes forever to dry anything", "yes"),
        ("relevance", "our well pump takes hours to refill", "yes"),
        # the thing that needed it gone, the old way, someone else's one
        ("relevance", "i wrecked the truck last month", "no"),
        ("relevance", "the boat got stolen in june", "no"),
        ("relevance", "we traded in the motorhome", "no"),
        ("relevance", "we went back to paper", "no"),
        ("relevance", "the gym has a pool so we use that one", "no"),
        ("relevance", "we charge for free at work", "no"),
        ("relevance", "we use the one at the community center", "no"),
        ("relevance", "my sister lets us use hers", "no"),
        ("relevance", "we gave the car back to the dealer", "no"),
        ("relevance", "our installer backed out", "yes"),
        ("relevance", "the company we picked went under", "yes"),
    ],
)
def test_answers(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "en") == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("relevance", "we installed one last year", "no"),
        ("relevance", "we already ordered them", "no"),
        ("relevance", "we had one installed last year", "no"),
        ("relevance", "we got it installed in may", "no"),
        ("offer", "yes i installed it", "no"),
        ("availability", "im driving", "no"),
        ("availability", "yeah im driving looking at the road", "no"),
        ("relevance", "the contractor showed up and finished it", None),
        ("relevance", "we sold the old car and need one for the new one", "yes"),
        ("relevance", "it only takes an hour", None),
        ("relevance", "we bailed on the whole idea", None),
        ("relevance", "we use the one at work but want our own", None),
        ("relevance", "we went back to gas but need one now", "yes"),
        ("relevance", "the new faucet is still in the box", "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "en") == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the question echoed after openers, or with a short verb of its own
        (LEAD_EN, "relevant", "hang on still interested in the what", "handler:repeat"),
        (LEAD_EN, "relevant", "sorry still interested in the what now", "handler:repeat"),
        (LEAD_EN, "offer_manager", "hold on connect me to who again", "handler:repeat"),
        (LEAD_EN, "offer_manager", "hang on connect me to who exactly", "handler:repeat"),
        # whoever is in charge, somebody asked for
        (LEAD_EN, "ask_budget", "put the person in charge on", "handler:operator"),
        (LEAD_EN, "convenient", "i want someone higher up", "handler:operator"),
        (LEAD_EN, "ask_timeframe", "can i talk to somebody please", "handler:operator"),
        # who the caller is talking to, with "even"
        (LEAD_EN, "ask_budget", "so who am i even talking to", "handler:who_is_this"),
        # the clock asked: no handler
        (CONSENT_EN, "ask_consent", "what day is it today", "no_match:retry"),
        (CONSENT_EN, "ask_consent", "um whats the date", "no_match:retry"),
    ],
)
def test_step_replies(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_EN, "ask_timeframe", "buy when sorry", "handler:repeat"),
        (LEAD_EN, "ask_budget", "wait what", "handler:repeat"),
        (LEAD_EN, "ask_callback", "let me talk to whoever runs the place", "handler:operator"),
        (LEAD_EN, "ask_timeframe", "who are we even speaking with", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "what company is it", "handler:who_is_this"),
        (LEAD_EN, "offer_manager", "yes connect me", "yes"),
    ],
)
def test_step_replies_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

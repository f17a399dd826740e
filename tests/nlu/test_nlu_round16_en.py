"""English classes of natural replies found by the nineteenth and twentieth fresh batches
(round sixteen): to "still interested?", a complaint of the state of the thing the product
fixes (a deposit, a mark, a clog, a dry or stiff feel, a taste or smell, decay, age,
pests, a flood, a noise, a fault that keeps coming, a substitute bought by the case) is a
yes, and so are supplies for it made ready after a yes; the thing in place already, what
the caller has sufficing, the thing sound, working or new as it is and the home being
left are a no; to "is now a good time?", a yes with the ones who need the caller asleep,
just in the door or stuck somewhere anyway is free, the hour of a duty or a meal busy; a
name then "thats my name" is the caller's own; to a consent, a move to another practice
refuses, and so does having moved on from them (a pet given away, a child graduated); a
question about the question itself is a repeat, and which of two kinds the caller is, why
a stranger asks, or the place guessed with its street ask who is calling; the staff asked
for outright, the words asked again once more and one's information removed are the
global handlers. Every example is a paraphrase, in no eval file, and fails on the code
before the round; the guards (in `*_guards` tests) go the other way."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD_EN, CONSENT_EN = "lead_qualification.en.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # a complaint of the state of the thing the product fixes
        ("relevance", "the windows fog up every morning", "yes"),
        ("relevance", "the frames are rotting out", "yes"),
        ("relevance", "our roof is getting old", "yes"),
        ("relevance", "the bathroom grout is stained orange", "yes"),
        ("relevance", "the iron leaves rust stains on the clothes", "yes"),
        ("relevance", "the drain backs up and its clogged again", "yes"),
        ("relevance", "my hair feels brittle after every wash", "yes"),
        ("relevance", "the tap water smells like rotten eggs", "yes"),
        ("relevance", "we buy cases of bottled water every week", "yes"),
        ("relevance", "the sliding door sticks shut in winter", "yes"),
        ("relevance", "we had to replace the dishwasher because of the scale", "yes"),
        ("relevance", "we keep finding ants in the kitchen", "yes"),
        ("relevance", "the basement floods every spring", "yes"),
        ("relevance", "the furnace makes a banging noise", "yes"),
        ("relevance", "the breaker keeps tripping", "yes"),
        ("relevance", "theres condensation between the panes", "yes"),
        ("relevance", "we spend a fortune on descaler", "yes"),
        ("relevance", "the heater is on its last legs", "yes"),
        # supplies for it made ready, after a yes
        ("relevance", "yeah we had a truckload of firewood dropped off already", "yes"),
        ("relevance", "yep the shingles came already", "yes"),
        # the thing in place, enough, sound, or the home left
        ("relevance", "we use a space heater and that does the job", "no"),
        ("relevance", "a dehumidifier is enough for us", "no"),
        ("relevance", "my brother is an electrician he hooked one up for us", "no"),
        ("relevance", "our water is fine here", "no"),
        ("relevance", "the siding here is in good shape", "no"),
        ("relevance", "our well was tested and its clean", "no"),
        ("relevance", "the old system still works fine", "no"),
        ("relevance", "our windows are only two years old", "no"),
        ("relevance", "the bank foreclosed on the house", "no"),
        ("relevance", "mom moved into a nursing home", "no"),
        ("relevance", "we capped off the old well", "no"),
        ("relevance", "the builder put one in when they built the house", "no"),
        ("relevance", "the previous owners left one", "no"),
        ("relevance", "we are on a fixed income now", "no"),
        ("relevance", "the house is going up for sale", "no"),
        ("relevance", "the roof is brand new", "no"),
        ("relevance", "the water here is perfect", "no"),
        # a yes, then the ones needing the caller asleep, just in the door, stuck anyway
        ("availability", "yeah the twins are down for a nap", "yes"),
        ("availability", "sure im stuck at the airport anyway", "yes"),
        ("availability", "yes i just got in from work", "yes"),
        ("availability", "yeah my husband is asleep so its quiet", "yes"),
        ("availability", "sure the baby is finally asleep", "yes"),
        ("availability", "yes im in the car but parked", "yes"),
        ("availability", "i have a client in five minutes", "no"),
        # the hour of a duty or a meal, a service attended
        ("availability", "my class just started", "no"),
        ("availability", "its bath time for the kids", "no"),
        ("availability", "my rehearsal is starting", "no"),
        ("availability", "my shift starts in five minutes", "no"),
        ("availability", "its my lunch rush", "no"),
        ("availability", "were at temple right now", "no"),
        # a move to another practice
        ("consent", "we switched to a different dentist", "no"),
        ("consent", "i go to another pharmacy now", "no"),
        ("consent", "we changed banks last year", "no"),
        ("consent", "we switched insurance companies", "no"),
        # moved on from them, said alone
        ("consent", "we gave the dog to my sister", "no"),
        ("consent", "my son graduated last year", "no"),
        ("consent", "i transferred my prescriptions to cvs", "no"),
        ("consent", "we left that church", "no"),
        ("consent", "my kids are in a different district now", "no"),
    ],
)
def test_answers(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "en") == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("relevance", "the glass used to get cloudy but the softener fixed it", "no"),
        ("relevance", "there are no spots anymore since we got one", "no"),
        ("relevance", "the windows dont fog up at all", "no"),
        ("relevance", "no the frames are rotting but we replaced them", "no"),
        ("relevance", "the repair guy got the old one running again", "no"),
        ("relevance", "they were just ants", None),
        ("relevance", "we just put in a request online", None),
        ("relevance", "the price is fine", "yes"),
        ("relevance", "no we got a pellet stove instead", "no"),
        ("availability", "yeah im driving", "no"),
        ("availability", "its lunch time", None),
        ("availability", "yeah im parked but the kids are screaming", "no"),
        ("consent", "yes we switched to a new plan with you", "yes"),
        ("consent", "yes i left that church but go ahead", "yes"),
        ("consent", "yes please my son graduated and wants updates", "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "en") == expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("megan thats my name", "megan", "yes"),
        ("uh gregory thats my first name", "gregory", "yes"),
        ("rosalind jones thats my name", "rosalind", "yes"),
    ],
)
def test_names(text: str, name: str, expected: str) -> None:
    assert answer("identity", text, "en", (name,)) == expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("thats not my name", "megan", "no"),
        ("megan thats my wifes name", "megan", "no"),
    ],
)
def test_names_guards(text: str, name: str, expected: str) -> None:
    assert answer("identity", text, "en", (name,)) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a question about the question itself
        (LEAD_EN, "relevant", "sorry what was that about the windows", "handler:repeat"),
        (CONSENT_EN, "ask_consent", "whats that about again", "handler:repeat"),
        (LEAD_EN, "ask_timeframe", "the purchase date you mean", "handler:repeat"),
        (LEAD_EN, "ask_timeframe", "how soon do i want it is that the question",
         "handler:repeat"),
        (LEAD_EN, "ask_budget", "how much you said", "handler:repeat"),
        (CONSENT_EN, "ask_consent", "sorry what processing", "handler:repeat"),
        (LEAD_EN, "convenient", "whats convenient sorry", "handler:repeat"),
        (LEAD_EN, "ask_timeframe", "buying it when sorry", "handler:repeat"),
        (LEAD_EN, "offer_manager", "sorry what was that about a transfer", "handler:repeat"),
        (LEAD_EN, "offer_manager", "sorry the connection dropped connect me with whom",
         "handler:repeat"),
        # which of two kinds the caller is, why a stranger asks, the place with its street
        (LEAD_EN, "ask_budget", "are you the manufacturer or a dealer", "handler:who_is_this"),
        (LEAD_EN, "ask_budget", "why would some stranger want my income", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "hang on is this the clinic on oak avenue",
         "handler:who_is_this"),
        # someone put on by their trade
        (LEAD_EN, "relevant", "put an installer on", "handler:operator"),
        (LEAD_EN, "relevant", "put an expert on the phone", "handler:operator"),
        (LEAD_EN, "ask_timeframe", "is this the manufacturer or a dealer", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "wait is this the dentist on elm street",
         "handler:who_is_this"),
    ],
)
def test_step_replies(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (CONSENT_EN, "ask_consent", "what bank did you say", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "what data do you mean", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "sorry what company", "handler:who_is_this"),
        (LEAD_EN, "relevant", "whats this about", "handler:who_is_this"),
        (LEAD_EN, "offer_manager", "yes connect me", "yes"),
        (LEAD_EN, "relevant", "are you asking me or my wife", "no_match:retry"),
    ],
)
def test_step_replies_guards(script_file: str, step: str, text: str,
                             branch: str | None) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the staff asked for outright, the words asked again, one's details removed
        (LEAD_EN, "relevant", "i want a rep please", "handler:operator"),
        (CONSENT_EN, "ask_consent", "can i get the receptionist", "handler:operator"),
        (CONSENT_EN, "greet", "give me reception", "handler:operator"),
        (LEAD_EN, "relevant", "ask the question once more", "handler:repeat"),
        (LEAD_EN, "ask_timeframe", "read it once more please", "handler:repeat"),
        (LEAD_EN, "convenient", "delete my contact info", "handler:opt_out"),
    ],
)
def test_handlers_said_plainly(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

"""Round twenty-two: the classes the blind training batches of the round showed on the code
before it (each example is a paraphrase written for its class, not a reply of the eval
set)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot_engine.nlu import extract_entities, given_names
from tests.nlu.polar_questions import answer, step_reply

EN_NOW = datetime(2028, 2, 14, 11, 20, tzinfo=ZoneInfo("America/New_York"))  # a Monday
LEAD = "lead_qualification.en.yaml"
CONSENT = "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(CONSENT, "ask_consent", "sure knock yourselves out", "yes"),
     (CONSENT, "ask_consent", "have at it then", "yes"),
     (CONSENT, "ask_consent", "yeah just do it", "yes"),
     (CONSENT, "ask_consent", "ok go nuts", "yes"),
     (CONSENT, "ask_consent", "fine let them have it", "yes"),
     (CONSENT, "ask_consent", "put us down for it", "yes"),
     (CONSENT, "ask_consent", "whatever saves me money", "yes"),
     (LEAD, "convenient", "sure knock yourself out", "yes"),
     (LEAD, "convenient", "yeah have at it", "yes"),
     (LEAD, "offer_manager", "yeah do it", "yes"),
     (CONSENT, "ask_consent", "im gonna sit that one out", "no"),
     (CONSENT, "ask_consent", "id prefer to keep my info private", "no"),
     (CONSENT, "ask_consent", "thats personal", "no"),
     (CONSENT, "ask_consent", "ill skip this one", "no"),
     (CONSENT, "ask_consent", "nah were all set thanks", "no"),
     (CONSENT, "ask_consent", "im good thank you", "no"),
     (CONSENT, "read_back", "actually leave that off please", "no"),
     (LEAD, "relevant", "think ill sit this one out", "no"),
     (CONSENT, "ask_consent", "dont do it", "no")],
)  # fmt: skip
def test_agreement_and_refusal_without_yes_or_no(script: str, step: str, text: str,
                                                 branch: str) -> None:
    """Leave given in slang ("knock yourself out", "have at it", "do it", "let them have
    it", "put me in") is a yes; staying out ("sit this one out", "keep it private", "leave
    it out", to a consent "were all set") a no."""
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("asked", "text", "said"),
    [("consent", "sure knock yourselves out", "yes"), ("consent", "have at it", "yes"),
     ("consent", "just do it then", "yes"), ("consent", "go nuts", "yes"),
     ("consent", "ok let them see my records", "yes"), ("consent", "count us in too", "yes"),
     ("consent", "so put me in", "yes"), ("consent", "whatever gets us the discount", "yes"),
     ("availability", "knock yourself out", "yes"), ("offer", "do it", "yes"),
     ("consent", "ill sit this one out", "no"), ("relevance", "were sitting this one out", "no"),
     ("consent", "id rather keep that to myself", "no"), ("consent", "its private", "no"),
     ("readback", "on second thought take it off", "no"), ("consent", "were all good", "no"),
     ("consent", "dont do it", "no"), ("consent", "dont let them see it", "no"),
     ("consent", "dont put me down for it", "no")],
)  # fmt: skip
def test_the_families_read_leave_and_staying_out(asked: str, text: str, said: str) -> None:
    """The rules themselves (not the learned layers): the agree and refuse families."""
    assert answer(asked, text, "en") == said


def test_a_person_asked_for_through_is_not_agreement() -> None:
    assert step_reply(CONSENT, "ask_consent", "put me in touch with a manager")[0] != "yes"


@pytest.mark.parametrize(
    ("text", "value"),
    [("like nine hunnid", 900), ("twelve hundo", 1200), ("three fiddy", 350),
     ("a hunnid bucks", 100), ("two hunnit tops", 200), ("maybe eight hunnid fitty", 850)],
)  # fmt: skip
def test_hundreds_and_fifty_as_the_street_says_them(text: str, value: int) -> None:
    assert [e.value for e in extract_entities(text, "en", ["money"], now=EN_NOW)] == [value]


@pytest.mark.parametrize(
    ("text", "budget"),
    [("next spring with about 900", 900), ("in june with like 1200", 1200),
     ("next month with 3 kids", None)],
)  # fmt: skip
def test_a_sum_after_with_is_offered(text: str, budget: int | None) -> None:
    assert step_reply(LEAD, "ask_timeframe", text)[1]["budget"] == budget


@pytest.mark.parametrize(
    ("text", "when"),
    [("like 4ish", "2028-02-14T16:00"), ("sevenish", "2028-02-14T19:00"),
     ("call me back 3ish", "2028-02-14T15:00"), ("maybe like twoish", "2028-02-14T14:00"),
     ("i have like 5ish kids", None), ("5ish works for me", "2028-02-14T17:00")],
)  # fmt: skip
def test_a_loose_hour_with_ish(text: str, when: str | None) -> None:
    """"like 5ish", "fiveish": that hour (a count or a span with "ish" stays one)."""
    found = extract_entities(text, "en", ["datetime"], now=EN_NOW)
    assert [str(e.value)[:16] for e in found] == ([when] if when else [])


@pytest.mark.parametrize(
    ("text", "day"),
    [("next weekend whenever", "2028-02-19"), ("whenever this weekend", "2028-02-19"),
     ("sometime next week i guess whenever", None)],
)  # fmt: skip
def test_whenever_in_a_weekend_is_the_weekend(text: str, day: str | None) -> None:
    """A weekend said with "whenever" is a time to call (a week so said is still doubt)."""
    found = extract_entities(text, "en", ["datetime"], now=EN_NOW)
    assert [str(e.value)[:10] for e in found] == ([day] if day else [])


@pytest.mark.parametrize(
    ("text", "day"),
    [("the first weekend of march", "2028-03-04"), ("last weekend in april", "2028-04-29"),
     ("maybe the second weekend of may", "2028-05-13"), ("first week of march", "2028-03-01")],
)  # fmt: skip
def test_the_nth_weekend_of_a_month(text: str, day: str) -> None:
    found = extract_entities(text, "en", ["date"], now=EN_NOW)
    assert [str(e.value)[:10] for e in found] == [day]


@pytest.mark.parametrize(
    ("step", "text", "branch"),
    [("convenient", "someone from your office phoned me last week", "no_match:retry"),
     ("convenient", "my husband already talked to you guys", "no_match:retry"),
     ("convenient", "your coworker called me about it on tuesday", "no_match:retry"),
     ("relevant", "your rep already called me this morning", "no_match:retry"),
     ("relevant", "my sister hired you guys last spring", "no_match:retry"),
     ("relevant", "i told the guy on the phone all that already", "no_match:retry"),
     ("convenient", "your guy called yesterday and i told him no", "no"),
     ("relevant", "i already told your guy we went with someone else", "no")],
)  # fmt: skip
def test_a_call_told_of_is_no_answer(step: str, text: str, branch: str) -> None:
    """A call or a dealing told of and nothing else answers no yes/no question; said with
    an answer, the answer stands."""
    assert step_reply(LEAD, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "offer_manager", "somebody that isnt a machine please", "operator"),
     (LEAD, "convenient", "can i get anybody but a robot", "handler:operator"),
     (CONSENT, "read_back", "could you transfer me to your main office", "handler:operator"),
     (LEAD, "greet", "sorry its noisy here who did you say this was", "handler:who_is_this"),
     (LEAD, "convenient", "sure but first tell me what company this is",
      "handler:who_is_this"),
     (LEAD, "relevant", "ok before that who are you with", "handler:who_is_this"),
     (LEAD, "convenient", "yeah before i answer whats the company", "handler:who_is_this"),
     (LEAD, "offer_manager", "anyone who isnt a bot", "operator")],
)  # fmt: skip
def test_a_person_or_the_caller_asked_for(script: str, step: str, text: str,
                                          branch: str) -> None:
    """Anyone but the machine, the office: a person asked for; "who did you say this was"
    and a who-is-this asked before answering ask who calls."""
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "convenient", "im parked in the truck waiting for my daughter", "yes"),
     (LEAD, "convenient", "ive been waiting for somebody to call me", "yes"),
     (LEAD, "convenient", "glad you called", "yes"),
     (LEAD, "relevant", "oh absolutely we cant move it ourselves", "yes"),
     (LEAD, "relevant", "hold on honey do we still need this", "no_match:retry"),
     (LEAD, "greet", "hang on let me grab my wife", "no_match:retry"),
     (LEAD, "greet", "one moment shes coming", "no_match:retry"),
     (CONSENT, "consent_keypad", "i dont have buttons on this phone", "no_match:retry"),
     (CONSENT, "consent_keypad", "cant push anything right now im cooking", "no_match:retry"),
     (CONSENT, "ask_consent", "my husband already agreed for his number", "no_match:retry")],
)  # fmt: skip
def test_yes_and_no_said_as_facts(script: str, step: str, text: str, branch: str) -> None:
    """Parked and waiting, a call hoped for: free to talk; the help needed said as what the
    caller cannot do; the one asked for fetched, a question to the room, the keypad out of
    reach, someone else's yes: no answer yet."""
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "name", "branch"),
    [("terry here", "Terrence", "yes"), ("yeah phil speaking", "Phillip", "yes"),
     ("daddys in the shower", "Brandon", "no"), ("um mommy is at work", "Brandon", "no")],
)  # fmt: skip
def test_who_answered_the_greeting(text: str, name: str, branch: str) -> None:
    """A short form of the name however its full form is spelt ("terrence", "terence"); a
    child telling where the one asked for is."""
    assert step_reply(CONSENT, "greet", text, name=name)[0] == branch


@pytest.mark.parametrize(
    ("said", "asked", "same"),
    [("terry", "terrence", True), ("phil", "phillip", True), ("allie", "allison", True),
     ("mike", "terrence", False)],
)  # fmt: skip
def test_a_short_form_of_a_name_spelt_with_doubled_letters(said: str, asked: str,
                                                           same: bool) -> None:
    assert given_names.same_name(said, asked, "en") is same


@pytest.mark.parametrize(
    ("text", "branch"),
    [("yes please we saw another mouse this morning so go ahead", "yes"),
     ("sure i noticed more ants this morning", "yes"),
     ("this evening would be better", "no")],
)  # fmt: skip
def test_this_morning_said_in_the_afternoon_is_what_happened(text: str, branch: str) -> None:
    """To "is now a good time?" at 3 pm, "this morning" is no later time to talk."""
    now = datetime(2028, 2, 14, 15, 0, tzinfo=ZoneInfo("America/New_York"))
    assert step_reply(LEAD, "convenient", text, now=now)[0] == branch

"""Round twenty-four, English: the handler and yes/no classes the round's batches showed on
the code before it (each example is a paraphrase written for its class, not a reply of the
eval set), with near-misses of the other branch that must not change."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply

LEAD = "lead_qualification.en.yaml"
CONSENT = "consent_confirmation.en.yaml"
PHOTOS = "posting photos of your child from the spring concert on our website"


@pytest.mark.parametrize(
    ("step", "text", "branch"),
    [("greet", "acme roofing what acme roofing", "handler:who_is_this"),
     ("convenient", "acme roofing where is that", "handler:who_is_this"),
     ("convenient", "i made a request for what now", "handler:who_is_this"),
     ("relevant", "we signed up for what exactly", "handler:who_is_this"),
     ("greet", "and whom am i talking to", "handler:who_is_this"),
     ("ask_timeframe", "what store did you say", "handler:who_is_this"),
     ("ask_timeframe", "what time did you say", "handler:repeat"),
     ("greet", "yes this is megan", "yes")],
)  # fmt: skip
def test_who_calls_asked_by_echoing_the_name_or_the_request(step: str, text: str,
                                                            branch: str) -> None:
    """The company's name echoed around a question word, the request doubted in the caller's
    own words, whom they speak to, a shop asked among a repeat's words: who calls (a time
    asked again is still a repeat)."""
    assert step_reply(LEAD, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "convenient", "sorry you cut out im out in the yard", "handler:repeat"),
     (LEAD, "convenient", "i didnt understand that what", "handler:repeat"),
     (CONSENT, "ask_consent", "what i missed the first bit", "handler:repeat"),
     (LEAD, "offer_manager", "sorry something about a specialist", "handler:repeat"),
     (LEAD, "offer_manager", "transfer me to who now", "handler:repeat"),
     (LEAD, "offer_manager", "yes transfer me to your manager", "operator"),
     (LEAD, "convenient", "im on the bus bad signal", "no")],
)  # fmt: skip
def test_the_question_asked_again(script: str, step: str, text: str, branch: str) -> None:
    """The robot's voice lost beside where the caller is, the question not understood with a
    question word after it, a part missed, a piece heard and asked back: the question again
    (the caller's own bad signal on the bus stays busy; a transfer asked for is one)."""
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("i told you last week not to call me", "handler:opt_out"),
     ("we already asked you to stop calling", "handler:opt_out"),
     ("i said not to call me at work", "no")],
)  # fmt: skip
def test_an_opt_out_told_as_a_reminder(text: str, branch: str) -> None:
    """Not calling asked before, said again: an opt-out (a limit on the calls is none)."""
    assert step_reply(LEAD, "convenient", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("yeah class just finished im in the hallway", "yes"),
     ("i dont go in till four", "yes"),
     ("my appointment doesnt start until two", "yes"),
     ("the kids are down so its nice and quiet", "yes"),
     ("im at the tire place waiting on my truck", "yes"),
     ("now is perfect actually", "yes"),
     ("i took the day off today so yeah", "yes"),
     ("its quiet here but im driving", "busy"),
     ("i have no time right now", "no")],
)  # fmt: skip
def test_availability_facts(text: str, branch: str) -> None:
    """A busy spell over or not begun, the house quiet, waiting on the car at a shop, now
    itself praised, time off taken: free now, a yes to "is now a good time?" (a busy word
    after it still answers no, as does having no time)."""
    assert step_reply(LEAD, "convenient", text)[0] == branch


def test_a_call_told_of_with_its_hold() -> None:
    assert step_reply(LEAD, "convenient",
                      "the last guy who called put me on hold for ages")[0] == "no_match:retry"


@pytest.mark.parametrize(
    ("text", "branch"),
    [("the crank one doesnt work anymore", "yes"),
     ("half the panes dont close properly", "yes"),
     ("the frames rattle and the glass hums when trucks go by", "yes"),
     ("the back windows are a total mess", "yes"),
     ("the storm cracked them so we tossed them out", "no"),
     ("we hauled the old frames to the dump", "no"),
     ("we junked the old ones and need new ones", "yes"),
     ("honestly i dont know at this point", "no_match:retry")],
)  # fmt: skip
def test_relevance_facts(text: str, branch: str) -> None:
    """To "still interested?": the thing failing at its use now or a mess still there is a
    yes; the thing got rid of is a no (unless a new one is wanted); not knowing anymore is
    no answer."""
    assert step_reply(LEAD, "relevant", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("we keep our son off social media", "no"),
     ("her mom is in witness protection so we keep her offline", "no"),
     ("we decided no photos of the kids online", "no"),
     ("his father isnt allowed to know which school he goes to", "no"),
     ("grandma already shares her videos on facebook", "yes"),
     ("they put the clips online last year and we loved them", "yes"),
     ("which school is calling", "handler:who_is_this")],
)  # fmt: skip
def test_consent_facts(text: str, branch: str) -> None:
    """To a consent to post a child's photos: a family rule the posting would break is a
    refusal (someone who must not know which school is no question who calls); the photos
    shared and welcomed already, a consent."""
    assert step_reply(CONSENT, "ask_consent", text, purpose=PHOTOS)[0] == branch

"""English classes of natural replies found by the sixteenth fresh batch (round fifteen,
second part): to "is now a good time?", a yes, then a situation that leaves the caller
free (home, working from home, leaving only later) is a yes; an activity at a place named
without an article ("at band rehearsal") and one's own boss standing by are busy, no
request for a manager; to "still interested?", a yes before a need found on buying the
house or before a friend's job done stands; the job done in the family, the thing itself
gone, "not our problem" are a no; "interested in what window thing" asks what the call is
about; an apology and one question word, "when did you mention" ask again; who is calling
asked outright beats the hedge before it; knowing only after a visit is a "don't know"; the
name asked for split by the recogniser with a soft c or ph ("steff anie"); someone from
the front desk or billing is a person wanted; a deferral to the consent question is
re-asked, no request to repeat. Every example is a paraphrase, in no eval file, and fails
on the code before the round; the guards (in `*_guards` tests) go the other way."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD_EN, CONSENT_EN = "lead_qualification.en.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("asked", "text", "names", "expected"),
    [
        # a yes, then a situation that leaves the caller free
        ("availability", "yeah i just got home from school", (), "yes"),
        ("availability", "yeah i just got back home from my shift", (), "yes"),
        ("availability", "sure im working from home this week", (), "yes"),
        ("availability", "yep im working from home so its fine", (), "yes"),
        ("availability", "ok but make it fast im heading out at five", (), "yes"),
        ("availability", "yes im taking off at noon", (), "yes"),
        # an activity at a place named without an article
        ("availability", "im at band rehearsal", (), "no"),
        ("availability", "were at bible study", (), "no"),
        ("availability", "im at swim practice", (), "no"),
        # a yes before a need found on buying the house, or before a friend's job
        ("relevance", "yes the appraiser noted it when we bought the place", (), "yes"),
        ("relevance", "yes we found the crack right after we bought the house", (), "yes"),
        ("relevance", "yes it leaked since we purchased the place", (), "yes"),
        ("relevance", "yes my coworker had it done and loves it", (), "yes"),
        # done in the family, the thing itself gone, not ours to fix
        ("relevance", "my daughter redid the whole thing", (), "no"),
        ("relevance", "our boys sealed the cracks last month", (), "no"),
        ("relevance", "our nephew waterproofed it last spring", (), "no"),
        ("relevance", "we filled in the old crawlspace", (), "no"),
        ("relevance", "we got rid of the hot tub", (), "no"),
        ("relevance", "we took the pool out last summer", (), "no"),
        # the name split by the recogniser, a soft c or a ph heard another way
        ("identity", "steff anie here", ("stephanie",), "yes"),
        ("identity", "mar sella yes", ("marcella",), "yes"),
    ],
)
def test_answers(asked: str, text: str, names: tuple[str, ...], expected: str | None) -> None:
    assert answer(asked, text, "en", names) == expected


@pytest.mark.parametrize(
    ("asked", "text", "names", "expected"),
    [
        # really busy whatever the yes; no yes before the situation
        ("availability", "yes im driving home from work", (), "no"),
        ("availability", "yeah im in a meeting till four", (), "no"),
        ("availability", "i just got home", (), "no"),
        ("availability", "im in good shape", (), None),
        # bought what is offered; nothing found; the family only wants it
        ("relevance", "we bought new ones last year", (), "no"),
        ("relevance", "my son wants it done", (), "yes"),
        ("relevance", "no problem go ahead", (), "yes"),
        # another name
        ("identity", "this is stella", ("stephanie",), "no"),
    ],
)
def test_answers_guards(asked: str, text: str, names: tuple[str, ...],
                        expected: str | None) -> None:
    assert answer(asked, text, "en", names) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the robot's words asked again
        (LEAD_EN, "greet", "excuse me who now", "handler:repeat"),
        (LEAD_EN, "ask_callback", "wait when did you mention", "handler:repeat"),
        (LEAD_EN, "ask_timeframe", "sorry when now", "handler:repeat"),
        # who is calling asked outright after a hedge
        (LEAD_EN, "ask_budget", "do i have to answer that who are you", "handler:who_is_this"),
        # knowing only after a visit
        (LEAD_EN, "ask_budget", "we will know once the contractor comes by", "unknown"),
        (LEAD_EN, "ask_budget", "we should know after the site visit", "unknown"),
        (LEAD_EN, "ask_budget", "ill have a better idea after the walk through", "unknown"),
        # someone from a desk or a department: a person wanted
        (CONSENT_EN, "greet", "can i get someone from the help desk", "handler:operator"),
        (CONSENT_EN, "greet", "could i get somebody at the front desk please",
         "handler:operator"),
        (LEAD_EN, "ask_budget", "i need someone at the reception desk", "handler:operator"),
        # one's own boss standing by: busy, no manager asked for
        (LEAD_EN, "convenient", "my supervisor is watching me", "no"),
        (LEAD_EN, "convenient", "my manager is right here next to me", "no"),
        (LEAD_EN, "convenient", "sorry my supervisor just walked in", "no"),
        (LEAD_EN, "convenient", "im at band rehearsal", "no"),
        (LEAD_EN, "convenient", "yep im working from home so its fine", "yes"),
        # not ours to fix, after a no
        (LEAD_EN, "relevant", "no were leasing now not my problem", "no"),
        (LEAD_EN, "relevant", "no its a rental not my problem", "no"),
        # who is calling asked outright after a hedge
        (LEAD_EN, "ask_budget", "do i have to say who is calling", "handler:who_is_this"),
        (LEAD_EN, "ask_budget", "none of your business whos this", "handler:who_is_this"),
        # what the call is about
        (LEAD_EN, "relevant", "interested in what window thing", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "agree to what data thing", "handler:who_is_this"),
        # a deferral to the consent question: re-asked
        (CONSENT_EN, "ask_consent", "ill call you back about that", "no_match:retry"),
    ],
)
def test_step_replies(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_EN, "convenient", "can i talk to your supervisor", "handler:operator"),
        (LEAD_EN, "convenient", "im driving so no", "busy"),
        (LEAD_EN, "convenient", "yes but call me back at four", "busy"),
        (LEAD_EN, "convenient", "yes im driving home from work", "busy"),
        (LEAD_EN, "convenient", "my boss is standing over my shoulder", "no"),
        (CONSENT_EN, "ask_consent", "sure call me back about it", "yes"),
        (CONSENT_EN, "ask_consent", "sorry what did you ask", "handler:repeat"),
        (LEAD_EN, "ask_budget", "why do you need to know that", "unknown"),
        (LEAD_EN, "relevant", "interested in what", "handler:repeat"),
    ],
)
def test_step_replies_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

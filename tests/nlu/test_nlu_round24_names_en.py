"""Round twenty-four, English: the name asked for at a greeting as the recogniser clipped,
split or misheard it, or owned by the caller, and a contact told of at the budget step
(each example is a paraphrase written for its class, not a reply of the eval set)."""

from __future__ import annotations

import pytest

from bot_engine.nlu import given_names
from tests.nlu.polar_questions import step_reply

LEAD = "lead_qualification.en.yaml"
CONSENT = "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("said", "asked", "same"),
    [("roz", "rosamund", True), ("marge", "marjorie", True), ("tad", "thaddeus", True),
     ("ev", "everett", True), ("dell", "wendell", True), ("rhett", "everett", True),
     ("hetty", "henrietta", True),
     ("ross", "rosalind", False), ("al", "alice", False), ("ed", "edith", False),
     ("karen", "marisol", False), ("ella", "isabella", False)],
)  # fmt: skip
def test_a_name_called_by_a_part_of_it(said: str, asked: str, same: bool) -> None:
    """Its first syllable as it sounds, a two-letter clip where the table knows no forms of
    the name, its last syllables, its first letter before a listed form; not another name
    that only begins alike ("ross"), nor a clip the table gives to another name ("al" for
    Alice, who has forms of her own)."""
    assert given_names.same_name(said, asked, "en") is same


@pytest.mark.parametrize(
    ("script", "name", "text", "branch"),
    [(LEAD, "Rosamund", "yep roz speaking", "yes"),
     (CONSENT, "Everett", "yeah ev here", "yes"),
     (LEAD, "Marjorie", "yes its marge", "yes"),
     (LEAD, "Wendell", "dell speaking", "yes"),
     (CONSENT, "Henrietta", "hetty here go ahead", "yes"),
     (LEAD, "Everett", "rhett here yeah", "yes"),
     (LEAD, "Wendell", "dell here only my mother calls me wendell", "yes"),
     (LEAD, "Everett", "no this is his wife karen", "no"),
     (LEAD, "Rosalind", "this is ross", "no"),
     (CONSENT, "Everett", "ev is at work till six", "no"),
     (LEAD, "Alice", "yeah this is al", "no")],
)  # fmt: skip
def test_the_name_asked_for_clipped_is_the_callers(script: str, name: str, text: str,
                                                   branch: str) -> None:
    """A short form of the name asked for, said by the caller, is them; another person's
    name, or the clip said of someone away, is not."""
    assert step_reply(script, "greet", text, name=name)[0] == branch


@pytest.mark.parametrize(
    ("script", "name", "text", "branch"),
    [(CONSENT, "Everett", "ever it here", "yes"),
     (LEAD, "Thaddeus", "tad us speaking", "yes"),
     (LEAD, "Rosalind", "yes ross alind speaking", "yes"),
     (CONSENT, "Everett", "yeah its ever it", "yes"),
     (LEAD, "Rosalind", "rosa is out today", "no")],
)  # fmt: skip
def test_the_name_asked_for_split_by_the_recogniser(script: str, name: str, text: str,
                                                    branch: str) -> None:
    """The name in two pieces, the last a short word ("ever it"), is joined again and kept
    against the reply classifier; a clip of it followed by "is" stays someone away."""
    assert step_reply(script, "greet", text, name=name)[0] == branch


@pytest.mark.parametrize(
    ("script", "text", "branch"),
    [(LEAD, "this is him yeah", "yes"),
     (CONSENT, "this is her hi", "yes"),
     (LEAD, "this is her um megan", "yes"),
     (CONSENT, "well thats my name last i checked", "yes"),
     (LEAD, "why yes this is she", "yes"),
     (CONSENT, "why yes speaking", "yes"),
     (LEAD, "this is her uh sister", "no"),
     (CONSENT, "this is his roommate", "no"),
     (LEAD, "why do you ask", "handler:who_is_this"),
     (CONSENT, "whos asking", "handler:who_is_this")],
)  # fmt: skip
def test_this_is_her_and_why_yes(script: str, text: str, branch: str) -> None:
    """"this is her" with a yes, a greeting or the name asked for after it is them; "why
    yes" is an old-fashioned yes, no question; a relative after "her" is someone else, and
    "why do you ask" still asks who calls."""
    assert step_reply(script, "greet", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("yes thats me im the store manager", "yes"),
     ("no im the assistant manager shes off today", "no"),
     ("not me i am the night supervisor", "no"),
     ("im the office manager can i talk to your manager", "handler:operator"),
     ("get me your manager", "handler:operator")],
)  # fmt: skip
def test_a_role_of_the_callers_own_asks_for_no_one(text: str, branch: str) -> None:
    """"im the store manager" says who the caller is; a manager asked for beside it, or
    alone, is still a request for a person."""
    assert step_reply(LEAD, "greet", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("we gave your estimator a figure at the visit", "no_match:retry"),
     ("the lady who came out said someone would email the prices", "no_match:retry"),
     ("i already told your rep our budget last week", "no_match:retry"),
     ("i told your guy i dont know yet", "unknown"),
     ("your guy said it depends on the size so i dont know", "unknown"),
     ("no idea what these cost", "unknown"),
     ("i gave your guy a number it was about five grand", "ok")],
)  # fmt: skip
def test_a_contact_told_of_at_the_budget_step(text: str, branch: str) -> None:
    """What the caller gave one of theirs, or what one of theirs said, is told of: its
    "price" or "budget" is the story's, no don't-know (the question is asked again); a
    don't-know of the caller's own beside it, or a sum, still answers."""
    assert step_reply(LEAD, "ask_budget", text)[0] == branch

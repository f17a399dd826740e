"""English classes of natural replies found by the eighteenth fresh batch (round fifteen,
fourth part): to "is now a good time?", a yes then a situation that leaves the caller free
(somewhere to wait, on the speaker, sitting in the dark, a light chore) is a yes, and a
place named with its kind ("the flea market") or a bare place with an event ("in town for
a funeral") is busy; to "still interested?", the ground work done ("the footings are dug
already") is a yes, a thing rigged up "so were set" a no; to a consent, a card or account
given up or a place stopped going to is no longer theirs, a no, and a yes on a condition
("yes as long as you dont share it") agrees; the caller's company never heard of, which
place of a kind ("which gym"), and whether it is required to keep something ask about the
call; a noise that drowned the question, then "what" ("the dog is barking what") asks it
again; a keypad digit said alone as its homophone
("won", "too") is the key; a name the table lacks ("madalyn") is said as one of its
spellings there ("madeline") or their short forms. Every example is a paraphrase, in no
eval file, and fails on the code before the round; the guards (in `*_guards` tests) go
the other way."""

from __future__ import annotations

import pytest

from bot_engine.nlu import keys
from tests.nlu.polar_questions import answer, step_reply

LEAD_EN, CONSENT_EN = "lead_qualification.en.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # a yes, then a situation that leaves the caller free
        ("availability", "sure im in the lobby at the dentist", "yes"),
        ("availability", "yeah im in the truck but youre on speaker", "yes"),
        # a place named with its kind, a bare place with an event
        ("availability", "were at the flea market", "no"),
        ("availability", "im in town for a funeral", "no"),
        # the ground work done, the thing still wanted; made do, so set
        ("relevance", "the footings are dug already", "yes"),
        ("relevance", "we had the conduit run last month", "yes"),
        ("relevance", "my brother rigged something up so were set", "no"),
        # no longer theirs: the card or account given up, stopped going there
        ("consent", "we closed our account there last year", "no"),
        ("consent", "i quit going to that gym", "no"),
        # a yes on a condition
        ("consent", "yes as long as you dont share my number", "yes"),
        ("consent", "ok provided it isnt passed on to anyone", "yes"),
        ("consent", "yeah as long as it isnt given to advertisers", "yes"),
    ],
)
def test_answers(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "en") == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("availability", "yes im just folding laundry", "yes"),
        ("availability", "yeah im driving but on speaker", "no"),
        ("availability", "yes im in a meeting in the lobby", "no"),
        ("availability", "perfect timing im in a meeting", "no"),
        ("availability", "our house is on the market", None),
        ("availability", "im at home for a game", None),
        ("consent", "no as long as you dont call me", "no"),
        ("relevance", "the slab is poured and the unit is installed", "no"),
        ("relevance", "were set", None),
        ("consent", "sure i closed my old account but go ahead", "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "en") == expected


@pytest.mark.parametrize(("text", "key"), [("won", "1"), ("too", "2"), ("for", "4"),
                                           ("ate", "8"), ("press too", "2")])
def test_homophone_keys(text: str, key: str) -> None:
    assert keys.spoken_key(text, "en") == key


@pytest.mark.parametrize("text", ["i want to", "we won the lottery", "me too"])
def test_homophone_keys_guards(text: str) -> None:
    assert keys.spoken_key(text, "en") is None


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        # a name the table lacks, said as one of its spellings there or their short forms
        ("yeah this is madeline", "madalyn", "yes"),
        ("madelyn speaking", "madalyn", "yes"),
        ("rosalinda here", "rosalind", "yes"),
    ],
)
def test_names(text: str, name: str, expected: str) -> None:
    assert answer("identity", text, "en", (name,)) == expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("yeah this is megan", "madalyn", "no"),
        ("linda here", "rosalind", "no"),
    ],
)
def test_names_guards(text: str, name: str, expected: str) -> None:
    assert answer("identity", text, "en", (name,)) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the caller's company never heard of; which place of the kind; whether it is
        # required to keep something
        (LEAD_EN, "greet", "acme roofing never heard of you", "handler:who_is_this"),
        (LEAD_EN, "relevant", "never heard of your company", "handler:who_is_this"),
        (CONSENT_EN, "greet", "which gym", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "is this required to keep my account", "handler:who_is_this"),
        (CONSENT_EN, "ask_consent", "is it mandatory to use the app", "handler:who_is_this"),
        # a noise that drowned the question, then asking it back
        (LEAD_EN, "convenient", "the dog is barking what", "handler:repeat"),
        (CONSENT_EN, "ask_consent", "sorry the mixer is so loud huh", "handler:repeat"),
    ],
)
def test_step_replies(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_EN, "greet", "never heard of her", "no"),
        (CONSENT_EN, "ask_consent", "its not required", "no"),
        (LEAD_EN, "convenient", "its loud here so no", "no"),
    ],
)
def test_step_replies_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

"""English classes of natural replies found by the fifteenth fresh batch (round fifteen):
the one asked for answering with a short form of another spelling of their name ("meg"
for Marguerite, through Margaret) or with the name as the recogniser spelt or split it.
Every example is a paraphrase, in no eval file, and fails on the code before the round;
the guards (in `*_guards` tests) go the other way."""

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
    ],
)
def test_answers_guards(asked: str, text: str, names: tuple[str, ...],
                        expected: str | None) -> None:
    assert answer(asked, text, "en", names) == expected

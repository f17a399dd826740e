"""English classes of natural replies found by the fifteenth fresh batch (round fifteen):
the one asked for answering with a short form of another spelling of their name ("meg"
for Marguerite, through Margaret) or with the name as the recogniser spelt or split it;
to "still interested?", the damage there to be seen ("a tarp on it"), about to call anyway,
a yes before someone else's job done are a yes; the job done for us, the thing fine as it
is, someone else in charge of it are a no. Every example is a paraphrase, in no eval file, and fails on the code before the round;
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

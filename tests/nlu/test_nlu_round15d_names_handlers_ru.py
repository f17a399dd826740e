"""Russian classes of round fifteen, fourth part: names, handlers, keys and amounts. The
name asked for as the recogniser spells its unstressed vowels: «я», «е» and «а» after a
consonant inside the name sound alike («светослав», «светаслав» for Святослав), and
«анжелина» is the recogniser's Ангелина. Every example is a paraphrase, in no eval file,
and fails on the code before the round; the guards (in `*_guards` tests) hold after it."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # «я», «е», «а» after a consonant inside the name
        ("светослав слушаю", ("святослав",), "yes"),
        ("светаслав да это я", ("святослав",), "yes"),
        ("вичеслав да", ("вячеслав",), "yes"),
        # the recogniser's spelling of Ангелина
        ("анжелина слушает", ("ангелина",), "yes"),
    ],
)
def test_names(text: str, names: tuple[str, ...], expected: str) -> None:
    assert answer("identity", text, "ru", names) == expected


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("алена слушаю", ("алина",), "no"),  # a name of the dictionary: another person
        ("валентина да", ("валентин",), "no"),  # the ending keeps its vowel
        ("станислав да", ("святослав",), "no"),
        ("владислав да", ("вячеслав",), "no"),
    ],
)
def test_names_guards(text: str, names: tuple[str, ...], expected: str | None) -> None:
    assert answer("identity", text, "ru", names) == expected

"""Speed gates that must never drop an answer: the date rules skip words no form of
theirs starts with (`entities.temporal`), a built-in intent pattern is searched only
when a reply holds a string it cannot match without (`nlu.regex_keys`), and a cue whose
words are each said once is placed without a search (`nlu.cues`)."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pydantic
import pytest

from bot_engine.nlu import IntentMatcher, builtin_intents, cues, extract_entities, yes_no
from bot_engine.nlu.regex_keys import SpacedStrings, any_of, needed_anywhere
from bot_engine.nlu.text import normalize

NOW = datetime(2026, 11, 21, 11, 25, tzinfo=ZoneInfo("Europe/Moscow"))

# Clock times and parts of the day that start at a word other than a number: case, ё,
# split and joined «пол», diminutives, prepositions; the values are what the rules gave
# before the gates.
CASES = [
    ('ru', 'давайте четверть шестого', ['2026-11-21T17:15:00+03:00']),
    ('ru', 'в ПОЛДЕНЬ', ['2026-11-21T12:00:00+03:00']),
    ('ru', 'Завтра В Полдесятого', ['2026-11-22T09:30:00+03:00']),
    ('ru', 'ну тогда ближе к обеду', ['2026-11-21T13:00:00+03:00']),
    ('ru', 'с 10 до 12', ['2026-11-22T10:00:00+03:00', '2026-11-21T12:00:00+03:00']),
    ('ru', 'под вечер', ['2026-11-21T19:00:00+03:00']),
    ('ru', 'в это же время', []),
    ('ru', 'во вторник вечерком', ['2026-11-24T19:00:00+03:00']),
    ('ru', 'после работы', []),
    ('ru', 'полчетвёртого', ['2026-11-21T15:30:00+03:00']),
    ('ru', 'в пол четвертого', ['2026-11-21T15:30:00+03:00']),
    ('ru', 'без десяти три', ['2026-11-21T14:50:00+03:00']),
    ('ru', 'Ё-моё, завтра с утра', ['2026-11-22T10:00:00+03:00']),
    ('ru', 'в обед часа в два', ['2026-11-21T14:00:00+03:00']),
    ('ru', 'завтра около часа', ['2026-11-22T13:00:00+03:00']),
    ('ru', 'часов в пять', ['2026-11-21T17:00:00+03:00']),
    ('ru', 'пятнадцать тридцать', []),
    ('ru', 'в 15.30', ['2026-11-21T15:30:00+03:00']),
    ('en', 'Quarter Past Three', ['2026-11-21T15:15:00+03:00']),
    ('en', 'at NOON tomorrow', ['2026-11-22T12:00:00+03:00']),
    ('en', 'twenty past seven', ['2026-11-21T19:20:00+03:00']),
    ('en', 'same time tomorrow', ['2026-11-22T11:25:00+03:00']),
    ('en', 'tomorrow on my lunch break', ['2026-11-22T13:00:00+03:00']),
    ('en', 'after work', []),
    ('en', 'in the evening', ['2026-11-21T19:00:00+03:00']),
    ('en', 'at 3pm', ['2026-11-21T15:00:00+03:00']),
    ('en', 'tonight', ['2026-11-21T19:00:00+03:00']),
    ('en', 'around lunchtime', []),
    ('en', 'half past 7', ['2026-11-21T19:30:00+03:00']),
    ('en', '8 30 tomorrow', ['2026-11-22T08:30:00+03:00']),
    ('en', 'tmrw at 3', ['2026-11-22T15:00:00+03:00']),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_clock_and_part_of_day_forms_survive_the_word_gates(
    lang: str, text: str, expected: list[str]
) -> None:
    got = [e.value for e in extract_entities(text, lang, ["datetime"], now=NOW)]
    assert got == expected


def test_the_strings_a_pattern_needs_anywhere() -> None:
    # the parser factors the common \b out of the alternatives: each still counts
    assert needed_anywhere(r"(?:\bнадо звонить)|(?:\bпозов\w+)") == ("надо звонить", "позов")
    assert needed_anywhere(r"(?:\bнадо звонить)|(?:\w+)") is None  # one needs nothing
    assert needed_anywhere(r"^(?!.*\bне\b)(?=.*\bкто\b)") == ("кто",)  # no negative lookahead
    assert needed_anywhere(r"(ab)+c") == ("ab",)
    assert needed_anywhere(r"(ab)*c") is None  # a repeat that may be absent needs nothing
    assert needed_anywhere(r"(?i:abc)") is None  # a case-blind group is compared as written


@pytest.mark.parametrize(("text", "found"), [
    ("не звоните", True), ("перезвонить", True), ("позвать", True), ("зво", False),
    ("за чем", False), ("зачемто", True), ("зачем", True), ("", False),
])
def test_any_of_finds_a_string_wherever_it_is(text: str, found: bool) -> None:
    search = any_of(("звони", "звонить", "позв", "зачем", "зачемто"))
    assert (search.search(text) is not None) is found


def _replies(lang: str) -> list[str]:
    path = Path(__file__).resolve().parents[2] / "bot_engine" / "nlu" / f"reply_memory.{lang}.json"
    return [row[-1] for row in json.loads(path.read_text(encoding="utf-8"))["replies"]]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_gated_pattern_never_matches_a_reply_its_gate_passes_over(lang: str) -> None:
    intents = builtin_intents(lang)
    matcher = IntentMatcher(intents, lang)
    gated = [(rx, gate) for (_, rx, _), gate in zip(matcher._patterns, matcher._gates, strict=True)
             if gate is not None]
    assert gated  # most built-in patterns have a gate
    texts = _replies(lang) + [ex for spec in intents.values() for ex in spec.examples]
    for text in texts:
        norm = normalize(text, lang)
        for rx, gate in gated:
            assert isinstance(rx, re.Pattern)
            if rx.search(norm) is not None:
                assert gate.search(norm) is not None, (text, rx.pattern[:80])


def test_a_cue_with_one_position_per_key_is_placed_as_the_search_would() -> None:
    fixed = cues._Cue("later", ("i", "will", "think"), "fixed", False)
    loose = cues._Cue("later", ("i", "will", "think"), "flip", False)
    assert cues._place(fixed, {"i": [0], "will": [1], "think": [2]}) == [0, 1, 2]
    assert cues._place(fixed, {"i": [0], "will": [2], "think": [1]}) is None  # in its order
    assert cues._place(loose, {"i": [0], "will": [2], "think": [1]}) == [0, 2, 1]
    assert cues._place(loose, {"i": [0], "will": [0], "think": [1]}) is None  # one word each
    far = 2 + cues._GAP + 1
    assert cues._place(loose, {"i": [0], "will": [1], "think": [far]}) is None
    assert cues._place(loose, {"i": [0], "will": [1], "think": [far - 1]}) == [0, 1, far - 1]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_gates_read_word_by_word_open_exactly_where_the_gate_searches_find(
    lang: str,
) -> None:
    intents = builtin_intents(lang)
    matcher = IntentMatcher(intents, lang)
    assert matcher._spanning.bits_of  # some needed strings hold a space ("о чем ", "is this")
    texts = _replies(lang) + [ex for spec in intents.values() for ex in spec.examples] + [""]
    for text in texts:
        norm = normalize(text, lang)
        opened = matcher._open_gates(norm)
        for i, gate in enumerate(matcher._gates):
            expected = gate is None or gate.search(norm) is not None
            assert bool(opened >> i & 1) is expected, (text, i)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_needed_string_with_a_space_opens_its_gate_only_with_its_words_together(
    lang: str,
) -> None:
    matcher = IntentMatcher(builtin_intents(lang), lang)
    spanning = 0
    for bits in matcher._spanning.bits_of.values():
        spanning |= bits
    gated = [1 << i for i in range(spanning.bit_length()) if spanning >> i & 1]
    strings_of = {bit: needed_anywhere(matcher._patterns[bit.bit_length() - 1][1].pattern)
                  for bit in gated}
    for bit in gated:
        gate = matcher._gates[bit.bit_length() - 1]
        assert gate is not None
        for string in [s for s in strings_of[bit] or () if " " in s]:
            together = f"ab{string}cd".strip()  # inside longer words at its edges
            apart = together.replace(" ", " zz ")  # the same words with one between
            for norm in (together, apart, together.replace(" ", "")):
                assert bool(matcher._open_gates(norm) & bit) is (gate.search(norm) is not None)
            assert matcher._open_gates(together) & bit


@pytest.mark.parametrize("mark", ["'", "’", "`", "ʼ"])
def test_each_apostrophe_still_joins_a_contraction(mark: str) -> None:
    assert normalize(f"I don{mark}t know, it{mark}s fine", "en") == "i dont know its fine"


def test_a_words_lemmas_are_kept_per_word_and_forgotten_with_the_words() -> None:
    from bot_engine.nlu import text
    from bot_engine.nlu.caches import clear_caches

    clear_caches(words=True)
    assert text.surface_lemmas("звоните завтра", "ru") == (
        ("звоните", ("звонить",)), ("завтра", ("завтра",)))
    clear_caches()  # a new reply: its words stay warm
    assert text._word_lemmas.cache_info().currsize >= 2
    assert text.surface_lemmas("dont call", "en") == (("dont", ("do", "not")), ("call", ("call",)))
    clear_caches(words=True)
    assert text._word_lemmas.cache_info().currsize == 0


@pytest.mark.parametrize("text", [
    "mm-hmm", "Mhm, sure", "UH-HUH", "uh uh", "nuh-uh", "A-ha!", "МГМ", "мгмм да", "м-м",
    "М-М, нет", "uhh huh", "ммм", "да", "yes", "",
])  # fmt: skip
def test_the_hums_are_read_as_the_search_alone_reads_them(text: str) -> None:
    from bot_engine.nlu import yesno

    def plain(found: re.Match[str]) -> str:
        return "да" if found.group("yes") else "нет"

    assert yesno._plain_interjections(text, "ru") == yesno._INTERJECTIONS.sub(plain, text)


@pytest.mark.parametrize(("lemmas", "said"), [
    ((), False), (("не",), True), (("нет",), False), (("нет", "не", "надо"), True),
    (("да", "нету"), True), (("no", "thanks"), False), (("i", "do", "not"), True),
    (("never",), True), (("ни", "за", "что"), True),
])  # fmt: skip
def test_negated_reads_a_leading_answer_particle_as_no_negation(
    lemmas: tuple[str, ...], said: bool
) -> None:
    from bot_engine.nlu.light_words import negated

    assert negated(lemmas) is said


def test_a_words_term_is_kept_per_word_and_scores_as_before() -> None:
    matcher = IntentMatcher(builtin_intents("ru"), "ru")
    first = matcher.match("соедините с оператором")
    assert first.intent == "operator"
    assert matcher._term.cache_info().currsize > 0
    assert matcher.match("соедините с оператором") == first
    assert matcher.match("саедините с аператором").intent == "operator"  # slips still map


def test_a_computed_yes_no_reading_is_shared_and_equals_one_built_afresh() -> None:
    from bot_engine.nlu import yesno
    from bot_engine.nlu.caches import clear_caches

    first = yesno.yes_no("да, бюджет около двухсот тысяч", "ru")
    clear_caches()
    again = yesno.yes_no("ага, бюджет около трёхсот тысяч", "ru")
    assert first == yesno.YesNo(answer="yes", confidence=first.confidence)
    assert first.answer == "yes" and 0.6 <= first.confidence < 0.97
    assert again is first  # the same answer and confidence: one shared model


def test_the_russian_self_naming_patterns_are_skipped_only_where_they_cannot_match() -> None:
    from bot_engine.nlu import polar

    texts = [normalize(t, "ru") for t in _replies("ru")] + [
        "не гена я виктор", "это сосед ее", "я ее дочка", "меня зовут иван", "иван слушает",
        "ну что ж давайте", "а чего ладно", "это я", "", "нет",
    ]
    for norm in texts:
        nobody = "я" not in norm and "слушает" not in norm and "зовут" not in norm
        if nobody:
            assert polar._SELF["ru"].match(norm) is None, norm
        if "не " not in norm and "его" not in norm and "ее" not in norm:
            assert polar._NOT_SELF["ru"].match(norm) is None, norm
            assert polar._KIN_RU.match(norm) is None and polar._KIN_AFTER_RU.match(norm) is None
        if "что " not in norm and "чего " not in norm:
            assert polar._SHRUG.match(norm) is None, norm
    assert polar._not_self("не гена я виктор", "ru")
    assert polar._self_named("меня зовут иван", "ru") == "иван"
    assert polar.polar("ну что ж давайте", "ru").answer == "yes"


def test_a_shared_yes_no_reading_cannot_be_changed_by_one_caller() -> None:
    reading = yes_no("да, конечно", "ru")
    assert reading is yes_no("да, конечно", "ru")  # shared, so it must not change
    with pytest.raises(pydantic.ValidationError):
        reading.answer = "no"  # type: ignore[misc]
    assert yes_no("да, конечно", "ru").answer == "yes"


def test_strings_with_a_space_are_found_wherever_they_occur() -> None:
    strings = {"the ": 1, " me ": 2, "is this": 4, "a b": 8, " x": 16, "y ": 32, "go on ": 64}
    found = SpacedStrings(strings)
    words = ["the", "me", "is", "this", "a", "b", "x", "y", "go", "on", "then", "ab", "xy"]
    rnd = random.Random(7)
    for _ in range(3000):
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 6)))
        for variant in (text, f" {text} ", text.replace(" ", "  ")):
            expected = 0
            for string, bits in strings.items():
                if string in variant:
                    expected |= bits
            assert found.bits(variant) == expected, variant

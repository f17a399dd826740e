"""Arbitrary caller text never crashes the NLU, and entity spans always point at the text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot_engine.nlu import (
    EntityType,
    IntentMatcher,
    builtin_intents,
    extract_entities,
    lemmas,
    normalize,
    yes_no,
)

NOW = datetime(2026, 11, 21, 18, 25, tzinfo=ZoneInfo("Europe/Moscow"))
EVERY: list[EntityType] = [
    "number",
    "integer",
    "money",
    "date",
    "time",
    "datetime",
    "phone",
    "name",
]
MATCHERS = {lang: IntentMatcher(builtin_intents(lang), lang) for lang in ("ru", "en")}

# Words that drive the rules into their less common branches, mixed with noise.
VOCAB = str.split(
    "в во к через завтра послезавтра утром вечера ночи половине третьего пятого декабря "
    "сто двадцать тысяч полтора миллиона к k рублей $ € 15:30 25.12 31.02.2026 2026-02-30 "
    "часов часа в следующий понедельник неделе месяце at in on the next monday tomorrow "
    "pm am noon half past a an and hundred thousand dollars 8 916 123 45 67 +7 зовут "
    "Иван Петров my name is this is нет да не против 0 99 1,5 1.5 . , ! ? - : ( ) 99999999 "
    "недель лет years полгода тысяч пятьдесят point half двадцать седьмого года звонить"
)


def _check(text: str, lang: str) -> None:
    normalize(text, lang)
    lemmas(text, lang)
    yes_no(text, lang)
    result = MATCHERS[lang].match(text)
    assert 0.0 <= result.confidence <= 1.0
    for entity in extract_entities(text, lang, EVERY, now=NOW):
        assert 0 <= entity.start <= entity.end <= len(text)
        assert text[entity.start : entity.end] == entity.text


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(st.sampled_from(VOCAB), max_size=12), st.sampled_from(["ru", "en"]))
def test_rule_words_in_any_order(words: list[str], lang: str) -> None:
    _check(" ".join(words), lang)


@settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.text(max_size=60), st.sampled_from(["ru", "en"]))
def test_any_unicode(text: str, lang: str) -> None:
    _check(text, lang)

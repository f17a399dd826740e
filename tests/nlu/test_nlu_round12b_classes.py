"""Classes of natural replies found by round twelve's memory batch (round12), as tables in
both languages where the class exists in both: calls refused by their noun or by "leave me
alone". Every example is a paraphrase, in no eval file, and fails on the code before the
round; each table has guards that go the other way on both."""

from __future__ import annotations

import pytest

from bot_engine.nlu import IntentMatcher, builtin_intents


def _handler(text: str, lang: str) -> str | None:
    return IntentMatcher(builtin_intents(lang), lang).match(text).intent


# --- calls refused by their noun or by "leave me alone" -----------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("да отстаньте вы уже", "ru"), ("не хотим никаких ваших звонков", "ru"),
     ("занесите номер в стоп-лист", "ru"), ("не перезванивайте больше сюда", "ru"),
     ("нам не нужно больше перезванивать", "ru"), ("just leave us alone", "en"),
     ("no more phone calls ok", "en"), ("we never want any calls", "en"),
     ("do not ever ring here again", "en"), ("delete us", "en")],
)  # fmt: skip
def test_calls_refused(text: str, lang: str) -> None:
    assert _handler(text, lang) == "opt_out"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("не хочу пропустить звонок", "ru"), ("не надо перезванивать я сейчас могу", "ru"),
     ("он от жизни отстал", "ru"), ("my kids wont leave me alone", "en"),
     ("leave it alone", "en"), ("i want a call tomorrow", "en")],
)  # fmt: skip
def test_calls_refused_guards(text: str, lang: str) -> None:
    assert _handler(text, lang) != "opt_out"

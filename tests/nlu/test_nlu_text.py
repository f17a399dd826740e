"""Normalization, tokens and lemmas (ru, en)."""

from __future__ import annotations

import pytest

from bot_engine.nlu import lang_of, lemmas, normalize, tokens


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("ru-RU", "ru"),
        ("ru", "ru"),
        ("RU_ru", "ru"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("EN", "en"),
    ],
)
def test_lang_of_reduces_tags(tag: str, expected: str) -> None:
    assert lang_of(tag) == expected


@pytest.mark.parametrize("tag", ["de-DE", "", "xx", "fr"])
def test_lang_of_rejects_unknown(tag: str) -> None:
    with pytest.raises(ValueError, match="unsupported NLU language"):
        lang_of(tag)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Ну, ЭЭЭ... Алло! Да-да, всё хорошо?", "ru", "да все хорошо"),
        ("  Ёлки   зелёные!!! ", "ru", "елки зеленые"),
        ("ммм, ну нет", "ru", "нет"),
        ("Well, um, I DON'T mind.", "en", "i dont mind"),
        ("Uhh... hello? Yes!", "en", "yes"),
        ("", "ru", ""),
        ("?!...", "en", ""),
    ],
)
def test_normalize(text: str, lang: str, expected: str) -> None:
    assert normalize(text, lang) == expected


def test_tokens_drop_fillers() -> None:
    assert tokens("ну эээ алло да", "ru-RU") == ["да"]
    assert tokens("um well yeah sure", "en-US") == ["yeah", "sure"]


def test_russian_lemmas_meet_across_forms() -> None:
    forms = {lemmas(w, "ru")[0] for w in ("согласна", "соглашусь", "согласен", "согласны")}
    assert len(forms) == 1
    assert lemmas("соедините с оператором", "ru") == ["соединить", "с", "оператор"]
    assert lemmas("двухсот тысяч", "ru") == ["двести", "тысяча"]


def test_english_lemmas_are_consistent() -> None:
    assert lemmas("calling", "en") == lemmas("call", "en") == lemmas("calls", "en")
    assert lemmas("numbers", "en") == lemmas("number", "en")
    assert lemmas("I don't mind", "en") == ["i", "do", "not", "mind"]
    assert lemmas("removed", "en") == lemmas("remove", "en")

"""Carrier/voicemail phrases matched fuzzily on normalized text."""

from __future__ import annotations

import pytest

from bot_engine.call.amd import PhraseMatcher, normalize

M = PhraseMatcher()


def test_normalize() -> None:
    assert normalize("  Абонент НЕ отвечает!!! Ёлки ") == "абонент не отвечает елки"
    assert normalize("...") == ""


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (
            "Аппарат абонента выключен или находится вне зоны действия сети.",
            "аппарат абонента выключен или находится вне зоны действия сети",
        ),
        # ASR-style errors: a misheard vowel, a dropped word, lowercase, no punctuation
        (
            "аппарат абанента выключен или находится вне зоны действия",
            "аппарат абонента выключен или находится вне зоны действия сети",
        ),
        ("абанент не отвечает", "абонент не отвечает"),
        (
            "здравствуйте оставьте сообщение после сигнала спасибо",
            "оставьте сообщение после сигнала",
        ),
        ("Please leave a message after the tone.", "please leave a message after the tone"),
        ("Sorry, the person you are calling is not available right now", "is not available"),
    ],
)
def test_carrier_and_voicemail_phrases_match(text: str, phrase: str) -> None:
    match = M.match(text)
    assert match is not None
    assert match.phrase == phrase


@pytest.mark.parametrize(
    "text", ["Алло?", "Да, слушаю", "Hello?", "Yes, who is this?", "абонент", "", "сообщение"]
)
def test_live_greetings_do_not_match(text: str) -> None:
    assert M.match(text) is None


def test_custom_phrases_and_bad_lists() -> None:
    matcher = PhraseMatcher(["Вы позвонили в компанию"])
    assert matcher.match("здравствуйте вы позвонили в компанию ромашка") is not None
    with pytest.raises(ValueError):
        PhraseMatcher(["!!!", ""])

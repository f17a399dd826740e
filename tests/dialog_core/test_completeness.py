"""Would the words heard at a pause complete the turn (`dialog.completeness`)?"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot_engine.dialog.completeness import step_completeness, text_completeness
from bot_engine.dialog.engine import Dialog
from bot_engine.script import load_script

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

SCRIPT = """
id: completeness
language: {language}
result:
  outcomes: [done]
  endings: {{hangup: done, error: done}}
  fields: {{budget: number, phone: string, when: datetime}}
start: {start}
steps:
  confirm:
    ask: "?"
    expect: confirm
    on: {{yes: done, no: done}}
  budget:
    ask: "?"
    expect: {{type: money, save: budget}}
    on: {{ok: done}}
  phone:
    ask: "?"
    expect: {{type: phone, save: phone}}
    on: {{ok: done}}
  when:
    ask: "?"
    expect: {{type: datetime, save: when}}
    on: {{ok: done}}
  free:
    ask: "?"
    expect: text
    on: {{ok: done}}
  done:
    say: "."
    outcome: done
    hangup: true
"""


def dialog(start: str, language: str = "ru-RU") -> Dialog:
    script = load_script(SCRIPT.format(start=start, language=language)).script
    d = Dialog(script, {}, now=T0)
    d.start(T0)
    return d


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("ну", "ru", "incomplete"),
    ("ну давайте в", "ru", "incomplete"),
    ("Нам нужна кухня, шкаф и", "ru", "incomplete"),
    ("бюджет где-то около", "ru", "incomplete"),
    ("мой", "ru", "incomplete"),
    ("да, но", "ru", "incomplete"),
    ("эээ", "ru", "incomplete"),
    ("что", "ru", "unknown"),            # "что?" alone asks to repeat
    ("я думаю, что", "ru", "incomplete"),
    ("давайте в четверг.", "ru", "unknown"),
    ("да, это я", "ru", "unknown"),
    ("", "ru", "unknown"),
    ("well, let's say", "en", "unknown"),
    ("we need a kitchen and", "en", "incomplete"),
    ("the address is on", "en", "incomplete"),
    ("um", "en", "incomplete"),
    ("my number is", "en", "unknown"),
    ("call me tomorrow", "en", "unknown"),
    ("I'd like the", "en", "incomplete"),
])
def test_text_alone(text: str, lang: str, expected: str) -> None:
    assert text_completeness(text, lang) == expected


@pytest.mark.parametrize(("step", "text", "expected"), [
    ("confirm", "да, это я", "complete"),
    ("confirm", "нет, спасибо", "complete"),
    ("confirm", "да, но", "incomplete"),
    ("confirm", "ну", "incomplete"),
    ("confirm", "повторите, пожалуйста", "complete"),   # a global handler ends the turn
    ("confirm", "сейчас посмотрю", "unknown"),
    ("budget", "двести тысяч рублей", "complete"),
    ("budget", "двести", "unknown"),                  # "…тысяч" may follow
    ("budget", "бюджет где-то", "unknown"),
    ("phone", "восемь девятьсот двенадцать", "incomplete"),  # a number still being read
    ("phone", "мой номер", "unknown"),
    ("when", "в четверг", "complete"),
    ("when", "давайте в", "incomplete"),
    ("free", "нам нужна кухня", "unknown"),           # free text never proves an end
])
def test_against_the_step(step: str, text: str, expected: str) -> None:
    assert step_completeness(dialog(step), text) == expected


def test_the_dry_run_changes_nothing() -> None:
    d = dialog("budget")
    before = d.state.model_dump()
    assert step_completeness(d, "двести тысяч рублей") == "complete"
    assert d.state.model_dump() == before


def test_english_steps() -> None:
    assert step_completeness(dialog("confirm", "en-US"), "yes, speaking") == "complete"
    assert step_completeness(dialog("confirm", "en-US"), "yes, but") == "incomplete"
    assert step_completeness(dialog("when", "en-US"), "on Thursday") == "complete"


def test_no_words_without_punctuation_is_unknown() -> None:
    assert step_completeness(dialog("confirm"), "") == "unknown"  # Vosk: the audio decides


def test_not_waiting_for_an_answer_is_unknown() -> None:
    d = dialog("confirm")
    d.state.waiting = "webhook"
    assert step_completeness(d, "да") == "unknown"


@pytest.mark.parametrize(("text", "expected"), [
    ("Наберите новый номер", "incomplete"),          # Whisper left the sentence open
    ("Наберите новый номер.", "unknown"),
    ("Please hold while we try to...", "incomplete"),  # an ellipsis trails off
    ("Нам нужна кухня,", "incomplete"),
    ("Кто это?", "unknown"),
    ("«Эхо-тест» завершён.»", "unknown"),
    ("", "incomplete"),                              # speech Whisper made no words of yet
    (" ... ", "incomplete"),
])
def test_a_punctuating_recognizer_leaves_an_unfinished_sentence_open(text: str,
                                                                     expected: str) -> None:
    assert text_completeness(text, "ru", punctuated=True) == expected
    assert text_completeness(text, "ru") == "unknown"  # Vosk writes no punctuation at all


@pytest.mark.parametrize(("step", "text", "expected"), [
    ("confirm", "да", "complete"),               # a bare "да" often has no full stop
    ("budget", "около 200 тысяч", "complete"),
    ("free", "нам нужна кухня", "incomplete"),
    ("free", "Нам нужна кухня.", "unknown"),
    ("confirm", "сейчас посмотрю", "incomplete"),
    ("confirm", "Да, но", "incomplete"),
    ("confirm", "", "incomplete"),                 # no words: nothing to answer yet
])
def test_the_step_answer_comes_before_punctuation(step: str, text: str, expected: str) -> None:
    assert step_completeness(dialog(step), text, punctuated=True) == expected

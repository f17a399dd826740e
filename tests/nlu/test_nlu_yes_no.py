"""Yes/no with negation and colloquial speech, ru and en."""

from __future__ import annotations

import pytest

from bot_engine.nlu import yes_no

RU_YES = [
    "да", "ага", "угу", "конечно", "давайте", "ну да", "не против", "я не против",
    "не возражаю", "согласна", "соглашусь", "согласен", "да, конечно", "почему бы и нет",
    "хорошо", "да, бюджет около двухсот тысяч", "да да", "ладно, давайте", "верно",
    "Да, удобно", "актуально", "нормально", "отлично, договорились", "это я", "наверное да",
    "точно да", "правильно", "разрешаю", "да, разрешаю", "он самый", "соглашаюсь",
]  # fmt: skip
RU_NO = [
    "нет", "не надо", "конечно нет", "да нет", "ни в коем случае", "нет, не надо",
    "нет, спасибо", "не согласен", "не удобно", "неинтересно", "никогда", "ну нет",
    "не актуально", "Нет, конечно!", "точно нет", "не даю согласия", "занят", "не-не",
    "наверное нет", "не думаю", "неверно", "не знаю, наверное нет", "м-м",
    "не разрешаю", "нет, запрещаю",
]  # fmt: skip
RU_NONE = [
    "перезвоните завтра", "какая сегодня погода", "да, но не сейчас", "не знаю",
    "может быть", "это не я звонил", "", "эээ", "могу перезвонить позже", "можно попозже?",
]  # fmt: skip
EN_YES = [
    "yes", "yeah", "yep", "sure", "of course", "I don't mind", "I do not mind", "okay",
    "why not", "absolutely", "yes, no problem", "sure thing", "Yeah, sounds good",
    "Uh, yes please", "speaking", "right", "mm-hmm", "Uh-huh.", "mhm", "uh-huh, speaking",
    "that's right",
    "I guess so", "yes, it is", "I consent", "yes, I give my consent",
]  # fmt: skip
EN_NO = [
    "no", "nope", "not really", "no way", "of course not", "no, thanks", "I'm not interested",
    "nah", "absolutely not", "never", "Definitely not!", "I'm busy right now", "yeah, no",
    "that's wrong", "this is a bad time", "I don't think so", "uh-uh", "I refuse",
    "I do not consent", "no, I object", "I do not give consent",
]  # fmt: skip
EN_NONE = [
    "what's the weather like", "maybe", "I don't know", "yes and no", "call me later", "",
    "right now I'm driving, I guess", "I am the manager here", "huh?", "hmm",
    "I can call you back later", "good morning",
]  # fmt: skip


@pytest.mark.parametrize("text", RU_YES)
def test_ru_yes(text: str) -> None:
    result = yes_no(text, "ru-RU")
    assert result.answer == "yes", text
    assert 0.6 <= result.confidence <= 1.0


@pytest.mark.parametrize("text", RU_NO)
def test_ru_no(text: str) -> None:
    result = yes_no(text, "ru-RU")
    assert result.answer == "no", text
    assert 0.6 <= result.confidence <= 1.0


@pytest.mark.parametrize("text", RU_NONE)
def test_ru_unclear(text: str) -> None:
    result = yes_no(text, "ru")
    assert result.answer is None, text
    assert result.confidence < 0.6


@pytest.mark.parametrize("text", EN_YES)
def test_en_yes(text: str) -> None:
    assert yes_no(text, "en-US").answer == "yes", text


@pytest.mark.parametrize("text", EN_NO)
def test_en_no(text: str) -> None:
    assert yes_no(text, "en-US").answer == "no", text


@pytest.mark.parametrize("text", EN_NONE)
def test_en_unclear(text: str) -> None:
    assert yes_no(text, "en").answer is None, text


def test_extra_words_lower_confidence() -> None:
    bare = yes_no("да", "ru").confidence
    wordy = yes_no("да, бюджет около двухсот тысяч", "ru").confidence
    assert wordy < bare


def test_unsupported_language_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        yes_no("ja", "de-DE")


def test_hedged_answers_are_less_confident() -> None:
    assert yes_no("наверное да", "ru").confidence < yes_no("да", "ru").confidence
    assert yes_no("наверное нет", "ru").confidence < yes_no("нет", "ru").confidence

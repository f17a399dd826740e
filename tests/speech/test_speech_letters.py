"""Words outside a voice's alphabet are read, not refused: pure rules."""

from __future__ import annotations

from asr_tts.tts.letters import in_voice_letters


def test_a_site_and_an_address_are_read_as_words_in_russian() -> None:
    assert in_voice_letters("заявка с kuhni.example.", "ru") == "заявка с кухни точка ексампле."
    assert in_voice_letters("info@shop.ru", "ru") == "инфо собака шоп точка ру"


def test_abbreviations_are_spelled_and_names_keep_their_capital() -> None:
    assert in_voice_letters("в CRM и SMS", "ru") == "в си-ар-эм и эс-эм-эс"
    assert in_voice_letters("Ivan", "ru") == "Иван"


def test_a_sentence_stop_is_no_site_and_russian_letters_are_untouched() -> None:
    text = "Ещё раз. Спасибо, всё верно: г.Москва, й."
    assert in_voice_letters(text, "ru") == text


def test_english_voice_gets_latin_and_unknown_scripts_are_dropped() -> None:
    assert in_voice_letters("Hello Иван", "en") == "Hello Ivan"
    assert in_voice_letters("café Ελλάδα", "ru").split() == ["кафе"]
    assert in_voice_letters("café", "de") == "café"

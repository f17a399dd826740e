"""Text normalization for TTS: phone numbers in groups, amounts and dates in words (real
ru-normalizr), and the clean-up of what Festival's voice cannot read."""

from __future__ import annotations

import pytest

from asr_tts.errors import TextInputError
from asr_tts.tts.festival import festival_text
from asr_tts.tts.normalize import MAX_CHARS, normalize_text, speak_phone_numbers


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Позвоните: 8 800 555-35-35.",
         "Позвоните: восемь, восемьсот, пятьсот пятьдесят пять, тридцать пять, тридцать пять."),
        ("+7 (912) 345-67-89",
         "плюс семь, девятьсот двенадцать, триста сорок пять, шестьдесят семь, "
         "восемьдесят девять"),
        ("Ваш номер 89123456789?",
         "Ваш номер восемь, девятьсот двенадцать, триста сорок пять, шестьдесят семь, "
         "восемьдесят девять?"),
        ("8 (495) 123-45-05", "восемь, четыреста девяносто пять, сто двадцать три, сорок пять, "
         "ноль пять"),
    ],
)
def test_russian_phone_numbers_are_read_in_groups(text: str, spoken: str) -> None:
    assert speak_phone_numbers(text, "ru-RU") == spoken


def test_english_phone_numbers_are_read_digit_by_digit_in_groups() -> None:
    assert speak_phone_numbers("Call 1-800-555-0199.", "en-US") == (
        "Call one, eight zero zero, five five five, zero one nine nine.")


def test_amounts_and_money_are_not_taken_for_phone_numbers() -> None:
    assert speak_phone_numbers("бюджет 200 000 рублей, 1 250 000 ₽", "ru") == (
        "бюджет 200 000 рублей, 1 250 000 ₽")


def test_russian_amounts_dates_and_percent_in_words() -> None:
    spoken = normalize_text("Бюджет 200 000 рублей, встреча 21.11, скидка 15%.", "ru-RU")
    assert "двести тысяч рублей" in spoken
    assert "двадцать первого ноября" in spoken
    assert "пятнадцать процентов" in spoken
    assert not any(ch.isdigit() for ch in spoken)


def test_phone_rule_runs_before_the_number_reader() -> None:
    spoken = normalize_text("Наш номер 8 800 555-35-35, бюджет 200 000 рублей.", "ru")
    assert "восемь, восемьсот, пятьсот пятьдесят пять" in spoken
    assert "миллион" not in spoken
    assert "двести тысяч рублей" in spoken


def test_text_longer_than_the_bound_is_refused() -> None:
    with pytest.raises(TextInputError):
        normalize_text("а" * (MAX_CHARS + 1), "ru")


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("скидка 15 % — до первого декабря", "скидка 15 процентов, до первого декабря"),
        ("время: пятнадцать тридцать", "время, пятнадцать тридцать"),
        ("«Ромашка» … да", "Ромашка. да"),
        ("да , это я !", "да, это я!"),
        ("№ 5 / 6", "номер 5 6"),
        ("— Алло?", "Алло?"),
    ],
)
def test_festival_text_has_nothing_the_voice_aborts_on(text: str, clean: str) -> None:
    out = festival_text(text)
    assert out == clean
    assert not set(out) & set(":%—–…«»/№")


async def test_espeak_reads_phone_numbers_in_groups_too() -> None:
    from asr_tts.tts.espeak import EspeakSynthesizer

    tts = EspeakSynthesizer()
    grouped = speak_phone_numbers("Ваш номер 89123456789?", "ru")
    assert await tts.render("Ваш номер 89123456789?", "ru", 8000) == await tts.render(
        grouped, "ru", 8000)

"""Text normalization for speech: numbers, amounts, dates, times and phone numbers in words.

Engines that read digits badly (Festival's Russian voice says «двести» for "200 000")
get text normalized here first. Russian goes through `ru-normalizr` (amounts and dates
with case agreement: "21.11" → «двадцать первого ноября»); phone numbers are this
module's own rule, applied before it, because a phone number is read in groups the
Russian way: "8 800 555-35-35" → «восемь, восемьсот, пятьсот пятьдесят пять, тридцать
пять, тридцать пять» (ru-normalizr would read «восемь миллионов восемьсот тысяч…»).

Everything here is pure and bounded: a text longer than `MAX_CHARS` is refused.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import phonenumbers
from num2words import num2words

from asr_tts.errors import EngineUnavailableError, TextInputError

MAX_CHARS = 2000
PHONE_REGIONS = {"ru": "RU", "en": "US"}
_SPLIT_NATIONAL = {
    "ru": {10: (3, 3, 2, 2), 7: (3, 2, 2), 6: (2, 2, 2), 5: (3, 2)},
    "en": {10: (3, 3, 4), 7: (3, 4)},
}
"""National numbers by length: Russian 10 digits read 3-3-2-2 as numbers (code, then the
number); English 3-3-4, digit by digit."""
_TRUNK = {"ru": (7, "8"), "en": (1, "1")}
"""Country code and the national trunk prefix a caller writes instead of it."""
_PLUS = {"ru": "плюс", "en": "plus"}
_ZERO = {"ru": "ноль", "en": "zero"}


def language_code(language: str) -> str:
    """`ru-RU` → `ru`."""
    return language.split("-")[0].split("_")[0].lower()


def _groups(digits: str, lang: str) -> list[str]:
    sizes = _SPLIT_NATIONAL[lang].get(len(digits))
    if sizes is None:  # other lengths: threes, the last four read as two pairs
        head, tail = digits[:-4], digits[-4:]
        chunks = [head[i : i + 3] for i in range(0, len(head), 3)] if head else []
        return [*chunks, tail[:2], tail[2:]] if len(digits) >= 4 else [digits]
    out, at = [], 0
    for size in sizes:
        out.append(digits[at : at + size])
        at += size
    return out


def _group_words(group: str, lang: str) -> str:
    """A digit group as spoken: Russian as a number, leading zeros one by one ("05" →
    «ноль пять»); English digit by digit."""
    if lang != "ru":
        return " ".join(_ZERO[lang] if d == "0" else num2words(int(d), lang=lang)
                        for d in group)
    zeros = len(group) - len(group.lstrip("0"))
    words = [_ZERO[lang]] * zeros
    if group.lstrip("0"):
        words.append(num2words(int(group), lang=lang))
    return " ".join(words)


def speak_phone_number(number: phonenumbers.PhoneNumber, raw: str, lang: str) -> str:
    """One parsed number in words, in groups separated by commas (a pause each)."""
    national = phonenumbers.national_significant_number(number)
    parts: list[str] = []
    stripped = raw.lstrip()
    if stripped.startswith("+"):
        parts.append(f"{_PLUS[lang]} {num2words(number.country_code, lang=lang)}")
    elif (number.country_code, stripped[:1]) == _TRUNK[lang]:
        parts.append(num2words(int(stripped[0]), lang=lang))
    parts.extend(_group_words(g, lang) for g in _groups(national, lang))
    return ", ".join(parts)


def speak_phone_numbers(text: str, language: str) -> str:
    """Every valid phone number in `text` replaced by its spoken groups."""
    lang = language_code(language)
    region = PHONE_REGIONS.get(lang)
    if region is None or not any(ch.isdigit() for ch in text):
        return text
    out, last = [], 0
    for match in phonenumbers.PhoneNumberMatcher(text, region,
                                                 leniency=phonenumbers.Leniency.VALID):
        out.append(text[last : match.start])
        out.append(speak_phone_number(match.number, match.raw_string, lang))
        last = match.end
    out.append(text[last:])
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _ru_normalizer() -> Any:
    try:
        from ru_normalizr import NormalizeOptions, Normalizer
    except ImportError as exc:  # installed by scripts/setup.sh (requirements/models.txt)
        raise EngineUnavailableError(
            "ru-normalizr is not installed: run scripts/setup.sh, or pip install "
            "--no-deps -r requirements/models.txt"
        ) from exc
    return Normalizer(NormalizeOptions())


def normalize_text(text: str, language: str) -> str:
    """`text` with numbers, amounts, dates, times and phone numbers in words, for an
    engine that cannot read them (Russian: phone rule, then ru-normalizr). Languages
    without a normalizer get the phone rule only."""
    if len(text) > MAX_CHARS:
        raise TextInputError(f"text of {len(text)} characters is longer than {MAX_CHARS}")
    lang = language_code(language)
    spoken = speak_phone_numbers(text, lang)
    if lang == "ru" and any(ch.isdigit() or not ch.isalnum() for ch in spoken):
        spoken = str(_ru_normalizer().normalize(spoken))
    return re.sub(r"\s+", " ", spoken).strip()

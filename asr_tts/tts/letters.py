"""Text in the letters a voice can read: Latin words for a Russian voice, Cyrillic for an
English one.

Festival's voices spell words with letter-to-sound rules for one alphabet only: the Russian
voice stops with "no rule matches" on `kuhni.example`, and a prompt that names a lead's
website, an e-mail address or a brand in Latin script would go unspoken. Here such words
are read the way a Russian speaker reads them: a site's dots and an address's `@` as words,
capital abbreviations letter by letter («си-ар-эм»), other words transliterated
(`cyrtranslit`), and anything still outside the voice's alphabet (Greek, CJK…) dropped
rather than failing the whole sentence.

Pure and bounded by the caller's text limit.
"""

from __future__ import annotations

import re
import unicodedata

import cyrtranslit

_LATIN_NAMES_RU = {
    "a": "эй", "b": "би", "c": "си", "d": "ди", "e": "и", "f": "эф", "g": "джи",
    "h": "эйч", "i": "ай", "j": "джей", "k": "кей", "l": "эл", "m": "эм", "n": "эн",
    "o": "оу", "p": "пи", "q": "кью", "r": "ар", "s": "эс", "t": "ти", "u": "ю",
    "v": "ви", "w": "дабл-ю", "x": "экс", "y": "уай", "z": "зед",
}
"""English letter names as Russians say them, for abbreviations (`CRM`, `SMS`)."""
_DOT_WORD = {"ru": " точка ", "en": " dot "}
_AT_WORD = {"ru": " собака ", "en": " at "}

_LATIN_WORD = re.compile(r"[A-Za-z]+")
_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+")
_ABBREVIATION = re.compile(r"^[A-Z]{2,5}$")
_ADDRESS_DOT = re.compile(r"(?<=[A-Za-z0-9])\.(?=[A-Za-z]{2,})")
"""A dot inside a Latin site or address (not a sentence's full stop, which is followed by
a space)."""
_ADDRESS_AT = re.compile(r"(?<=\w)@(?=\w)")
_LATIN_SOUNDS = (("x", "кс"), ("X", "Кс"), ("ck", "к"), ("qu", "кв"), ("q", "к"),
                 ("Q", "К"), ("ee", "и"), ("oo", "у"), ("ph", "ф"), ("th", "т"))
"""Spellings `cyrtranslit` (made for romanized Russian) leaves out or reads letter by
letter; applied to lowercase words before it."""


def _base_latin(ch: str) -> str:
    """`é`, `ü`, `ñ` as their base letters; every other character (`й` and `ё` included)
    as it is."""
    if ch.isascii() or not ch.isalpha():
        return ch
    base = unicodedata.normalize("NFKD", ch)[0]
    return base if base.isascii() else ch


def _latin_word_ru(match: re.Match[str]) -> str:
    word = match.group(0)
    if _ABBREVIATION.match(word):
        return "-".join(_LATIN_NAMES_RU[ch] for ch in word.lower())
    lowered = word.lower()
    for spelling, sound in _LATIN_SOUNDS:
        lowered = lowered.replace(spelling, sound)
    spoken = str(cyrtranslit.to_cyrillic(lowered, "ru"))
    return spoken[:1].upper() + spoken[1:] if word[:1].isupper() else spoken


def _cyrillic_word_en(match: re.Match[str]) -> str:
    return str(cyrtranslit.to_latin(match.group(0), "ru"))


def _keep(ch: str, alphabet: re.Pattern[str]) -> str:
    return ch if not ch.isalpha() or alphabet.fullmatch(ch) else " "


def in_voice_letters(text: str, language: str) -> str:
    """`text` with every letter in the voice's alphabet (Cyrillic for `ru`, Latin for
    `en`); other languages are returned unchanged."""
    lang = language.split("-")[0].lower()
    if lang not in _DOT_WORD:
        return text
    out = _ADDRESS_AT.sub(_AT_WORD[lang], _ADDRESS_DOT.sub(_DOT_WORD[lang], text))
    out = "".join(_base_latin(ch) for ch in out)
    if lang == "ru":
        out = _LATIN_WORD.sub(_latin_word_ru, out)
        alphabet = _CYRILLIC_WORD
    else:
        out = _CYRILLIC_WORD.sub(_cyrillic_word_en, out)
        alphabet = _LATIN_WORD
    return "".join(_keep(ch, alphabet) for ch in out)

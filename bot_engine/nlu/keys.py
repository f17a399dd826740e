"""Keypad keys said in words: "единичка", "двойку", "второй", "the second one".

A keypad step hears numbers through the entity parser ("один", "two"); callers as often
name the key as a noun or an ordinal, which no number parser reads as a digit, or read
"the second one" as the number one. These words are looked up first, by lemma.
"""

from __future__ import annotations

from bot_engine.nlu.lang import lang_of
from bot_engine.nlu.text import lemma_tuple, tokens

_KEYS: dict[str, dict[str, str]] = {
    "ru": {
        **dict.fromkeys(("ноль", "нуль", "нолик", "нулевой"), "0"),
        **dict.fromkeys(("единица", "единичка", "первый"), "1"),
        **dict.fromkeys(("двойка", "двоечка", "второй"), "2"),
        **dict.fromkeys(("тройка", "троечка", "третий"), "3"),
        **dict.fromkeys(("четверка", "четвертый"), "4"),
        **dict.fromkeys(("пятерка", "пятый"), "5"),
        **dict.fromkeys(("шестерка", "шестой"), "6"),
        **dict.fromkeys(("семерка", "седьмой"), "7"),
        **dict.fromkeys(("восьмерка", "восьмой"), "8"),
        **dict.fromkeys(("девятка", "девятый"), "9"),
        **dict.fromkeys(("звездочка", "звезда"), "*"),
        **dict.fromkeys(("решетка", "решеточка"), "#"),
    },
    "en": {
        "zero": "0", "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
        "sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9", "star": "*",
        "asterisk": "*", "pound": "#", "hash": "#",
    },
}  # fmt: skip


def spoken_key(text: str, lang: str) -> str | None:
    """The first keypad key named as a word in ``text``, or None."""
    code = lang_of(lang)
    table = _KEYS[code]
    for word in (*tokens(text, code), *lemma_tuple(text, code)):
        if word in table:
            return table[word]
    return None

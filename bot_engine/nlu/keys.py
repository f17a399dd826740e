"""Keypad keys said in words: "единичка", "двойку", "второй", "the second one".

A keypad step hears numbers through the entity parser ("один", "two"); callers as often
name the key as a noun or an ordinal, which no number parser reads as a digit, or read
"the second one" as the number one. These words are looked up first, by lemma.
"""

from __future__ import annotations

import re

from bot_engine.nlu.lang import lang_of
from bot_engine.nlu.text import lemma_tuple, tokens

_KEYS: dict[str, dict[str, str]] = {
    "ru": {
        **dict.fromkeys(("ноль", "нуль", "нолик", "нулевой"), "0"),
        **dict.fromkeys(("единица", "единичка", "первый", "первое"), "1"),
        **dict.fromkeys(("двойка", "двоечка", "второй", "второе"), "2"),
        **dict.fromkeys(("тройка", "троечка", "третий", "третье"), "3"),
        **dict.fromkeys(("четверка", "четвертый", "четвертое"), "4"),
        **dict.fromkeys(("пятерка", "пятый", "пятое"), "5"),
        **dict.fromkeys(("шестерка", "шестой", "шестое"), "6"),
        **dict.fromkeys(("семерка", "седьмой", "седьмое"), "7"),
        **dict.fromkeys(("восьмерка", "восьмой", "восьмое"), "8"),
        **dict.fromkeys(("девятка", "девятый", "девятое"), "9"),
        # digit words as the recogniser spells an unstressed «о», «е», «я» («адин»)
        **dict.fromkeys(("адин", "адна", "адно", "адну"), "1"),
        **dict.fromkeys(("читыре", "чатыре"), "4"),
        **dict.fromkeys(("васемь", "васем"), "8"),
        **dict.fromkeys(("дивять", "девить"), "9"),
        **dict.fromkeys(("звездочка", "звезда"), "*"),
        **dict.fromkeys(("решетка", "решеточка"), "#"),
    },
    "en": {
        "zero": "0", "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
        "sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9", "star": "*",
        "asterisk": "*", "pound": "#", "hash": "#",
    },
}  # fmt: skip


def key_of_word(word: str) -> str | None:
    """The key one word names, in any case form («двойку», «второго», "third"), or None."""
    for code, table in _KEYS.items():
        found = table.get(word)
        if found is None and code == "ru" and word.isalpha() and not word.isascii():
            lemmas = lemma_tuple(word, "ru")  # none for a filler: «ну»
            found = table.get(lemmas[0]) if lemmas else None
        if found is not None:
            return found
    return None


# Words that name a key only when they are all the reply says besides pressing it:
# «раз» counts one, but «ещё раз» asks to repeat and «в другой раз» defers; the recogniser
# spells a digit said alone as its homophone ("won", "too", "fore", "ate"), which in a
# longer reply is the word it spells.
_ALONE: dict[str, dict[str, str]] = {
    "ru": {"раз": "1"},
    "en": {"won": "1", "too": "2", "to": "2", "for": "4", "ate": "8",
           # the Spanish digits an English speaker may read a key as
           **{w: str(n) for n, w in enumerate(("cero", "uno", "dos", "tres", "cuatro", "cinco",
                                               "seis", "siete", "ocho", "nueve"))}},
}
_PRESSING: dict[str, frozenset[str]] = {
    "ru": frozenset({"нажимать", "нажать", "жать", "кнопка", "клавиша", "давайте", "давай",
                     "пожалуйста", "вот"}),
    "en": frozenset({"press", "push", "hit", "button", "key", "please", "pleas"}),
}


def spoken_key(text: str, lang: str) -> str | None:
    """The first keypad key named as a word in ``text``, or None."""
    code = lang_of(lang)
    table = _KEYS[code]
    for word in (*tokens(text, code), *lemma_tuple(text, code)):
        if word in table:
            return table[word]
    alone = _ALONE[code]
    if alone:
        for words in (lemma_tuple(text, code), tokens(text, code)):  # "tres" stems to "tre"
            said = [w for w in words if w not in _PRESSING[code]]
            if len(said) == 1 and said[0] in alone:
                return alone[said[0]]
    return None


_DIGIT_WORDS: dict[str, dict[str, str]] = {
    "ru": {w: str(n) for n, w in enumerate(
        ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"])},
    "en": {w: str(n) for n, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])},
}


_PRESS_VERBS = frozenset({"нажимать", "нажать", "жать", "давить", "press", "push", "hit"})
_PRESS_BETWEEN = frozenset({"на", "я", "уже", "вот", "кнопка", "клавиша", "цифра", "i", "be",
                            "the", "number", "key", "button", "already", "just"})


def pressed_key(text: str, lang: str) -> str | None:
    """A digit said next to pressing it, wherever it stands in a longer reply: «один жму,
    звони», «жму на два», "one i'm pressing", "i pressed two go ahead"."""
    code = lang_of(lang)
    words = lemma_tuple(text, code)
    digits = _DIGIT_WORDS[code]
    for at, word in enumerate(words):
        if word not in _PRESS_VERBS:
            continue
        for step in (1, -1):
            k = at + step
            while 0 <= k < len(words) and abs(k - at) <= 3 and words[k] in _PRESS_BETWEEN:
                k += step
            if (0 <= k < len(words) and (words[k] in digits or words[k] in _KEYS[code])
                    and words[k + 1 : k + 2] not in (("of",), ("из",))):  # "hit one of them"
                return digits.get(words[k]) or _KEYS[code][words[k]]
    return None


def _keys_in(sentence: str, code: str) -> list[str]:
    words = (*tokens(sentence, code), *lemma_tuple(sentence, code))
    found = {ch for ch in sentence if ch.isdigit()}
    found |= {_DIGIT_WORDS[code][w] for w in words if w in _DIGIT_WORDS[code]}
    found |= {_KEYS[code][w] for w in words if w in _KEYS[code]}
    return sorted(found)


def keys_for_answers(prompt: str, lang: str) -> dict[str, str]:
    """Which key means yes and which means no, read from a keypad prompt.

    "Если вы согласны, нажмите один. Если не согласны, нажмите два." gives
    {"yes": "1", "no": "2"}: each sentence that names exactly one key is read as a yes/no
    answer without its key, so a caller who answers the prompt in words ("согласна",
    "I don't agree") presses the key they described. Ambiguous prompts give {}."""
    from bot_engine.nlu.polar import polar

    code = lang_of(lang)
    found: dict[str, set[str]] = {}
    for sentence in re.split(r"[.!?;]+", prompt):
        keys = _keys_in(sentence, code)
        if len(keys) != 1:
            continue
        words = [w for w in tokens(sentence, code)
                 if w not in _DIGIT_WORDS[code] and w not in _KEYS[code] and not w.isdigit()]
        answer = polar(" ".join(words), code).answer
        if answer is not None:
            found.setdefault(answer, set()).add(keys[0])
    pairs = {answer: next(iter(keys)) for answer, keys in found.items() if len(keys) == 1}
    return pairs if len(set(pairs.values())) == len(pairs) else {}

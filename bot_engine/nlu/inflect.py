"""Russian person names in a grammatical case («соединяю с Евгенией Чулковой»), a name's
gender («вам нужна Евгения» / «нужен Дмитрий») and small numbers as words.

pymorphy3 knows first names and patronymics well, but many surnames only as guesses
(«Масленников» parses as a plural of «масленник»), so surnames of the regular Russian
patterns (-ов/-ев/-ин/-ын, -ский/-цкий and their feminine forms) are declined by rule,
with the gender taken from the first name. Anything else (a foreign surname, a company
department) stays as written rather than being mangled.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from bot_engine.nlu.errors import NluInputError
from bot_engine.nlu.morph import analyzer

Gender = Literal["masc", "femn"]

CASES: dict[str, str] = {
    "nomn": "nomn", "gent": "gent", "datv": "datv", "accs": "accs", "ablt": "ablt",
    "loct": "loct",
    "nominative": "nomn", "genitive": "gent", "dative": "datv", "accusative": "accs",
    "instrumental": "ablt", "prepositional": "loct",
    "именительный": "nomn", "родительный": "gent", "дательный": "datv",
    "винительный": "accs", "творительный": "ablt", "предложный": "loct",
}
MAX_NAME = 200
_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*|[^А-Яа-яЁё]+")

# Surname endings by rule: (nominative ending, gender) -> ending per case.
_MASC_OV = {"gent": "а", "datv": "у", "accs": "а", "ablt": "ым", "loct": "е"}
_FEMN_OVA = {"gent": "ой", "datv": "ой", "accs": "у", "ablt": "ой", "loct": "ой"}
_MASC_SKIY = {"gent": "ого", "datv": "ому", "accs": "ого", "ablt": "им", "loct": "ом"}
_FEMN_SKAYA = {"gent": "ой", "datv": "ой", "accs": "ую", "ablt": "ой", "loct": "ой"}

_NUMBER_WORDS = {
    "ru": ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь",
           "девять"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
}


def case_code(case: str) -> str:
    code = CASES.get(str(case).strip().lower())
    if code is None:
        raise NluInputError(f"unknown case {case!r}; expected one of: " + ", ".join(CASES))
    return code


def number_word(number: int, lang: str = "ru") -> str:
    words = _NUMBER_WORDS.get(lang[:2], _NUMBER_WORDS["en"])
    return words[number] if 0 <= number < len(words) else str(number)


def number_of_word(word: str) -> int | None:
    """A spoken digit («два», "two"), an ordinal in any case form («первую», «второго»,
    "third") or a key's name («двойку», «единичка») as its number."""
    lowered = word.lower().replace("ё", "е")
    for words in _NUMBER_WORDS.values():
        if lowered in words:
            return words.index(lowered)
    if lowered == "раз":
        return 1
    from bot_engine.nlu.keys import key_of_word

    key = key_of_word(lowered)
    return int(key) if key is not None and key.isdigit() else None


@lru_cache(maxsize=4096)
def name_gender(name: str) -> Gender | None:
    """The gender of a person's name, from its first word pymorphy3 knows as a first name
    (or, failing that, a surname of a regular pattern)."""
    words = [w.lower() for w in re.findall(r"[А-Яа-яЁё]+", str(name)[:MAX_NAME])]
    for word in words:
        for parse in analyzer().parse(word):
            tag = parse.tag
            if "Name" in tag and "nomn" in tag and "sing" in tag and tag.gender in ("masc",
                                                                                   "femn"):
                return "masc" if tag.gender == "masc" else "femn"
    for word in words:
        if re.search(r"(ова|ева|ёва|ина|ына|ская|цкая)$", word):
            return "femn"
        if re.search(r"(ов|ев|ёв|ин|ын|ский|цкий)$", word):
            return "masc"
    return None


@lru_cache(maxsize=8192)
def inflect_name(name: str, case: str) -> str:
    """A person's name («Евгения Чулкова») in a case («Евгенией Чулковой»)."""
    text = str(name)[:MAX_NAME]
    code = case_code(case)
    if code == "nomn":
        return text
    gender = name_gender(text)
    return "".join(
        _inflect_word(part, code, gender) if part[0].isalpha() else part
        for part in _WORD.findall(text)
    )


def _inflect_word(word: str, case: str, gender: Gender | None) -> str:
    if "-" in word:  # double-barrelled: each half declines
        return "-".join(_inflect_word(half, case, gender) for half in word.split("-"))
    lowered = word.lower()
    declined = _by_rule(lowered, case, gender) or _by_dictionary(lowered, case, gender)
    return _same_case(word, declined) if declined else word


def _by_rule(word: str, case: str, gender: Gender | None) -> str | None:
    if gender == "femn":
        for ending, table in (("ская", _FEMN_SKAYA), ("цкая", _FEMN_SKAYA)):
            if word.endswith(ending):
                return word[:-2] + table[case]
        for ending in ("ова", "ева", "ёва", "ина", "ына"):
            if word.endswith(ending) and not _is_first_name(word):
                return word[:-1] + _FEMN_OVA[case]
    elif gender == "masc":
        for ending in ("ский", "цкий"):
            if word.endswith(ending):
                return word[:-2] + _MASC_SKIY[case]
        for ending in ("ов", "ев", "ёв", "ин", "ын"):
            if word.endswith(ending) and not _is_first_name(word):
                return word + _MASC_OV[case]
    return None


def _is_first_name(word: str) -> bool:
    return any("Name" in p.tag for p in analyzer().parse(word) if p.score >= 0.1)


def _by_dictionary(word: str, case: str, gender: Gender | None) -> str | None:
    """A first name, patronymic or known surname, inflected by pymorphy3 in the parse
    that is nominative and of the name's gender."""
    for parse in analyzer().parse(word):
        tag = parse.tag
        if not ({"Name", "Patr", "Surn"} & set(tag.grammemes)):
            continue
        if "nomn" not in tag or "sing" not in tag:
            continue
        if gender is not None and tag.gender is not None and tag.gender != gender:
            continue
        form = parse.inflect({case})
        if form is not None:
            return str(form.word)
    return None


def _same_case(original: str, word: str) -> str:
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word

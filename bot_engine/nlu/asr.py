"""Repairs of what a phone line and a recogniser do to short answers, word by word.

Callers' answers reach the NLU as a recogniser heard them: stretched vowels ("дааа",
"noooo"), colloquial and phonetic spellings ("щас", "конешно", "yea"), one word split in
two ("не-а", "пере звоните", "no pe") or two words merged ("незнаю", "непротив"). Every
layer (yes/no, polar families, intents, handlers, script patterns) reads the same
normalized words, so the repairs happen once, here, during normalization:

1. a letter repeated three or more times is one letter ("дааа" -> "да");
2. colloquial spellings map to the written word (a small table per language);
3. two words join when the joined word is in the dictionary and one half is not a word
   on its own, or is a split prefix ("пере звоните" -> "перезвоните", "пол часа" ->
   "полчаса"; "no pe" -> "nope" from a short list);
4. a merged negation splits when the word is not in the dictionary but its rest is
   ("незнаю" -> "не знаю", "непротив" -> "не против"; "неудобно" stays whole);
5. an unknown Russian word that sounds like one of the answer words (unstressed о/а and
   е/и merged, doubled letters dropped) becomes that word ("октуально" -> "актуально");
6. a word said twice in a row counts once ("можно можно", "да да да").

Russian uses the pymorphy3 dictionary (`ru_is_known`), English has no dictionary here,
so its repairs are the tables only. Every step is cached per word.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot_engine.nlu.lang import Lang
from bot_engine.nlu.morph import ru_is_known

_STRETCH = re.compile(r"(\w)\1{2,}")

_FILLERS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"ну", "алло", "ало", "алле", "але", "хм", "эм", "кхм", "мда", "ой"}),
    "en": frozenset(
        {"well", "um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "hm", "hello", "mm", "ah",
         "eh", "literally", "basically"}
    ),
}
# Hesitation sounds of any length: "эээ", "ммм", "аааа", "ummm", "uhhh".
_HESITATION = re.compile(r"^(?:э+м*|м{2,}|а{2,}|хм+|u+h*m+|u+h+|e+r+m*|h+m+|m{2,}|a{2,}h*)$")


def _is_filler(word: str, lang: Lang) -> bool:
    return word in _FILLERS[lang] or _HESITATION.match(word) is not None



_SPELLING: dict[Lang, dict[str, tuple[str, ...]]] = {
    "ru": {
        **dict.fromkeys(("конешно", "канешно", "конешна", "канешна", "канечно", "конечна"),
                        ("конечно",)),
        **dict.fromkeys(("щас", "ща", "щаз", "щя", "щяс"), ("сейчас",)),
        **dict.fromkeys(("че", "чо", "чего-то"), ("что",)),
        **dict.fromkeys(("ваще", "вапще"), ("вообще",)),
        **dict.fromkeys(("ничо", "ниче"), ("ничего",)),
        **dict.fromkeys(("норм", "нормуль", "нормас", "нормалек", "нормалды"), ("нормально",)),
        **dict.fromkeys(("окей", "окэй", "океу", "окай", "оке", "океюшки"), ("окей",)),
        **dict.fromkeys(("агась", "агащ"), ("ага",)),
        **dict.fromkeys(("угумс", "угум"), ("угу",)),
        **dict.fromkeys(("ниа", "неаа"), ("неа",)),
        **dict.fromkeys(("ладушки", "ладненько", "лады"), ("ладно",)),
        "харашо": ("хорошо",),
        **dict.fromkeys(("пожалста", "пожалуста", "плиз"), ("пожалуйста",)),
    },
    "en": {
        **dict.fromkeys(("yea", "yeh", "yah", "yeap"), ("yeah",)),
        **dict.fromkeys(("yess", "yas", "yees"), ("yes",)),
        **dict.fromkeys(("naw", "nah", "nahh"), ("nah",)),
        **dict.fromkeys(("nop", "nopes"), ("nope",)),
        **dict.fromkeys(("okey", "okie", "okeydokey", "kk"), ("okay",)),
        **dict.fromkeys(("aight", "alrighty", "allright"), ("alright",)),
        "dunno": ("dont", "know"),
        "gimme": ("give", "me"),
        "lemme": ("let", "me"),
        "kinda": ("kind", "of"),
        "sorta": ("sort", "of"),
        "prolly": ("probably",),
        **dict.fromkeys(("cuz", "coz", "cos"), ("because",)),
        "thx": ("thanks",),
        # what a texting-trained recogniser writes
        "idk": ("i", "dont", "know"),
        "idc": ("i", "dont", "care"),
        **dict.fromkeys(("tmrw", "tmr", "tmrow", "tomorow", "tommorow", "tommorrow",
                         "tomoro", "2morrow", "2moro"), ("tomorrow",)),
        "rn": ("right", "now"),
        "tbh": ("to", "be", "honest"),
        "wk": ("week",), "wks": ("weeks",), "hr": ("hour",), "hrs": ("hours",),
        "min": ("minute",), "mins": ("minutes",), "mos": ("months",),
        "yr": ("year",), "yrs": ("years",), "sec": ("second",), "secs": ("seconds",),
        **dict.fromkeys(("pls", "plz", "pleez"), ("please",)),
        "dis": ("this",),
        "dat": ("that",),
        "em": ("them",),
        "bout": ("about",),
        "ur": ("your",),
        "u": ("you",),
    },
}  # fmt: skip

_JOINS: dict[Lang, dict[tuple[str, str], str]] = {
    "ru": {("не", "а"): "неа", ("о", "кей"): "окей", ("о", "кэй"): "окей", ("а", "га"): "ага",
           ("у", "гу"): "угу"},
    "en": {("no", "pe"): "nope", ("o", "kay"): "okay", ("ok", "ay"): "okay",
           ("al", "right"): "alright", ("ye", "ah"): "yeah",
           ("no", "body"): "nobody", ("any", "more"): "anymore", ("some", "one"): "someone"},
}  # fmt: skip

_SPLIT_PART = 4
"""A recogniser's split leaves a short piece ("пере", "кей", "pe"): longer pairs stay apart."""

# Halves that are dictionary words but, before a word they make one with, are a
# recogniser's split prefix: "пере звоните", "пол часа" ("полчаса", "полгода").
_SPLIT_PREFIXES = frozenset({"пере", "недо", "пол"})

# Answer words an unknown word may be a mishearing of (their every form, by sound).
_ANSWER_WORDS = (
    "актуальный", "актуально", "конечно", "согласный", "согласиться", "интересовать",
    "интересный", "удобно", "неудобно", "перезвонить", "позвонить", "звонить", "хорошо",
    "пожалуйста", "правильно", "подтверждать", "занятый", "занят", "менеджер", "оператор",
    "специалист", "соединить", "переключить", "нормально", "отлично", "разумеется",
    "естественно", "обязательно", "возражать", "против", "повторить", "говорить",
    "слушать", "минута", "минутка", "передумать", "купить", "заказать", "нужный",
    "ненужный", "неинтересный", "неактуальный", "отказываться", "давайте", "попозже",
    "позже", "некогда", "совещание", "прекрасно", "замечательно", "договориться",
)
_RU_VOWELS = str.maketrans({"о": "а", "е": "и", "я": "а", "ю": "у", "э": "и", "ы": "и",
                            "ь": None, "ъ": None})  # fmt: skip
_DOUBLE = re.compile(r"(.)\1+")


def sound_key(word: str) -> str:
    """Russian by ear: unstressed о/а and е/и merge, soft signs and doubled letters go."""
    return _DOUBLE.sub(r"\1", word.translate(_RU_VOWELS))


@lru_cache(maxsize=1)
def _answer_sounds() -> dict[str, str]:
    from bot_engine.nlu.morph import analyzer

    # The listed words first, then their other forms, in a fixed order: two forms that
    # sound alike ("актуально", "актуальна") always resolve to the same word.
    out = {sound_key(word): word for word in reversed(_ANSWER_WORDS)}
    for word in _ANSWER_WORDS:
        for form in analyzer().parse(word)[0].lexeme:
            out.setdefault(sound_key(form.word.replace("ё", "е")), form.word.replace("ё", "е"))
    return out


@lru_cache(maxsize=16384)
def _ru_word(word: str) -> tuple[str, ...]:
    if len(word) >= 5 and word.startswith("не") and not ru_is_known(word):
        rest = word[2:]
        if ru_is_known(rest):
            return ("не", rest)
    if len(word) >= 5 and not ru_is_known(word):
        heard = _answer_sounds().get(sound_key(word))
        if heard is not None:
            return (heard,)
    return (word,)


@lru_cache(maxsize=16384)
def _ru_join(first: str, second: str) -> str | None:
    joined = first + second
    if len(joined) < 4 or not ru_is_known(joined):
        return None
    if first in _SPLIT_PREFIXES or not ru_is_known(first) or not ru_is_known(second):
        return joined
    return None


@lru_cache(maxsize=32768)
def _fix(word: str, lang: Lang) -> tuple[str, ...]:
    """One word repaired: () for a filler, one or two words otherwise (cached)."""
    if _is_filler(word, lang):
        return ()
    if len(word) > 2:
        word = _STRETCH.sub(r"\1", word)
        if _is_filler(word, lang):
            return ()  # "нууу", "эээ"
    fixed = _SPELLING[lang].get(word)
    if fixed is not None:
        return fixed
    if lang == "en" and word.endswith("ish") and word[:-3] in _EN_ISH_STEMS:
        return _ish(word[:-3])  # "noonish", "fiveish": about that time
    return _ru_word(word) if lang == "ru" else (word,)


_EN_ISH_STEMS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "noon", "midday", "lunch", "lunchtime", "teatime",
})  # fmt: skip


def _ish(stem: str) -> tuple[str, ...]:
    """"fiveish" is "five ish" as "5ish" is "5 ish" (the "ish" marks an hour); "noonish" is
    noon."""
    return (stem,) if stem in _EN_ISH_NAMED else (stem, "ish")


_EN_ISH_NAMED = frozenset({"noon", "midday", "lunch", "lunchtime", "teatime"})


def respell(word: str, lang: Lang) -> tuple[str, ...] | None:
    """The words normalization writes for one lowercased word spelt as people text or a
    recogniser hears it ("wks" -> "weeks", "tmrw" -> "tomorrow", "noonish" -> "noon",
    «щас» -> «сейчас»), or None when it keeps the word: for readers that keep their own
    offsets (the entity scanner). One dict lookup: no dictionary repairs, no fillers."""
    fixed = _SPELLING[lang].get(word)
    if fixed is None and lang == "en" and word.endswith("ish") and word[:-3] in _EN_ISH_STEMS:
        return _ish(word[:-3])
    return fixed


_EN_IN_WORDS = frozenset({
    "again", "begin", "within", "cabin", "cousin", "basin", "robin", "satin", "latin",
    "violin", "margin", "origin", "raisin", "muffin", "napkin", "pumpkin", "dolphin",
    "coffin", "admin", "login", "bulletin", "vitamin", "insulin", "aspirin", "goblin",
    "cumin", "resin", "toxin", "checkin", "plugin", "vermin",
})  # fmt: skip
_EN_IN_ENDINGS = ("ain", "oin", "ein", "uin")
_EN_DROPPED_G = frozenset({
    "nothin", "somethin", "anythin", "everythin", "goin", "doin", "comin", "talkin",
    "speakin", "lookin", "kiddin", "tryin", "sayin", "gettin", "thinkin", "workin",
    "drivin", "havin", "eatin", "callin", "waitin", "leavin", "runnin", "shoppin",
    "askin", "hopin", "plannin", "cookin", "sleepin", "nappin", "movin", "travelin",
    "walkin", "listenin",
})  # fmt: skip
"""Casual speech drops the g ("workin", "nothin"); a recogniser spells it so."""
_EN_BEFORE_ING = frozenset({"just", "still", "keep", "stop", "currently", "been", "kinda"})
"""Words after which a word in -in is a present participle with its g dropped ("just
fixin dinner"); elsewhere it may be a name ("martin speaking", "im martin")."""


def _en_dropped_g(word: str, before: str | None) -> str:
    """"workin", "nothin", "hes fixin" -> "working", "nothing", "fixing"."""
    if word in _EN_DROPPED_G:
        return word + "g"
    if (before in _EN_BEFORE_ING and len(word) >= 5 and word.endswith("in")
            and not word.endswith(_EN_IN_ENDINGS) and word not in _EN_IN_WORDS):
        return word + "g"
    return word


def repair(words: list[str], lang: Lang) -> list[str]:
    """The words of one utterance with fillers dropped and the recogniser's slips undone
    (see the module doc)."""
    out: list[str] = []
    for word in words:
        for fixed in _fix(word, lang):
            if lang == "en" and fixed.endswith("in"):
                fixed = _en_dropped_g(fixed, out[-1] if out else None)
            if not out or out[-1] != fixed:  # "можно можно", "да да да": said once
                out.append(fixed)
    if len(out) < 2:
        return out
    joins = _JOINS[lang]
    merged: list[str] = []
    i = 0
    while i < len(out):
        if i + 1 < len(out) and min(len(out[i]), len(out[i + 1])) <= _SPLIT_PART:
            pair = (out[i], out[i + 1])
            joined = joins.get(pair)
            if joined is None and lang == "ru":
                joined = _ru_join(*pair)
            if joined is not None:
                merged.extend(joined.split())
                i += 2
                continue
        merged.append(out[i])
        i += 1
    return merged

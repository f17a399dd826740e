"""Word -> lemma, cached: pymorphy3 for Russian, a light suffix stemmer for English.

A pymorphy3 parse costs about 60 µs, which is most of a turn's budget, so every lookup
goes through an ``lru_cache`` and there is one shared ``MorphAnalyzer`` per process,
created on first use (it takes ~0.1 s and ~15 MB).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pymorphy3

_lock = threading.Lock()
_CYRILLIC = re.compile(r"^[а-яё]+$")
_analyzer: pymorphy3.MorphAnalyzer | None = None


def analyzer() -> pymorphy3.MorphAnalyzer:
    """The process-wide pymorphy3 analyzer (lazy, thread-safe creation)."""
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                import pymorphy3

                _analyzer = pymorphy3.MorphAnalyzer(lang="ru")
    return _analyzer


# pymorphy3 gives each part of speech and aspect its own normal form. A caller who says
# "соглашусь" means the same as "согласен", so these families are folded together.
_RU_FAMILIES: dict[str, str] = {
    "согласиться": "согласный",
    "соглашаться": "согласный",
    "согласие": "согласный",
    "соединять": "соединить",
    "соединение": "соединить",
    "повторять": "повторить",
    "повтор": "повторить",
    "удалять": "удалить",
    "отписываться": "отписать",
    "отписаться": "отписать",
    "отписывать": "отписать",
    "переключать": "переключить",
    "переводить": "перевести",
    "позвать": "звать",
    "возражение": "возражать",
    "возразить": "возражать",
    "расслышать": "слышать",
    "услышать": "слышать",
    "прослушать": "слышать",
    "понимать": "понять",
}


@lru_cache(maxsize=65536)
def ru_lemma(word: str) -> str:
    """Normal form of a lowercase Russian word, with ``ё`` folded to ``е``."""
    if not _CYRILLIC.match(word):
        return word
    try:
        normal: str = analyzer().parse(word)[0].normal_form.replace("ё", "е")
    except (KeyError, ValueError, IndexError):  # pymorphy3 chokes on some odd characters
        return word
    return _RU_FAMILIES.get(normal, normal)


@lru_cache(maxsize=65536)
def ru_normal_forms(word: str) -> frozenset[str]:
    """Every normal form pymorphy gives a lowercase Russian word (ё folded to е), for
    matching a heard word against a list of names; other words stand for themselves."""
    if not re.fullmatch(r"[а-яе]+", word):
        return frozenset({word})
    return frozenset(p.normal_form.replace("ё", "е") for p in analyzer().parse(word))


@lru_cache(maxsize=65536)
def ru_is_known(word: str) -> bool:
    """Whether ``word`` is in the Russian dictionary (not a guess from its ending)."""
    return bool(_CYRILLIC.match(word)) and bool(analyzer().word_is_known(word))


@lru_cache(maxsize=65536)
def ru_first_person_present(word: str) -> bool:
    """Whether ``word``'s likeliest reading is a verb in the first person present
    ("обедаю", "едем"): a caller saying what they are doing right now."""
    if not _CYRILLIC.match(word) or not analyzer().word_is_known(word):
        return False
    tag = analyzer().parse(word)[0].tag
    return bool(tag.POS == "VERB" and tag.person == "1per" and tag.tense == "pres")


@lru_cache(maxsize=65536)
def ru_request_form(word: str) -> bool:
    """Whether ``word`` is a verb said as a request or a plan with the listener: the
    imperative or the second person ("наберите", "позвоните"), or "let's" ("созвонимся")."""
    if not _CYRILLIC.match(word):
        return False
    tag = analyzer().parse(word)[0].tag
    return bool(tag.POS == "VERB" and (
        tag.mood == "impr" or tag.person == "2per"
        or (tag.person == "1per" and tag.number == "plur" and tag.tense == "futr")
    ))


@lru_cache(maxsize=65536)
def ru_past_verb(word: str) -> bool:
    """Whether ``word``'s likeliest reading is a verb in the past tense ("позвонили")."""
    if not _CYRILLIC.match(word) or not analyzer().word_is_known(word):
        return False
    tag = analyzer().parse(word)[0].tag
    return bool(tag.POS == "VERB" and tag.tense == "past")


@lru_cache(maxsize=65536)
def ru_future_verb(word: str) -> bool:
    """Whether ``word``'s likeliest reading is a perfective verb in the future ("возьму",
    "закажем"): an intention, not a thing done."""
    if not _CYRILLIC.match(word) or not analyzer().word_is_known(word):
        return False
    tag = analyzer().parse(word)[0].tag
    return bool(tag.POS == "VERB" and tag.tense == "futr")


@lru_cache(maxsize=65536)
def ru_perfective_past(word: str) -> str | None:
    """The lemma of ``word`` when its likeliest reading is a perfective verb in the past
    ("натянули", "поменяли"): a thing done. Else None."""
    if not _CYRILLIC.match(word) or not analyzer().word_is_known(word):
        return None
    parse = analyzer().parse(word)[0]
    tag = parse.tag
    if tag.POS != "VERB" or tag.tense != "past" or tag.aspect != "perf":
        return None
    return str(parse.normal_form).replace("ё", "е")


@lru_cache(maxsize=65536)
def ru_imperative(word: str) -> str | None:
    """The lemma of ``word`` when it can be read as an imperative ("обрабатывайте",
    "звоните"), else None."""
    if not _CYRILLIC.match(word) or not analyzer().word_is_known(word):
        return None
    for parse in analyzer().parse(word):
        if parse.tag.POS == "VERB" and parse.tag.mood == "impr":
            return str(parse.normal_form).replace("ё", "е")
    return None


@lru_cache(maxsize=65536)
def ru_noun_lemma(word: str) -> str | None:
    """The normal form of ``word`` when its likeliest reading is a noun, else None."""
    if not _CYRILLIC.match(word) or not analyzer().word_is_known(word):
        return None
    parse = analyzer().parse(word)[0]
    if parse.tag.POS != "NOUN":
        return None
    return str(parse.normal_form).replace("ё", "е")


@lru_cache(maxsize=65536)
def ru_adjective(word: str) -> bool:
    """Whether ``word``'s likeliest reading is a full adjective («ёлочном», «детском»)."""
    if not _CYRILLIC.match(word) or not analyzer().word_is_known(word):
        return False
    return bool(analyzer().parse(word)[0].tag.POS == "ADJF")


@lru_cache(maxsize=65536)
def ru_noun_case(word: str) -> str | None:
    """The case of ``word``'s likeliest reading when it is a noun («отделении»: loct)."""
    if not _CYRILLIC.match(word) or not analyzer().word_is_known(word):
        return None
    tag = analyzer().parse(word)[0].tag
    return str(tag.case) if tag.POS == "NOUN" and tag.case is not None else None


@lru_cache(maxsize=65536)
def ru_animate_noun(word: str) -> bool:
    """Whether ``word``'s likeliest reading is an animate noun ("дочка", "сосед")."""
    if not _CYRILLIC.match(word) or not analyzer().word_is_known(word):
        return False
    tag = analyzer().parse(word)[0].tag
    return bool(tag.POS == "NOUN" and tag.animacy == "anim")


# English: contractions lose their apostrophe in normalization ("don't" -> "dont"), so
# they are expanded here; this keeps "do not mind" and "don't mind" one phrase.
_EN_EXPAND: dict[str, tuple[str, ...]] = {
    "dont": ("do", "not"),
    "doesnt": ("do", "not"),
    "didnt": ("do", "not"),
    "cant": ("can", "not"),
    "cannot": ("can", "not"),
    "couldnt": ("can", "not"),
    "wont": ("will", "not"),
    "wouldnt": ("will", "not"),
    "shouldnt": ("shall", "not"),
    "isnt": ("be", "not"),
    "arent": ("be", "not"),
    "wasnt": ("be", "not"),
    "werent": ("be", "not"),
    "havent": ("have", "not"),
    "hasnt": ("have", "not"),
    "hadnt": ("have", "not"),
    "aint": ("be", "not"),
    "im": ("i", "be"),
    "hes": ("he", "be"),
    "shes": ("she", "be"),
    "ive": ("i", "have"),
    "id": ("i", "would"),
    "ill": ("i", "will"),
    "youll": ("you", "will"),
    "youd": ("you", "would"),
    "theyll": ("they", "will"),
    "have": ("have",),
    "youre": ("you", "be"),
    "youve": ("you", "have"),
    "were": ("be",),
    "theyre": ("they", "be"),
    "whos": ("who", "be"),
    "whats": ("what", "be"),
    "wheres": ("where", "be"),
    "thats": ("that", "be"),
    "theres": ("there", "be"),
    "lets": ("let", "us"),
    "gonna": ("go", "to"),
    "wanna": ("want", "to"),
    "gotta": ("have", "to"),
    "is": ("be",),
    "am": ("be",),
    "are": ("be",),
    "was": ("be",),
    "been": ("be",),
    "being": ("be",),
    "has": ("have",),
    "had": ("have",),
    "does": ("do",),
    "did": ("do",),
    "done": ("do",),
    "went": ("go",),
    "gone": ("go",),
    "got": ("get",),
    "gotten": ("get",),
    "said": ("say",),
    "says": ("say",),
    "heard": ("hear",),
    "people": ("person",),
    "men": ("man",),
    "women": ("woman",),
    "children": ("child",),
    "its": ("it", "be"),
    "plane": ("plane",),  # a plane is no plan: "on a plane about to take off"
    "planes": ("plane",),
}

_EN_KEEP_S = ("ss", "us", "is", "os", "as")


def _en_stem(word: str) -> str:
    """Strip common inflections; the same function runs on examples and input, so the
    stems only need to be consistent, not dictionary words."""
    w = word
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith("ied"):
        return w[:-3] + "y"
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and (w.endswith("ed") or (w.endswith("es") and w[-3] in "sxzh")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(_EN_KEEP_S):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1].isalpha():
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


# Irregular pasts whose base form means the same fact ("took care of it", "we've taken
# care of it", "dealt with it"), lemmatized to the stem of that base form.
_EN_EXPAND.update({
    past: (_en_stem(base),) for past, base in (
        ("took", "take"), ("taken", "take"), ("dealt", "deal"),
    )
})


@lru_cache(maxsize=65536)
def en_lemmas(word: str) -> tuple[str, ...]:
    """Lemma(s) of a lowercase English word; a contraction gives two."""
    expanded = _EN_EXPAND.get(word)
    if expanded is not None:
        return expanded
    if not word.isalpha() or not word.isascii():
        return (word,)
    return (_en_stem(word),)


def lemmas_of_tokens(words: list[str], lang: str) -> list[str]:
    """Lemmas of already-normalized tokens (``lang`` is "ru" or "en")."""
    if lang == "ru":
        return [ru_lemma(w) for w in words]
    out: list[str] = []
    for w in words:
        out.extend(en_lemmas(w))
    return out

"""Yes/no understanding that gets negation and colloquial Russian/English right.

Phrases are matched on lemmas, longest first, so "да нет" (no), "конечно нет" (no),
"не против" (yes) and "почему бы и нет" (yes) win over the single words inside them.
Then "не"/"not" before a positive word ("не удобно", "not interested") flips it to no.
Both kinds of signal in one utterance is a real mix, reported as no answer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field

from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.text import lemma_tuple


class YesNo(BaseModel):
    """The caller's answer to a yes/no question; ``answer`` is None when unclear."""

    answer: Literal["yes", "no"] | None
    confidence: float = Field(ge=0.0, le=1.0)


_Kind = Literal["yes", "no", "unsure"]

_PHRASES: dict[Lang, dict[_Kind, tuple[str, ...]]] = {
    "ru": {
        "yes": (
            "да",
            "ага",
            "угу",
            "конечно",
            "давайте",
            "давай",
            "хорошо",
            "ладно",
            "ок",
            "окей",
            "согласен",
            "верно",
            "точно",
            "именно",
            "разумеется",
            "естественно",
            "безусловно",
            "обязательно",
            "абсолютно",
            "подтверждаю",
            "можно",
            "удобно",
            "актуально",
            "интересно",
            "хочу",
            "нужно",
            "надо",
            "могу",
            "слушаю",
            "пойдет",
            "не против",
            "не возражаю",
            "почему бы и нет",
            "почему нет",
            "а почему нет",
            "без проблем",
            "не вопрос",
            "еще бы",
            "так и есть",
            "все верно",
            "да конечно",
            "конечно да",
            "а как же",
            "само собой",
            "было дело",
            "оставлял",
        ),
        "no": (
            "нет",
            "неа",
            "не",
            "никогда",
            "нисколько",
            "да нет",
            "конечно нет",
            "нет конечно",
            "ни в коем случае",
            "ни за что",
            "не надо",
            "не нужно",
            "не хочу",
            "не согласен",
            "не интересно",
            "не удобно",
            "неудобно",
            "неинтересно",
            "не актуально",
            "неактуально",
            "не могу",
            "не сейчас",
            "нет спасибо",
            "не совсем",
            "отказываюсь",
            "против",
            "возражаю",
            "не подтверждаю",
            "не стоит",
            "не оставлял",
            "ошиблись",
            "не туда",
            "вряд ли",
        ),
        "unsure": (
            "не знаю",
            "не уверен",
            "может быть",
            "наверное",
            "возможно",
            "посмотрим",
            "не помню",
            "затрудняюсь",
            "как сказать",
        ),
    },
    "en": {
        "yes": (
            "yes",
            "yeah",
            "yep",
            "yup",
            "yea",
            "ya",
            "sure",
            "certainly",
            "absolutely",
            "definitely",
            "ok",
            "okay",
            "alright",
            "all right",
            "right",
            "correct",
            "fine",
            "exactly",
            "indeed",
            "of course",
            "go ahead",
            "why not",
            "no problem",
            "not a problem",
            "sounds good",
            "i do not mind",
            "do not mind",
            "i agree",
            "agree",
            "i guess so",
            "that is right",
            "please do",
            "convenient",
            "interested",
            "i want",
            "i can",
            "uh huh",
            "totally",
            "affirmative",
            "confirm",
            "yes please",
            "for sure",
            "you bet",
            "by all means",
            "that is me",
            "speaking",
        ),
        "no": (
            "no",
            "nope",
            "nah",
            "never",
            "not",
            "not really",
            "no way",
            "of course not",
            "no thanks",
            "no thank you",
            "not now",
            "not interested",
            "not convenient",
            "i do not want",
            "i disagree",
            "disagree",
            "not at all",
            "by no means",
            "absolutely not",
            "definitely not",
            "certainly not",
            "not exactly",
            "negative",
            "wrong number",
            "not me",
            "i do not think so",
            "do not",
        ),
        "unsure": (
            "i do not know",
            "not sure",
            "maybe",
            "perhaps",
            "i am not sure",
            "possibly",
            "i do not remember",
            "hard to say",
            "it depends",
        ),
    },
}

# A negator before one of these flips it to "no" even when no phrase above covers it.
_NEGATORS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"не", "ни"}),
    "en": frozenset({"not", "never"}),
}


class _Table:
    """Phrase table compiled to lemma tuples, indexed by first lemma for a cheap scan."""

    def __init__(self, lang: Lang) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], _Kind]]] = {}
        for kind, phrases in _PHRASES[lang].items():
            for phrase in phrases:
                lem = lemma_tuple(phrase, lang)
                self.by_first.setdefault(lem[0], []).append((lem, kind))
        for entries in self.by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        self.yes_words = frozenset(
            lemma_tuple(p, lang)[0] for p in _PHRASES[lang]["yes"] if " " not in p
        )
        self.negators = frozenset(lemma_tuple(n, lang)[0] for n in _NEGATORS[lang])


@lru_cache(maxsize=2)
def _table(lang: Lang) -> _Table:
    return _Table(lang)


@lru_cache(maxsize=4096)
def _yes_no(text: str, lang: Lang) -> YesNo:
    table = _table(lang)
    lem = lemma_tuple(text, lang)
    signals: list[_Kind] = []
    covered = 0
    i = 0
    while i < len(lem):
        hit: tuple[tuple[str, ...], _Kind] | None = None
        for phrase, kind in table.by_first.get(lem[i], ()):
            if lem[i : i + len(phrase)] == phrase:
                hit = (phrase, kind)
                break
        if hit is None:
            i += 1
            continue
        phrase, kind = hit
        # A bare negator only counts before a positive word ("не удобно" is no), never on
        # its own inside unrelated speech ("это не я звонил" says nothing about yes/no).
        if len(phrase) == 1 and phrase[0] in table.negators:
            nxt = lem[i + 1] if i + 1 < len(lem) else None
            if nxt is not None and nxt in table.yes_words:
                signals.append("no")
                covered += 2
                i += 2
                continue
            if nxt is None and i == 0:
                signals.append("no")
                covered += 1
            i += 1
            continue
        signals.append(kind)
        covered += len(phrase)
        i += len(phrase)

    kinds = set(signals)
    if not kinds:
        return YesNo(answer=None, confidence=0.0)
    if "unsure" in kinds or kinds == {"yes", "no"}:
        return YesNo(answer=None, confidence=0.5)
    answer: Literal["yes", "no"] = "yes" if kinds == {"yes"} else "no"
    # Words around the answer ("да, бюджет около двухсот тысяч") lower confidence a little.
    extra = max(0, len(lem) - covered)
    confidence = max(0.6, 0.97 - 0.05 * extra)
    return YesNo(answer=answer, confidence=round(confidence, 3))


def yes_no(text: str, lang: str) -> YesNo:
    """Classify a caller's reply to a yes/no question (``lang`` like "ru-RU" or "en")."""
    return _yes_no(text, lang_of(lang))

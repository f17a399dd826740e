"""Yes/no understanding that gets negation and colloquial Russian/English right.

Phrases are matched on lemmas, longest first, so "да нет" (no), "конечно нет" (no),
"не против" (yes) and "почему бы и нет" (yes) win over the single words inside them.
Then "не"/"not" before a positive word ("не удобно", "not interested") flips it to no.
Both kinds of signal in one utterance is a real mix, reported as no answer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.morph import ru_future_verb
from bot_engine.nlu.text import lemma_tuple


class YesNo(BaseModel):
    """The caller's answer to a yes/no question; ``answer`` is None when unclear. Frozen:
    readings are shared between calls (cached per reply, and one per answer and
    confidence), so no caller may change one."""

    model_config = ConfigDict(frozen=True)

    answer: Literal["yes", "no"] | None
    confidence: float = Field(ge=0.0, le=1.0)


_Kind = Literal["yes", "no", "unsure", "soft"]

# "soft" words mean yes alone but only intensify a no ("конечно нет", "точно нет").
_PHRASES: dict[Lang, dict[_Kind, tuple[str, ...]]] = {
    "ru": {
        "yes": (
            "да", "ага", "угу", "ну да", "давайте", "давай", "хорошо", "ладно", "ок", "окей",
            "согласен", "верно", "именно", "подтверждаю", "удобно", "актуально",
            "интересно", "пойдет", "правильно", "нормально", "отлично", "прекрасно",
            "замечательно", "супер", "договорились",
            "не против", "не возражаю", "почему бы и нет", "почему нет", "а почему нет",
            "без проблем", "не вопрос", "еще бы", "еще как", "так и есть", "все верно",
            "да конечно",
            "конечно да", "а как же", "само собой", "было дело", "оставлял", "это я",
            "я слушаю", "даю согласие", "вроде да", "скорее да", "думаю да",
            "разрешаю", "он самый", "она самая", "я самый", "соглашаюсь",
            "пожалуй да", "вроде бы да", "в принципе да", "в целом да",
            "пусть так", "пусть будет так", "так и быть",
            # the operator's answer to an offered call: "принимаю", "беру", "соединяй"
            "принимаю", "беру", "соединяй", "соединяйте", "готов", "готова",
        ),
        "soft": (
            "конечно", "точно", "разумеется", "естественно", "безусловно", "обязательно",
            "абсолютно", "совершенно", "вполне",
        ),
        "no": (
            "нет", "неа", "нетушки", "не", "не не", "никогда", "нисколько", "да нет",
            "ни в коем случае", "ни за что", "не надо", "не нужно", "не хочу", "не согласен",
            "не интересно",
            "не удобно", "неудобно", "неинтересно", "не актуально", "неактуально", "не могу",
            "не сейчас", "нет спасибо", "не совсем", "отказываюсь", "против", "возражаю",
            "не подтверждаю", "не стоит", "не оставлял", "ошиблись", "не туда", "вряд ли",
            "занят", "я занят", "не думаю", "не очень", "не особо", "не хотелось бы",
            "не даю согласия", "неверно", "неправильно", "не правильно", "не верно",
            "да ну нет", "ну нет", "вроде нет", "скорее нет", "думаю нет", "не подходит",
            "не нужен", "не нужна", "не нужно", "не готов", "не разрешаю", "запрещаю",
            "пожалуй нет", "вроде бы нет", "не обязательно", "незачем",
            "уже нет", "отклоняю", "отмена", "отменяй", "отбой", "неохота", "не охота",
            "не хочется", "перебьетесь", "обойдетесь",
        ),
        "unsure": (
            "не знаю", "не уверен", "может быть", "наверное", "возможно", "посмотрим",
            "не помню", "затрудняюсь", "как сказать", "пока не знаю", "подумаю",
        ),
    },
    "en": {
        "yes": (
            "yes", "yeah", "yep", "yup", "yea", "ya", "sure", "ok", "okay", "alright",
            "you may",
            "all right", "correct", "fine", "exactly", "indeed", "of course",
            "go ahead", "why not", "no problem", "not a problem", "sounds good",
            "i do not mind", "do not mind", "i agree", "agree", "i guess so", "that is right",
            "please do", "convenient", "interested", "affirmative", "great", "perfect",
            "cool", "that works",
            "confirm", "yes please", "for sure", "you bet", "by all means", "that is me",
            "i think so", "go on", "still relevant", "yes right",
            "i consent", "consent", "i give my consent", "i allow it",
            "i suppose so", "i believe so", "i reckon so", "i would say so", "probably yes",
            "i accept", "accept", "put them through", "put him through", "put her through",
        ),
        "soft": ("certainly", "absolutely", "definitely", "totally", "really", "surely"),
        "no": (
            "no", "nope", "nah", "never", "not", "not really", "no way", "of course not",
            "no thanks", "no thank you", "not now", "not interested", "not convenient",
            "i do not want", "i disagree", "disagree", "not at all", "by no means",
            "absolutely not", "definitely not", "certainly not", "not exactly", "negative",
            "wrong number", "not me", "i do not think so", "do not", "busy", "i am busy",
            "not today", "not anymore", "no longer", "it is not", "i am not", "i do not",
            "not relevant", "i can not", "yeah no", "wrong", "incorrect", "bad time",
            "not a good time", "i refuse", "refuse", "i do not consent", "i object",
            "i do not give consent", "no consent",
            "probably not", "i guess not", "i suppose not", "i believe not", "guess not",
            "not necessary", "no need", "unnecessary", "not needed", "i decline",
            "decline", "please do not", "you may not",
        ),
        "unsure": (
            "i do not know", "not sure", "maybe", "perhaps", "i am not sure", "possibly",
            "i do not remember", "hard to say", "it depends", "i will think",
        ),
    },
}  # fmt: skip

# Answers that mean yes only when they are the whole utterance: "Right." / "I am." but
# not "right now" or "I am busy".
_WHOLE_YES: dict[Lang, tuple[str, ...]] = {
    "ru": ("я", "он", "она", "так", "слушаю", "слушаю вас", "говорите", "можно", "могу",
           "хочу", "нужно", "надо", "конечно можно"),
    "en": ("right", "it is", "i am", "i do", "i have", "i can", "i want", "i want to", "good",
           "k",
           "deal", "very good", "good idea",
           "speaking", "we are",
           "we do", "that is right", "yes it is", "yes i am", "i suppose", "i guess",
           "i reckon"),
}  # fmt: skip

# A negator before one of these flips it to "no" even when no phrase above covers it.
_NEGATORS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"не", "ни"}),
    "en": frozenset({"not", "never"}),
}


# Verbs a negator reaches over to the yes word they govern: «не буду соглашаться», «не стану
# подтверждать», «не собираюсь соглашаться» are a no, however the yes word reads.
_AUXILIARIES: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"быть", "стать", "собираться"}),
    "en": frozenset(),
}


_SUBJECTS = frozenset({"я", "мы", "ничто", "ничего"})


# Words that soften an answer without changing it: "в принципе можно", "я думаю, могу".
_SOFTENERS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"в", "принцип", "целом", "целое", "общем", "общий", "пожалуй", "наверное",
                     "вообще", "думаю", "думать", "вроде", "бы", "то", "да"}),
    "en": frozenset({"i", "think", "guess", "suppose", "probably", "well", "yes", "yeah",
                     "sure", "then", "so"}),
}


def _unsoftened(lem: tuple[str, ...], lang: Lang) -> tuple[str, ...]:
    return tuple(w for w in lem if w not in _SOFTENERS[lang])


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
            lemma_tuple(p, lang)[0]
            for kind in ("yes", "soft")
            for p in _PHRASES[lang][kind]
            if " " not in p
        )
        self.negators = frozenset(lemma_tuple(n, lang)[0] for n in _NEGATORS[lang])
        self.auxiliaries = _AUXILIARIES[lang]
        self.whole_yes = frozenset(lemma_tuple(p, lang) for p in _WHOLE_YES[lang])
        self.answer_words = frozenset(
            lem[0] for phrases in _PHRASES[lang].values() for p in phrases
            if len(lem := lemma_tuple(p, lang)) == 1
        ) | _SOFTENERS[lang] | self.negators


@lru_cache(maxsize=2)
def _table(lang: Lang) -> _Table:
    return _Table(lang)


# Hums that normalization would drop as fillers but that are answers: "mm-hmm" and
# "uh-huh" are yes, "uh-uh" and "м-м" are no. They become plain words before parsing.
_INTERJECTIONS = re.compile(
    r"(?<!\w)(?:(?P<yes>m+[- ]?h+m+|mhm+|uh[- ]?huh|a-ha|мгм+)"
    r"|(?P<no>uh[- ]?uh|nuh[- ]?uh|м-м))(?!\w)",
    re.IGNORECASE,
)
_PLAIN: dict[Lang, dict[str, str]] = {
    "ru": {"yes": "да", "no": "нет"},
    "en": {"yes": "yes", "no": "no"},
}


def _plain_interjections(text: str, lang: Lang) -> str:
    low = text.lower()  # each hum holds one of these strings: most replies skip the search
    if not ("m" in low or "uh" in low or "a-ha" in low or "мгм" in low or "м-м" in low):
        return text
    words = _PLAIN[lang]
    return _INTERJECTIONS.sub(lambda m: words["yes" if m.group("yes") else "no"], text)


def _negative_phrase_at(lem: tuple[str, ...], i: int, table: _Table) -> bool:
    """Whether a "no" phrase of two words or more ("не надо") starts at ``i``."""
    return any(kind == "no" and len(phrase) > 1 and lem[i : i + len(phrase)] == phrase
               for phrase, kind in table.by_first.get(lem[i], ()))


_THAT_I_WILL_RU = re.compile(r"\bэто я ((?:\w+ ?){1,3})")


def i_will_see_to_it(text: str) -> bool:
    """«ну это я подумаю», «это я с мужем ещё решу»: «это» is the thing asked about and
    «я» the one who will see to it later (a verb in the future within three words), no
    «это я» of identity."""
    found = _THAT_I_WILL_RU.search(text.lower())
    return found is not None and any(ru_future_verb(w) for w in found.group(1).split())


@lru_cache(maxsize=4096)
def _yes_no(text: str, lang: Lang) -> YesNo:
    text = _plain_interjections(text, lang)
    table = _table(lang)
    lem = lemma_tuple(text, lang)
    if lang == "ru" and "это я " in text and i_will_see_to_it(text):
        at = next(i for i in range(len(lem) - 1) if lem[i:i + 2] == ("это", "я"))
        lem = lem[:at + 1] + lem[at + 2:]  # «это я подумаю»: no «это я» of identity
    if lem in table.whole_yes or (len(lem) <= 5 and _unsoftened(lem, lang) in table.whole_yes):
        return _SAID_YES
    if lang == "ru" and lem[:2] == ("да", "не") and _negative_phrase_at(lem, 1, table):
        lem = lem[1:]  # "да не надо", "да не стоит": the "да" is a filler, not a yes
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
            j = k = i + 1
            while k < len(lem) and (lem[k] in table.auxiliaries or (
                    k > i + 1 and lem[k] in _SUBJECTS)):  # «не стану (я) (ничего) подтверждать»
                k += 1
            if k < len(lem) and lem[k] in table.yes_words:
                j = k
            while j < len(lem) and lem[j] in table.yes_words:  # "не даю согласия"
                j += 1
            if j > i + 1:
                signals.append("no")
                covered += j - i
                i = j
                continue
            if i + 1 == len(lem) and i == 0:
                signals.append("no")
                covered += 1
            i += 1
            continue
        end = i + len(phrase)
        if kind == "no" and phrase[-1] in table.negators:  # "i am not" + "interested"
            while end < len(lem) and lem[end] in table.yes_words:
                end += 1
        signals.append(kind)
        covered += end - i
        i = end

    kinds = set(signals)
    if "soft" in kinds:
        kinds.discard("soft")
        if not kinds - {"unsure"} and table.negators.isdisjoint(lem):
            kinds.add("yes")  # "really" alone; "i really cant" intensifies a negation
    if not kinds:
        return _NO_SIGNAL
    firm = kinds - {"unsure"}
    if len(firm) != 1:  # only hedging, or a real mix of yes and no
        return _MIXED
    answer: Literal["yes", "no"] = "yes" if firm == {"yes"} else "no"
    # Words around the answer ("да, бюджет около двухсот тысяч") and hedges ("наверное
    # да") lower confidence.
    extra = max(0, len(lem) - covered)
    confidence = max(0.6, 0.97 - 0.05 * extra - (0.25 if "unsure" in kinds else 0.0))
    return _reading(answer, round(confidence, 3))


@lru_cache(maxsize=256)
def _reading(answer: Literal["yes", "no"], confidence: float) -> YesNo:
    """One shared reading per answer and confidence (a few dozen in all), as the cached
    replies already share theirs: no model is built on the hot path."""
    return YesNo(answer=answer, confidence=confidence)


# The answers without a computed confidence, built once (the hot path builds no model).
_SAID_YES = YesNo(answer="yes", confidence=0.9)
_NO_SIGNAL = YesNo(answer=None, confidence=0.0)
_MIXED = YesNo(answer=None, confidence=0.5)


def yes_no(text: str, lang: str) -> YesNo:
    """Classify a caller's reply to a yes/no question (``lang`` like "ru-RU" or "en")."""
    return _yes_no(text, lang_of(lang))


def answer_words_only(text: str, lang: str) -> bool:
    """Whether a reply says nothing but answer words and their softeners («конечно нет»,
    "yeah no sure"): there is no fact in it for a learned reading to weigh against them."""
    code = lang_of(lang)
    lem = lemma_tuple(text, code)
    return bool(lem) and _table(code).answer_words.issuperset(lem)

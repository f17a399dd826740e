"""Normalization shared by every NLU function: case, ё/е, punctuation, fillers and the
recogniser's slips (`nlu.asr`)."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat

from bot_engine.nlu.asr import repair
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.morph import lemmas_of_tokens

# Apostrophes inside words vanish ("don't" -> "dont") so contractions stay one token.
_APOSTROPHE = re.compile(r"(?<=\w)['’`ʼ](?=\w)")
_WORD = re.compile(r"[^\W_]+")

# How much of one reply the understanding reads. A phone answer is a few words (the longest
# of the eval set's 26,000 is 16), and forty words are about fifteen seconds of speech; past
# that the reply's opening and its last words carry the answer ("well ... so no"). Every
# reader's cost grows with the words, so the cap is what bounds a hostile turn (2,000
# characters of repeated digits or fillers took up to 0.1 s a turn without it).
MAX_HEARD_WORDS = 40
_HEARD_HEAD = 24
MAX_HEARD_WORD = 40
"""Characters kept of one word: no spoken word is longer; a recogniser's run-on is cut."""


@lru_cache(maxsize=4096)
def _tokens(text: str, lang: Lang) -> tuple[str, ...]:
    lowered = text.lower().replace("ё", "е")
    if "'" in lowered or "’" in lowered or "`" in lowered or "ʼ" in lowered:  # most have none
        lowered = _APOSTROPHE.sub("", lowered)
    return tuple(repair(_WORD.findall(lowered), lang))


def heard(text: str) -> str:
    """The part of a caller's reply that the understanding reads: at most `MAX_HEARD_WORDS`
    words (the first ones and the last ones) of at most `MAX_HEARD_WORD` characters each.
    A reply within the bounds comes back unchanged."""
    words = text.split()
    if len(words) <= MAX_HEARD_WORDS and all(len(w) <= MAX_HEARD_WORD for w in words):
        return text
    if len(words) > MAX_HEARD_WORDS:
        words = words[:_HEARD_HEAD] + words[_HEARD_HEAD - MAX_HEARD_WORDS:]
    return " ".join(w[:MAX_HEARD_WORD] for w in words)


def tokens(text: str, lang: str) -> list[str]:
    """Normalized words of ``text`` with fillers ("ну", "эээ", "алло", "um") dropped."""
    return list(_tokens(text, lang_of(lang)))


@lru_cache(maxsize=4096)
def normalize(text: str, lang: str) -> str:
    """Lowercase, ё->е, punctuation stripped, spaces collapsed, fillers removed. Kept per
    reply: the understanding's layers ask for the same reply's form a dozen times a turn."""
    return " ".join(_tokens(text, lang_of(lang)))


@lru_cache(maxsize=4096)
def surface_lemmas(text: str, lang: Lang) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each normalized word with its lemma(s): one lemma, or two for "dont" -> do, not.

    The intent matcher needs both: lemmas to meet other forms of a word, and the surface
    word to recognise an ASR slip that pymorphy3 cannot lemmatize ("званите")."""
    return tuple(map(_word_lemmas, _tokens(text, lang), repeat(lang)))


@lru_cache(maxsize=65536)
def _word_lemmas(word: str, lang: Lang) -> tuple[str, tuple[str, ...]]:
    """One word with its lemma(s): a pure function of the word, kept warm across replies."""
    return word, tuple(lemmas_of_tokens([word], lang))


@lru_cache(maxsize=4096)
def lemma_tuple(text: str, lang: Lang) -> tuple[str, ...]:
    """Cached lemmas of a whole utterance; the hot path calls this several times a turn."""
    return tuple(lemma for _, lems in surface_lemmas(text, lang) for lemma in lems)


def lemmas(text: str, lang: str) -> list[str]:
    """Lemmas of the normalized tokens (pymorphy3 for Russian, a light stemmer for English)."""
    return list(lemma_tuple(text, lang_of(lang)))

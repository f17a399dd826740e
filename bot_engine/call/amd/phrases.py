"""Carrier and voicemail phrases, matched fuzzily on normalized recognized text.

ASR output differs from the announcement's spelling (ё/е, punctuation, dropped or
misheard words), so matching is rapidfuzz's partial ratio over normalized text: the
phrase may sit anywhere inside a longer utterance and still score high.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

PHRASES_RU: tuple[str, ...] = (
    "аппарат абонента выключен или находится вне зоны действия сети",
    "абонент не отвечает",
    "оставьте сообщение после сигнала",
    "абонент временно недоступен",
    "номер не существует",
    "вызываемый абонент",
)
PHRASES_EN: tuple[str, ...] = (
    "please leave a message after the tone",
    "leave a message after the beep",
    "is not available",
    "the number you have dialed",
    "cannot take your call",
    "your call has been forwarded to voicemail",
)
DEFAULT_PHRASES: tuple[str, ...] = PHRASES_RU + PHRASES_EN
"""Carrier announcements and voicemail prompts. Also good ASR phrase hints while AMD
runs: a recognizer primed with them hears them far more reliably on telephone audio."""


ANSWERS_RU: tuple[str, ...] = ("алло", "да, слушаю", "кто это", "добрый день")
ANSWERS_EN: tuple[str, ...] = ("hello", "yes, speaking", "who is this", "good morning")
"""How a person answers the phone: never matched as a machine, only given to the ASR."""


def phrase_hints(language: str) -> tuple[str, ...]:
    """The ASR hints while AMD listens in one language ("ru-RU", "en", …): its carrier and
    voicemail phrases, then the everyday answers of a person. Whisper takes hints as a
    prompt and, when it cannot make out a short greeting, may give a prompt phrase back;
    with only the machine phrases that was "абонент временно недоступен" for «Алло,
    слушаю» (a person taken for a machine), so the prompt ends, where it weighs most, on
    what a person says (measured: `bench/amd_accuracy.py --whisper`)."""
    if language.lower().startswith("ru"):
        return PHRASES_RU + ANSWERS_RU
    return PHRASES_EN + ANSWERS_EN


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalize(text: str) -> str:
    """Lowercase, ё→е, digits and letters only, single spaces."""
    lowered = text.lower().replace("ё", "е")
    return " ".join(_NON_WORD.sub(" ", lowered).replace("_", " ").split())


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    phrase: str
    score: float


class PhraseMatcher:
    def __init__(self, phrases: Iterable[str] = DEFAULT_PHRASES, min_score: float = 85.0) -> None:
        self.phrases = tuple(normalize(p) for p in phrases if normalize(p))
        if not self.phrases:
            raise ValueError("at least one non-empty phrase")
        self.min_score = min_score

    def match(self, text: str) -> PhraseMatch | None:
        """The best phrase found in `text`, if it scores at least `min_score`."""
        norm = normalize(text)
        if not norm:
            return None
        best: PhraseMatch | None = None
        for phrase in self.phrases:
            # A text much shorter than the phrase cannot contain it: partial_ratio would
            # otherwise match "абонент" alone against the whole announcement.
            if len(norm) < 0.6 * len(phrase):
                continue
            score = fuzz.partial_ratio(phrase, norm)
            if score >= self.min_score and (best is None or score > best.score):
                best = PhraseMatch(phrase, score)
        return best

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


def phrase_hints(language: str) -> tuple[str, ...]:
    """The phrases of one language ("ru-RU", "en", …) to hand the ASR as hints."""
    return PHRASES_RU if language.lower().startswith("ru") else PHRASES_EN


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

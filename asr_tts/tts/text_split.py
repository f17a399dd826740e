"""Split long text at sentence boundaries so each part fits an engine's length limit.

SpeechKit v3 synthesizes at most 250 characters per request. Splitting at sentence ends
keeps intonation natural; a sentence that is too long by itself is split at clause
punctuation, then at spaces, and only a single over-long word is cut hard.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:—–])\s+")


def _fit(piece: str, limit: int) -> list[str]:
    if len(piece) <= limit:
        return [piece]
    for pattern in (_CLAUSE_END, re.compile(r"\s+")):
        parts = [p for p in pattern.split(piece) if p]
        if len(parts) > 1:
            return _pack(parts, limit)
    return [piece[i : i + limit] for i in range(0, len(piece), limit)]


def _pack(parts: list[str], limit: int) -> list[str]:
    out: list[str] = []
    current = ""
    for part in parts:
        for fitted in _fit(part, limit):
            candidate = f"{current} {fitted}" if current else fitted
            if len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    out.append(current)
                current = fitted
    if current:
        out.append(current)
    return out


def split_text(text: str, limit: int) -> list[str]:
    """Parts of `text`, each at most `limit` characters, joined at sentence boundaries
    where possible. Whitespace between parts is normalized to single spaces."""
    if limit < 1:
        raise ValueError("limit must be positive")
    normalized = " ".join(text.split())
    if len(normalized) <= limit:
        return [normalized] if normalized else []
    return _pack([s for s in _SENTENCE_END.split(normalized) if s], limit)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` (whitespace normalized): a streamed prompt synthesizes them
    one by one, so the first plays while the next is rendered."""
    normalized = " ".join(text.split())
    return [s for s in _SENTENCE_END.split(normalized) if s]

"""Texts Whisper invents on silence, music or line noise, dropped before they reach a dialog.

Whisper was trained on subtitled video, so on non-speech it writes subtitle credits and
sound captions: on this project's 8 kHz calls the multilingual base model produced
«Редактор субтитров А.Синецкая» and «СПОКОЙНАЯ МУЗЫКА» on silence and hold music. Such a
text would take the dialog's no-match branch (or worse, match something), so a result
that is only one of these is treated as nothing heard. A caller's genuine "thank you"
is kept: only the full credit phrases match.
"""

from __future__ import annotations

import re

_PATTERNS = [
    # subtitle credits (Russian subtitle teams; every spelling seen in the wild)
    r"(редактор|корректор|автор|переводчик)\w* субтитров.*",
    r"субтитры (сделал|создавал|подготовил|делал|подогнал)\w*.*",
    r"субтитры.* (amara|dimatorzok|dima torzok).*",
    r"продолжение следует",
    r"спасибо за (просмотр|внимание к видео)",
    r"подписывайтесь на (канал|наш канал).*",
    r"ставьте лайки.*",
    # sound captions, usually in capitals or brackets
    r"(спокойная|динамичная|весёлая|веселая|грустная|тревожная|напряж[её]нная|торжественная"
    r"|лирическая|таинственная|ритмичная|драматическая)? ?музыка",
    r"(аплодисменты|смех)",
    # English
    r"thanks? (you )?for watching.*",
    r"subtitles (by|made by|created by) .*",
    r"please subscribe.*",
    r"(soft |gentle |upbeat |dramatic )?music( playing)?",
]
_KNOWN = re.compile(r"^(?:" + "|".join(_PATTERNS) + r")$")
_BRACKETED = re.compile(r"^\s*[\[(*♪][^\])*♪]*[\])*♪]?\s*$")


def _normalized(text: str) -> str:
    """Lower case, `ё` kept, punctuation and repeated spaces removed."""
    cleaned = re.sub(r"[^\w\s]", " ", text.lower().replace("_", " "))
    return " ".join(cleaned.split())


def is_hallucination(text: str) -> bool:
    """True when `text` is one of Whisper's known non-speech inventions, or only a
    bracketed caption such as "[музыка]" or "(applause)"."""
    if not text.strip():
        return False
    if _BRACKETED.match(text):
        return True
    return bool(_KNOWN.match(_normalized(text)))

"""Tokens with character offsets into the caller's original text.

Entities must report the span they came from, so unlike ``text.tokens`` this keeps
offsets and recognises digit shapes: grouped thousands ("120 000", "1,500"), decimals
("1,5"), clock times ("15:30"), numeric dates ("25.12.2026", "2026-12-25").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot_engine.nlu.asr import respell
from bot_engine.nlu.lang import Lang
from bot_engine.nlu.morph import ru_is_known

TokKind = Literal["word", "num", "time", "date", "sym"]


@dataclass(frozen=True, slots=True)
class Tok:
    kind: TokKind
    low: str  # lowercased, ё -> е
    start: int
    end: int
    num: float | None = None  # value of a "num" token


_SPACE = "[ \u00a0\u202f]"
_COMMON = (
    r"(?P<date>\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}/\d{1,2}(?![\d/]))"
    r"|(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
)
_RU_NUM = rf"(?P<num>\d{{1,3}}(?:{_SPACE}\d{{3}})+(?!\d)|\d+(?:[.,]\d+)?)"
_EN_NUM = (
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d{{1,3}}(?:{_SPACE}\d{{3}})+(?!\d)"
    r"|\d+(?:\.\d+)?)"
)
_REST = r"|(?P<word>[^\W\d_]+)|(?P<sym>[$€₽£%+])"

_SCANNERS: dict[Lang, re.Pattern[str]] = {
    "ru": re.compile(f"{_COMMON}|{_RU_NUM}{_REST}"),
    "en": re.compile(f"{_COMMON}|{_EN_NUM}{_REST}"),
}
_DIGIT = re.compile(r"\d")


def has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None


def _num_value(raw: str, lang: Lang) -> float:
    cleaned = re.sub(_SPACE, "", raw)
    if lang == "en":
        cleaned = cleaned.replace(",", "")
    return float(cleaned.replace(",", "."))


def scan(text: str, lang: Lang) -> list[Tok]:
    """Tokens of ``text`` in order, with offsets into ``text``."""
    out: list[Tok] = []
    for m in _SCANNERS[lang].finditer(text):
        kind = m.lastgroup
        raw = m.group()
        if kind == "num":
            out.append(Tok("num", raw, m.start(), m.end(), _num_value(raw, lang)))
        elif kind == "word":
            # the words as every other layer reads them ("wks", "tmrw", «щас»), each
            # keeping the offsets of what was said
            low = raw.lower().replace("ё", "е")
            spelt = respell(low, lang)
            if spelt is None:
                out.append(Tok("word", low, m.start(), m.end()))
            else:
                out += [Tok("word", word, m.start(), m.end()) for word in spelt]
        elif kind in ("time", "date", "sym"):
            out.append(Tok(kind, raw, m.start(), m.end()))  # type: ignore[arg-type]
    return _joined_halves(out) if lang == "ru" else out


def _joined_halves(toks: list[Tok]) -> list[Tok]:
    """"пол часа", "пол года": the recogniser split one word in two (`nlu.asr`)."""
    if not any(t.low == "пол" for t in toks):
        return toks
    out: list[Tok] = []
    for tok in toks:
        last = out[-1] if out else None
        if (last is not None and last.low == "пол" and tok.kind == "word"
                and ru_is_known("пол" + tok.low)):
            out[-1] = Tok("word", "пол" + tok.low, last.start, tok.end)
        else:
            out.append(tok)
    return out


def as_int_or_float(value: float) -> int | float:
    """JSON-friendly number: 120000 rather than 120000.0."""
    return int(value) if float(value).is_integer() else round(value, 6)

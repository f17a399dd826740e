"""Phone numbers through ``phonenumbers``, also when dictated in words.

Callers dictate numbers as words ("восемь девятьсот шестнадцать ...") as often as ASR
writes digits, so number words are turned into digits first and the result is handed to
``phonenumbers.PhoneNumberMatcher``, which knows every region's formats.
"""

from __future__ import annotations

import phonenumbers

from bot_engine.nlu.entities.lexicon import Lexicon
from bot_engine.nlu.entities.numbers import find_numbers
from bot_engine.nlu.entities.scan import Tok
from bot_engine.nlu.lang import Lang


def _digits_view(
    text: str, toks: list[Tok], lex: Lexicon, lang: Lang
) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with number words replaced by digits, and for each character of that view
    the (start, end) span of the original text it came from."""
    pieces: list[str] = []
    origin: list[tuple[int, int]] = []
    pos = 0
    for span in find_numbers(toks, lex, lang):
        if not span.words or not float(span.value).is_integer():
            continue
        start, end = toks[span.i].start, toks[span.j - 1].end
        if (
            span.i > 0
            and toks[span.i - 1].low in ("плюс", "plus")
            and toks[span.i - 1].start >= pos
        ):
            plus = toks[span.i - 1]
            pieces.append(text[pos : plus.start])
            origin.extend((p, p + 1) for p in range(pos, plus.start))
            pieces.append("+")
            origin.append((plus.start, plus.end))
            pos = plus.end
            pieces.append(" " * (start - pos))
            origin.extend((p, p + 1) for p in range(pos, start))
            pos = start
        pieces.append(text[pos:start])
        origin.extend((p, p + 1) for p in range(pos, start))
        digits = str(int(span.value))
        pieces.append(digits)
        origin.extend([(start, end)] * len(digits))
        pos = end
    pieces.append(text[pos:])
    origin.extend((p, p + 1) for p in range(pos, len(text)))
    return "".join(pieces), origin


def find_phones(
    text: str, toks: list[Tok], lex: Lexicon, lang: Lang, region: str
) -> list[tuple[str, int, int]]:
    """(E.164, start, end) for each valid phone number in ``text``."""
    view, origin = _digits_view(text, toks, lex, lang)
    out: list[tuple[str, int, int]] = []
    try:
        matcher = phonenumbers.PhoneNumberMatcher(view, region.upper(), leniency=1)
        for match in matcher:
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            start = origin[match.start][0]
            end = origin[match.end - 1][1]
            out.append((e164, start, end))
    except phonenumbers.NumberParseException:
        return out
    return out

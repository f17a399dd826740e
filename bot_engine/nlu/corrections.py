"""A caller correcting a value as they say it: "friday at 10 no make it 11", «завтра в три
нет лучше в четыре», "like three no four grand", "two hundred well one eighty", «в сентябре
нет в октябре скорее».

The reply is cut at each correction marker ("no", "i mean", "make it", "scratch that",
«нет», «то есть», «вернее», «лучше», «давайте», «не звоните»…); every piece is read on its
own by the step's own reader, and the values are folded left to right: a later value
replaces the one before it, keeping from it the parts it does not say again. A time alone
("no make it 11", «нет в полвосьмого») keeps the day and the half of the day of the one it
corrects (8 pm corrected to «полвосьмого» is 19:30); a day alone keeps the hour; a bare
number keeps the thousands or millions ("тысяч пятьдесят нет сорок": 40 000).

A marker counts only between two values: "no, call me at five" and «нет, в пятницу»
answer a question, they correct nothing, and the reply is read whole as before. The
markers are looked for only when a marker word is said, so other replies pay one set
lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot_engine.nlu.entities.lexicon import lexicon
from bot_engine.nlu.lang import Lang

Reader = Callable[[str], dict[str, Any] | None]
"""The step's reader of one value from a piece of the reply: an entity as a dict (type,
value, text, start, end, unit, until), offsets into the piece, or None."""

CORRECTED_KINDS = frozenset({"datetime", "date", "money"})

_MARKER_WORDS: dict[Lang, frozenset[str]] = {
    "en": frozenset({"no", "wait", "actually", "mean", "meant", "make", "scratch", "rather",
                     "sorry", "correction", "better", "second", "well", "kidding", "joking",
                     "jk", "seriously", "seriousness"}),
    "ru": frozenset({"нет", "то", "вернее", "точнее", "лучше", "тогда", "давайте", "давай",
                     "не", "шучу", "шутка", "шутки", "серьезно"}),
}  # fmt: skip
"""A word each marker holds: the markers are looked for only when one is said."""

_MARKERS: dict[Lang, re.Pattern[str]] = {
    "en": re.compile(r"\b(?:no (?:wait|actually|sorry)|wait no|actually no|sorry i mean|"
                     r"i mean|i meant|make (?:it|that)|scratch that|or rather|rather|actually|"
                     r"better yet|on second thought|correction|(?:just |im |i'm )?kidding|"
                     r"(?:just |im |i'm )?joking|jk|(?:but )?seriously(?: though)?|"
                     r"in all seriousness|sorry|wait|no|(?<!as )well)\b"),
    "ru": re.compile(r"(?<!\w)(?:нет|то есть|вернее|точнее|лучше|тогда|давайте|давай|"
                     r"не (?:звоните|звони|набирайте|перезванивайте)|не \w+,? а|"
                     r"(?:да |ну )?шучу(?: я)?|шутка|шутки в сторону|(?:а )?если серьезно)(?!\w)"),
}
"""Where a correction starts. «не звоните» between two days rules one out («первого не
звоните лучше третьего»); «не X а» turns one value down for the next («лимон не дам а
сотню дам»); a joke taken back («лимон, ну шучу, тысяч триста», "a million bucks, just
kidding, like twenty grand") is corrected by the sum after it."""

_JOKE = re.compile(r"шуч|шут|серьезн|kidding|joking|\bjk\b|serious")
"""A joke taken back: the value after it keeps nothing of the joke («лям, да шучу, сто
пятьдесят» is a hundred and fifty thousand, not millions)."""

REFUSED_CALL = re.compile(r"^не (?:звоните|звони|набирайте|перезванивайте)")
"""A marker that is a negated call: a day ruled out, not the calls (see `Correction`)."""

_CONDITIONAL = {"en": re.compile(r"\bif\b"), "ru": re.compile(r"(?<!\w)если(?!\w)")}
"""«если в пятницу не выйдет тогда в понедельник»: "then" after an "if" names a fallback,
no correction."""

_TIME_PREFIX: dict[Lang, str] = {"en": "at ", "ru": "в "}
"""A bare number after a time ("at 10 no 11", "nine actually no ten") is an hour: read
with this before it."""

_CLOCK_WORDS = frozenset({
    "at", "around", "about", "like", "by", "after", "before", "half", "past", "quarter",
    "to", "from", "oclock", "o", "clock", "sharp", "in", "the", "say", "uh", "um", "maybe", "make",
    "it", "then", "instead", "one", "ish",
    "в", "во", "с", "со", "к", "около", "примерно", "районе", "час", "часа", "часов", "часик",
    "часиков", "ровно", "после", "до", "без", "половине", "половина", "четверть",
    "минут", "минуты", "минуту", "где", "то", "ну", "лучше", "давайте", "уже", "тогда",
    "можно", "наверное",
})  # fmt: skip
"""Words a time said alone may hold besides numbers and parts of the day: such a time
restates no day."""

_DAYPARTS = frozenset({
    "am", "pm", "morning", "afternoon", "evening", "night", "noon", "midday", "midnight",
    "lunch", "lunchtime", "утра", "утром", "утречком", "вечера", "вечером", "вечерком",
    "дня", "днем", "ночи", "ночью", "обед", "обеда", "полдень", "полночь",
})  # fmt: skip
"""A part of the day said with the new time: its hour stands as read."""

_WORD = re.compile(r"[^\W_]+")

_SO_THEN: dict[Lang, frozenset[str]] = {
    "en": frozenset({"so", "say", "lets", "try", "do"}),
    "ru": frozenset({"так", "значит", "поэтому", "давайте"}),
}
"""Words before the hour a correction ends on after its reason ("... so ten")."""


@dataclass(frozen=True)
class Correction:
    """The value the reply ends on, offsets into the whole reply; ``refused_call`` when a
    negated call («первого не звоните лучше третьего») was one of the cuts: a day ruled
    out, no opt-out."""

    value: dict[str, Any]
    refused_call: bool = False


def corrected(text: str, lang: Lang, kind: str, read: Reader) -> Correction | None:
    """The value a self-correcting reply ends on, or None when the reply corrects nothing
    (no marker between two values of ``kind``): then the reply is read whole as before."""
    if kind not in CORRECTED_KINDS:
        return None
    low = text.lower().replace("ё", "е")
    if _MARKER_WORDS[lang].isdisjoint(_WORD.findall(low)):
        return None
    cuts = [m for m in _MARKERS[lang].finditer(low) if _counts(low, m, lang)]
    if not cuts:
        return None
    starts = [0] + [m.end() for m in cuts]
    ends = [m.start() for m in cuts] + [len(text)]
    if sum(bool(text[a:b].strip()) for a, b in zip(starts, ends, strict=True)) < 2:
        return None  # "no, tomorrow at 3": a marker with nothing said before it
    value: dict[str, Any] | None = None
    first = last = -1  # the piece the value so far was read from
    refused = False
    for n, (a, b) in enumerate(zip(starts, ends, strict=True)):
        found = _read_piece(text[a:b], lang, kind, read, value)
        if found is None:
            continue
        found = {**found, "start": found["start"] + a, "end": found["end"] + a}
        if value is not None:
            joked = any(_JOKE.search(m.group(0)) for m in cuts[last:n])
            value = found if joked else _merged(value, found, kind, lang)
            refused = refused or any(REFUSED_CALL.match(m.group(0)) for m in cuts[last:n])
        else:
            value = found
            first = n
        last = n
    if value is None or last == first:
        return None
    return Correction(value, refused)


def _counts(low: str, marker: re.Match[str], lang: Lang) -> bool:
    """A marker cuts unless it is the "then" of an "if" said before it."""
    return not (marker.group(0) == "тогда"
                and _CONDITIONAL[lang].search(low, 0, marker.start()) is not None)


def _read_piece(piece: str, lang: Lang, kind: str, read: Reader,
                before: dict[str, Any] | None) -> dict[str, Any] | None:
    """One piece's value; after a time, a bare number is an hour ("no make it 11")."""
    if not piece.strip():
        return None
    found = read(piece)
    if found is not None or kind != "datetime" or before is None or before["type"] != "datetime":
        return found
    prefix = _TIME_PREFIX[lang]
    found = read(prefix + piece.strip())
    if found is None:
        return _hour_at_the_end(piece, lang, read)
    lead = len(piece) - len(piece.lstrip())
    shift = lead - len(prefix)
    start, end = max(lead, found["start"] + shift), found["end"] + shift
    return {**found, "start": start, "end": end, "text": piece[start:end]}


def _hour_at_the_end(piece: str, lang: Lang, read: Reader) -> dict[str, Any] | None:
    """ "no wait the recycling guys come then so ten": the reason for the correction said
    first, then the hour it ends on after a "so" (`_SO_THEN`), read as a time."""
    words = list(_WORD.finditer(piece.lower()))
    lex = lexicon(lang)
    n = len(words)
    while n and (words[n - 1].group(0) in lex.numbers or words[n - 1].group(0).isdigit()
                 or words[n - 1].group(0) in _DAYPARTS):
        n -= 1
    if n == len(words) or n == 0 or words[n - 1].group(0) not in _SO_THEN[lang]:
        return None
    start = words[n].start()
    prefix = _TIME_PREFIX[lang]
    found = read(prefix + piece[start:])
    if found is None:
        return None
    begin, end = start + max(0, found["start"] - len(prefix)), start + found["end"] - len(prefix)
    return {**found, "start": begin, "end": end, "text": piece[begin:end]}


def _merged(old: dict[str, Any], new: dict[str, Any], kind: str, lang: Lang) -> dict[str, Any]:
    if kind == "money":
        return _money_merged(old, new)
    if kind == "datetime":
        return _time_merged(old, new, lang)
    return new


_SCALE_WORDS = ("тыс", "тыщ", "милл", "млн", "лям", "лимон", "сот", "сотн", "k", "к",
                "thousand", "grand", "million", "hundred", "mil")


def _money_merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """«тысяч пятьдесят нет сорок», "a hundred thousand no one twenty": a bare number
    after a sum in thousands counts thousands too (millions after millions)."""
    was, now = old.get("value"), new.get("value")
    if not isinstance(was, (int, float)) or not isinstance(now, (int, float)):
        return new
    words = _WORD.findall(str(new.get("text", "")).lower())
    if new.get("unit") or any(w.startswith(_SCALE_WORDS) for w in words) or not (
            was >= 1000 and 0 < now < 1000):
        return new
    scaled = now * (1_000_000 if was >= 1_000_000 else 1000)
    return {**new, "value": int(scaled) if float(scaled).is_integer() else scaled}


def _time_merged(old: dict[str, Any], new: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """The new value, with the day of the old one when it says a time alone, its hour when
    it says a day alone, and the old one's half of the day for an hour said bare."""
    if old.get("until") or new.get("until"):
        return _in_period(old, new, lang)
    old_day = date.fromisoformat(str(old["value"])[:10])
    if new["type"] == "date":
        if old["type"] != "datetime":
            return new
        # "friday at 10 no thursday": the hour said before stays
        said = datetime.fromisoformat(str(old["value"]))
        moved = said.replace(year=(d := date.fromisoformat(str(new["value"]))).year,
                             month=d.month, day=d.day)
        return {**new, "type": "datetime", "value": moved.isoformat(timespec="seconds")}
    at = datetime.fromisoformat(str(new["value"]))
    words = _WORD.findall(str(new.get("text", "")).lower().replace("ё", "е"))
    if not _time_alone(words, lang):
        return new  # "friday at 8 pm no saturday at 10": a new day with its own hour
    at = at.replace(year=old_day.year, month=old_day.month, day=old_day.day)
    if old["type"] == "datetime" and not _half_said(words):
        at = at.replace(hour=_nearest_half(at.hour, datetime.fromisoformat(str(old["value"]))
                                           .hour))
    return {**new, "value": at.isoformat(timespec="seconds")}


def _in_period(old: dict[str, Any], new: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """«на следующей неделе, лучше во вторник»: a weekday after a week names the weekday
    inside it, not the next one."""
    if not old.get("until") or new.get("until"):
        return new
    first = date.fromisoformat(str(old["value"])[:10])
    last = date.fromisoformat(str(old["until"]))
    day = date.fromisoformat(str(new["value"])[:10])
    weekdays = lexicon(lang).weekdays
    words = _WORD.findall(str(new.get("text", "")).lower().replace("ё", "е"))
    if first <= day <= last or not any(w in weekdays for w in words) or (last - first).days > 6:
        return new
    weeks = ((first - day).days + 6) // 7
    if weeks <= 0:
        return new
    moved = date.fromordinal(day.toordinal() + 7 * weeks)
    if not first <= moved <= last:
        return new
    value = str(new["value"])
    return {**new, "value": moved.isoformat() + value[10:]}


def _time_alone(words: list[str], lang: Lang) -> bool:
    """Whether the words say a time and no day ("11", «в полвосьмого», "four in the
    afternoon"): each is a number, a part of the day or a word around a clock time."""
    lex = lexicon(lang)
    for word in words:
        if word.isdigit() or word in lex.numbers or word in _CLOCK_WORDS or word in _DAYPARTS:
            continue
        if word.startswith("пол") and word[3:] in lex.ordinals:
            continue  # «полвосьмого»
        return False
    return True


def _half_said(words: list[str]) -> bool:
    """A part of the day or a 24-hour clock said ("7 pm", «в восемь вечера», "15:30")."""
    return any(w in _DAYPARTS or (w.isdigit() and 12 < int(w) < 24) for w in words)


def _nearest_half(hour: int, before: int) -> int:
    """The hour said bare read in the half of the day nearest the hour it corrects:
    "seven scratch that eight" at night is 20:00, «восемь утра нет девять» 9:00."""
    if hour == 0 or hour == 12:
        return hour
    low = hour % 12
    return min((low, low + 12), key=lambda h: (abs(h - before), -h))

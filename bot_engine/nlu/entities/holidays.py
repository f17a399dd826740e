"""Public holidays by name: the calendar of each market's holidays, and the words
callers name them by ("к новому году", "на пасху", "после дня победы", "by thanksgiving",
"halloween afternoon", "over the fourth of july").

The whole closed domain is listed once here, so every holiday reads in every place a
time is said: ``temporal`` asks ``name_at`` whether a holiday is named at a token and
``periods`` asks ``span`` for its days in a year.

- Days: fixed calendar days, the nth weekday of a month (Thanksgiving is the fourth
  Thursday of November, Memorial Day the last Monday of May), or a day counted from
  Easter (Orthodox for Russia: Масленица is the week before Lent). A period ("майские",
  "новогодние", "the holidays") spans its usual days off; the exact ones move by
  decree each year, which is finer than a callback needs.
- Names: Russian phrases match in any case form (pymorphy3's lexeme of each word
  marked ``*``: «к новому году», «на новый год», «новогодних»); English ones also in
  their ASR spellings without apostrophes ("new years eve", "valentines").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

Span = tuple[date, date]
_Rule = Callable[[int], Span]


def _fixed(m1: int, d1: int, m2: int | None = None, d2: int | None = None) -> _Rule:
    """Fixed days; a period may wrap the year end (it starts in ``year``)."""
    def rule(year: int) -> Span:
        last_month, last_day = (m2, d2) if m2 is not None and d2 is not None else (m1, d1)
        return date(year, m1, d1), date(year + (last_month < m1), last_month, last_day)
    return rule


def _nth_weekday(month: int, weekday: int, n: int, length: int = 1) -> _Rule:
    """The ``n``th ``weekday`` (Monday 0) of ``month``; ``n`` -1 is the last one."""
    def rule(year: int) -> Span:
        if n > 0:
            first = date(year, month, 1)
            day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        else:
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            last = nxt - timedelta(days=1)
            day = last - timedelta(days=(last.weekday() - weekday) % 7)
        return day, day + timedelta(days=length - 1)
    return rule


def _from_easter(method: int, offset: int, length: int = 1) -> _Rule:
    def rule(year: int) -> Span:
        first = easter(year, method) + timedelta(days=offset)
        return first, first + timedelta(days=length - 1)
    return rule


def _independence_weekend(year: int) -> Span:
    """The days off around the Fourth of July: the weekend it falls on or beside, with the
    Monday or Friday it is observed on (a Sunday Fourth: Saturday to Monday the 5th); a
    Tuesday or Thursday Fourth takes the Monday or Friday between (a Wednesday one stands
    alone)."""
    fourth = date(year, 7, 4)
    first_offset, last_offset = {0: (-2, 0), 1: (-3, 0), 2: (0, 0), 3: (0, 3), 4: (0, 2),
                                 5: (-1, 1), 6: (-1, 1)}[fourth.weekday()]
    return fourth + timedelta(days=first_offset), fourth + timedelta(days=last_offset)


def _tax_day(year: int) -> date:
    """The US filing deadline: 15 April, or the next weekday when that is a weekend."""
    day = date(year, 4, 15)
    return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def _tax_season(length_from_jan: bool) -> _Rule:
    def rule(year: int) -> Span:
        last = _tax_day(year)
        return (date(year, 1, 27) if length_from_jan else last), last
    return rule


_RU_CALENDAR: dict[str, _Rule] = {
    "new_year": _fixed(1, 1, 1, 8),
    "christmas_eve": _fixed(1, 6),
    "christmas": _fixed(1, 7),
    "old_new_year": _fixed(1, 14),
    "defender": _fixed(2, 23),
    "maslenitsa": _from_easter(EASTER_ORTHODOX, -55, 7),
    "women": _fixed(3, 8),
    "easter": _from_easter(EASTER_ORTHODOX, 0),
    "may": _fixed(5, 1, 5, 10),
    "victory": _fixed(5, 9),
    "russia": _fixed(6, 12),
    "knowledge": _fixed(9, 1),
    "school_year_end": _fixed(5, 31),  # «до конца учебного года», «после окончания школы»
    "summer_break": _fixed(6, 1, 8, 31),  # «летние каникулы»: June to August
    "unity": _fixed(11, 4),
    "new_year_eve": _fixed(12, 31),
}
_EN_CALENDAR: dict[str, _Rule] = {
    "new_year": _fixed(1, 1),
    "mlk": _nth_weekday(1, 0, 3),
    "valentine": _fixed(2, 14),
    "presidents": _nth_weekday(2, 0, 3),
    "st_patrick": _fixed(3, 17),
    "easter": _from_easter(EASTER_WESTERN, 0),
    "mothers": _nth_weekday(5, 6, 2),
    "memorial": _nth_weekday(5, 0, -1),
    "fathers": _nth_weekday(6, 6, 3),
    "juneteenth": _fixed(6, 19),
    "independence": _fixed(7, 4),
    "independence_weekend": _independence_weekend,
    "labor": _nth_weekday(9, 0, 1),
    "columbus": _nth_weekday(10, 0, 2),
    "halloween": _fixed(10, 31),
    "veterans": _fixed(11, 11),
    "thanksgiving": _nth_weekday(11, 3, 4),
    "thanksgiving_weekend": _nth_weekday(11, 3, 4, length=4),  # Thursday to Sunday
    "black_friday": _nth_weekday(11, 3, 4),  # moved a day on in ``span``
    "christmas_eve": _fixed(12, 24),
    "christmas": _fixed(12, 24, 12, 25),
    "new_year_eve": _fixed(12, 31),
    "holidays": _fixed(12, 24, 1, 1),  # the winter holidays: Christmas Eve to New Year's Day
    # the school year ends in most US districts by mid-June ("before school lets out");
    # summer break runs from then to the end of August
    "school_out": _fixed(6, 15),
    "summer_break": _fixed(6, 15, 8, 31),
    # taxes: the filing deadline (a refund comes a few weeks after), and the filing season
    # that ends with it
    "tax_day": _tax_season(False),
    "tax_season": _tax_season(True),
}
GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {"long_weekend": ("new_year", "defender", "women", "may", "russia", "unity")},
    "en": {"long_weekend": ("mlk", "presidents", "memorial", "independence_weekend", "labor",
                            "columbus", "thanksgiving_weekend")},
}
"""Names that mean the nearest of several holidays: "the long weekend" said in May is
Memorial Day's (a Monday holiday's weekend is named by its Monday, the day off: "after the
long weekend" is the Tuesday), "the holiday weekend" said in late June the Fourth of July's
and in November Thanksgiving's; «после длинных выходных» is after the nearest days off."""

CALENDARS: dict[str, dict[str, _Rule]] = {"ru": _RU_CALENDAR, "en": _EN_CALENDAR}


def span(lang: str, name: str, year: int) -> Span | None:
    """The days of holiday ``name`` that starts in ``year`` (None: no such holiday)."""
    rule = CALENDARS["ru" if lang == "ru" else "en"].get(name)
    if rule is None:
        return None
    first, last = rule(year)
    if name == "black_friday":
        return first + timedelta(days=1), last + timedelta(days=1)
    return first, last


# A phrase per line; "*" marks a Russian word said in any of its forms, "?" an optional
# word. None names "the holidays" without saying which (the nearest).
_RU_NAMES: dict[str, str | None] = {
    "новый* год*": "new_year", "новогодний* праздник*?": "new_year",
    "новогодний* каникулы*": "new_year", "новогодний*": "new_year",
    # the January days off («на январских каникулах», «после январских праздников»)
    "январский* каникулы*": "new_year", "январский* праздник*": "new_year",
    "январский* выходной*": "new_year", "рождественский* каникулы*": "new_year",
    "старый* новый* год*": "old_new_year",
    "рождество*": "christmas", "канун* рождества": "christmas_eve",
    "канун* нового года": "new_year_eve", "сочельник*": "christmas_eve",
    "рождественский* праздник*?": "christmas",
    "день* защитника отечества?": "defender", "масленица*": "maslenitsa",
    "женский* день*": "women", "пасха*": "easter",
    "майский* праздник*?": "may", "майский* каникулы*": "may",
    "день* победы": "victory", "день* россии": "russia", "день* знаний": "knowledge",
    "день* народного единства": "unity", "день* единства": "unity",
    "ноябрьский* праздник*?": "unity", "ноябрьский* выходной*": "unity", "праздник*": None,
    "длинный* выходной*": "long_weekend",
    "июньский* праздник*?": "russia", "июньский* выходной*": "russia",
    "конец* учебного года": "school_year_end", "окончание* учебного года": "school_year_end",
    "окончание* школы": "school_year_end",
    "летний* каникулы*": "summer_break",
}  # fmt: skip
_EN_NAMES: dict[str, str | None] = {
    "new year day?": "new_year", "new years day?": "new_year",
    "new year eve": "new_year_eve", "new years eve": "new_year_eve",
    "first of the year": "new_year", "1st of the year": "new_year",
    "mlk day?": "mlk", "martin luther king day?": "mlk",
    "valentines day?": "valentine", "valentine's day": "valentine", "valentine day": "valentine",
    "presidents day": "presidents", "presidents' day": "presidents",
    "st patricks day?": "st_patrick", "saint patricks day?": "st_patrick",
    "st paddys day?": "st_patrick", "patricks day": "st_patrick", "easter": "easter",
    "mothers day": "mothers", "mother's day": "mothers", "memorial day": "memorial",
    "fathers day": "fathers", "father's day": "fathers", "juneteenth": "juneteenth",
    "fourth of july": "independence", "4th of july": "independence",
    "july fourth": "independence", "july 4th": "independence",
    "independence day": "independence", "labor day": "labor", "labour day": "labor",
    "columbus day": "columbus", "indigenous peoples day": "columbus",
    "halloween": "halloween", "veterans day": "veterans", "thanksgiving": "thanksgiving",
    "turkey day": "thanksgiving", "black friday": "black_friday",
    "christmas eve": "christmas_eve", "xmas eve": "christmas_eve",
    "christmas": "christmas", "xmas": "christmas", "holidays": None,
    "mlk day? weekend": "mlk", "presidents day weekend": "presidents",
    "memorial day? weekend": "memorial", "labor day? weekend": "labor",
    "labour day? weekend": "labor", "columbus day weekend": "columbus",
    "fourth of july weekend": "independence_weekend", "4th of july weekend": "independence_weekend",
    "july fourth weekend": "independence_weekend", "july 4th weekend": "independence_weekend",
    "independence day weekend": "independence_weekend",
    "thanksgiving weekend": "thanksgiving_weekend", "turkey day weekend": "thanksgiving_weekend",
    "long weekend": "long_weekend", "three day weekend": "long_weekend",
    "holiday weekend": "long_weekend",
    "school lets out": "school_out", "school gets out": "school_out",
    "school is out": "school_out", "school s out": "school_out", "schools out": "school_out",
    "school ends": "school_out", "school year ends": "school_out",
    "end of the school year": "school_out", "end of school": "school_out",
    "summer break": "summer_break",
    "christmas break": "holidays", "winter break": "holidays", "holiday break": "holidays",
    "summer vacation": "summer_break",
    "tax day": "tax_day", "tax deadline": "tax_day", "tax filing deadline": "tax_day",
    "filing deadline": "tax_day", "taxes are due": "tax_day", "tax time": "tax_season",
    "tax season": "tax_season", "taxes": "tax_season",
}  # fmt: skip
# Names safe to read alone ("halloween afternoon"), not only after a preposition:
# words that name nothing but the holiday.
_EN_ALONE = frozenset({"thanksgiving", "halloween", "christmas", "xmas", "easter", "new_year",
                       "new_year_eve", "christmas_eve", "independence", "memorial", "labor",
                       "juneteenth", "valentine", "st_patrick", "mlk", "presidents",
                       "columbus", "veterans", "mothers", "fathers", "black_friday",
                       "tax_day", "independence_weekend", "thanksgiving_weekend"})  # fmt: skip
_RU_ALONE = frozenset({"new_year", "old_new_year", "christmas", "christmas_eve", "new_year_eve",
                       "easter", "maslenitsa",
                       "victory", "defender", "women", "russia", "knowledge", "unity"})


def _ru_forms(word: str) -> frozenset[str]:
    from bot_engine.nlu.morph import analyzer

    forms = {word}
    for parse in analyzer().parse(word)[:1]:
        forms |= {f.word.replace("ё", "е") for f in parse.lexeme if not f.word.startswith("наи")}
    return frozenset(forms)


Pattern = tuple[tuple[frozenset[str], bool], ...]  # (the word's forms, optional)


@cache
def _patterns(lang: str) -> tuple[dict[str, list[tuple[Pattern, str | None]]], frozenset[str]]:
    """Phrases indexed by the forms of their first word; and the words that wake the date
    rules up: the first word's forms, or the second's when the first is «день» (each name
    with it has a word of its own: «день победы»)."""
    names = _RU_NAMES if lang == "ru" else _EN_NAMES
    index: dict[str, list[tuple[Pattern, str | None]]] = {}
    wake: set[str] = set()
    for phrase, name in names.items():
        words: list[tuple[frozenset[str], bool]] = []
        for raw in phrase.replace("'", "").split():
            optional = raw.endswith("?")
            raw = raw.rstrip("?")
            forms = _ru_forms(raw.rstrip("*")) if raw.endswith("*") else frozenset({raw})
            words.append((forms, optional))
        wake |= words[1][0] if _first_word(phrase) == "день" and len(words) > 1 else words[0][0]
        for form in words[0][0]:
            index.setdefault(form, []).append((tuple(words), name))
    return index, frozenset(wake)


def _first_word(phrase: str) -> str:
    return phrase.split()[0].rstrip("*?")


def name_at(
    words: tuple[str, ...], m: int, lang: str, *, alone: bool = False
) -> tuple[str | None, int] | None:
    """(holiday name, one past the phrase) when ``words[m:]`` names a holiday; None
    names the nearest holidays ("после праздников"). With ``alone`` only the names
    that mean nothing but the holiday."""
    if m >= len(words):
        return None
    index, _ = _patterns(lang)
    entries = index.get(words[m].replace("'", ""))
    if not entries:
        return None
    best: tuple[str | None, int] | None = None
    for pattern, name in entries:
        k = m + 1
        for forms, optional in pattern[1:]:
            if k < len(words) and words[k].replace("'", "") in forms:
                k += 1
            elif not optional:
                break
        else:
            if best is None or k > best[1]:
                best = name, k
    if best is None or (alone and best[0] not in (_RU_ALONE if lang == "ru" else _EN_ALONE)):
        return None
    return best


def trigger_words(lang: str) -> frozenset[str]:
    """The words of the names that wake the date rules up (see ``_patterns``)."""
    return _patterns(lang)[1]


@cache
def first_words(lang: str) -> frozenset[str]:
    """Every form of a name's first word: where ``name_at`` can match at all."""
    return frozenset(_patterns(lang)[0])

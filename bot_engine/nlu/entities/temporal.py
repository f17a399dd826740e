"""Dates and times relative to the call's clock, by compact ru/en rules.

``dateparser`` costs milliseconds per call, far over a turn's budget, so the common
spoken forms are parsed here: relative days ("завтра", "day after tomorrow"), weekdays
("в понедельник", "next Monday"), offsets ("через два часа", "in two weeks") and their
ranges ("через месяц-два", "in two or three weeks"), periods ("в следующем месяце",
"next week"), deadlines ("до весны", "by march", "до конца года": from today to the
day before the named thing starts, or to its end), day + month ("25 декабря", "December 25th"),
numeric dates and clock times ("в три", "at 3 pm", "в половине третьего", "15:30").
Adjacent date and time parts merge into one expression ("завтра в три").

Small hours are read as business hours: "в три" with no "ночи"/"утра"/"am" is 15:00,
because a robot booking a callback hears "three" from people who mean the afternoon.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import ClassVar

import bot_engine.nlu.entities.holidays as holidays
import bot_engine.nlu.entities.periods as periods
from bot_engine.nlu.entities.lexicon import MONEY_SLANG, Lexicon
from bot_engine.nlu.entities.numbers import parse_number_at
from bot_engine.nlu.entities.scan import Tok
from bot_engine.nlu.lang import Lang

# Part of the day: default hour when no clock time is said, and how to read a said hour.
_DAYPARTS: dict[str, tuple[int, str]] = {
    # ru adverbs ("утром") and genitive qualifiers ("в 8 утра")
    "утром": (10, "am"), "утра": (10, "am"), "утро": (10, "am"),
    "днем": (14, "pm"), "дня": (14, "pm"), "обед": (13, "pm"), "обеда": (13, "pm"),
    "обедом": (13, "pm"), "вечером": (19, "pm"), "вечера": (19, "pm"), "вечер": (19, "pm"),
    "ночью": (22, "night"), "ночи": (22, "night"),
    "morning": (10, "am"), "afternoon": (14, "pm"), "evening": (19, "pm"),
    "night": (22, "night"), "am": (10, "am"), "pm": (14, "pm"), "tonight": (19, "pm"),
    "lunch": (13, "pm"), "lunchtime": (13, "pm"),
}  # fmt: skip
_DIMINUTIVE_DAYPARTS = {"вечерком": "вечером", "утречком": "утром", "денечком": "днем"}
"""«давайте вечерком»: the affectionate form of a part of the day is that part."""
_NOON = {"полдень": 12, "полдня": 12, "noon": 12, "midday": 12, "полночь": 0, "midnight": 0}
_RELATIVE_DAYS: dict[str, int] = {
    "сегодня": 0, "завтра": 1, "послезавтра": 2, "вчера": -1, "позавчера": -2,
    "today": 0, "tomorrow": 1, "tonight": 0, "yesterday": -1,
}  # fmt: skip
_TIME_PREPS = frozenset({"в", "во", "к", "около", "примерно", "районе", "часов", "часа", "at",
                         "around", "like",
                         "about", "by", "after", "после", "до", "before", "between",
                         "from", "till", "until", "til", "раньше", "позже", "позднее"})  # fmt: skip
_HOUR_WORDS = frozenset({"час", "часа", "часов", "oclock"})
_NEXT_WORDS = frozenset({"следующий", "следующую", "следующее", "следующей", "следующем",
                         "next", "coming"})  # fmt: skip
_THIS_WORDS = frozenset({"этот", "эту", "это", "этой", "этом", "this"})
_ORDINAL_SUFFIXES = frozenset({"го", "е", "ое", "ого", "число", "числа", "st", "nd", "rd", "th"})
_RU_OBLIQUE_NUMBERS = ("ух", "ех", "ёх", "ти", "ми")
"""Endings of «двух», «трёх», «пяти», «семи»: a number after «в» in such a case is no hour
(«в два» is; «в двух словах», «в пяти минутах от дома» are not)."""
_MONTH_LEADS_EN = frozenset({"in", "by", "until", "till", "til", "before", "after", "during",
                             "through", "thru", "since", "of"})
_MAY_BEFORE = frozenset({"um", "uh", "er", "erm", "hmm", "mm", "oh", "ah", "well", "so", "like",
                         "maybe", "probably", "perhaps", "hopefully", "i", "think", "guess",
                         "say", "lets", "id", "early", "mid", "late", "yeah", "yes", "ok",
                         "okay", "sometime", "around", "about", "its", "it's", "thinking",
                         "im", "were", "we're", "ideally", "definitely", "by"})  # fmt: skip
"""Words that may stand before "may" said as a month and as the whole answer."""
_MAY_AFTER = frozenset({"", "and", "or", "maybe", "probably", "hopefully", "then", "ish",
                        "latest", "at", "is", "would", "works", "sounds", "sometime", "this",
                        "next", "so", "but", "because", "cause", "if", "when", "once",
                        "since", "after", "before", "for"})  # fmt: skip
"""Words after a month "may" that a modal "may" is not followed by, in an answer."""
_CONNECTORS = frozenset({"в", "во", "на", "к", "и", "районе", "at", "on", "in", "the", "around",
                         "by",
                         "about", "часов", "часа", "около", "примерно", "of"})  # fmt: skip
_YEAR_WORDS = frozenset({"год", "года", "году", "г"})

_MAX_OFFSET = 1000  # "через 99999 лет" is not a callback time
_RANGE_ENDS = frozenset({"до", "по", "час", "часа", "часов"})
_FEW = frozenset({"несколько", "нескольких", "few", "several"})
_AMOUNT_WORDS = _FEW | {"a", "an", "couple"}
_HALF_HOUR = frozenset({"полчаса", "полчасика", "получаса"})
_HALF_YEAR = frozenset({"полгода", "полугода", "полгодика"})
_RU_MINUTES_TO = {"четверти": 15, "пятнадцати": 15, "десяти": 10, "пяти": 5, "двадцати": 20}
"""«без четверти пять», «без десяти три»: minutes before the hour."""
_WITHIN_RU = frozenset({"течение", "ближайшие", "ближайший", "ближайшую", "ближайшее"})
_ABOUT = frozenset({"about", "around", "roughly", "approximately", "maybe", "примерно",
                    "около", "приблизительно"})  # fmt: skip
_RANGE_FROM = frozenset({"с", "from", "between"})
_BOUND_STARTS = _RANGE_FROM | {"до", "к", "ко", "перед", "не", "by", "before", "until", "till",
                               "no"}
_RANGE_TO = frozenset({"по", "до", "to", "until", "till", "through", "and"})
_OVER_EN = frozenset({"in", "within", "over", "during"})  # "... the next two weeks"
# A unit in the genitive before its amount means "about": "через минут двадцать",
# "через часа два" (a nominative "через час двадцать" is an hour and twenty minutes).
_APPROX_UNITS = frozenset({"минут", "минуты", "минуток", "часа", "часов", "часика", "дня",
                           "дней", "денька", "недели", "недель", "месяца", "месяцев",
                           "года", "лет"})  # fmt: skip
# After a bare English duration ("three months or so", "two weeks tops")
_ROUGHLY_EN = frozenset({"or", "tops", "max", "maybe", "probably", "roughly"})
_BARE_BEFORE_EN = _ABOUT | {"probably", "maybe", "like", "perhaps", "um", "uh", "well",
                            "just", "only"}
_HOLIDAY_DAY_FILLERS = frozenset({"please", "like", "maybe", "say", "um", "uh", "on", "the",
                                  "probably", "so", "lets"})
"""Words between a holiday and the weekday after it ("after easter please like tuesday")."""
_BARE_OFFSET_ENDS = frozenset({"from", "or", "and", "if", "i", "we", "im", "ill", "let", "lets",
                               "once", "when", "so"})
"""What may follow a bare offset that answers "when?": the end of its phrase, or the
reason that comes with it ("twenty minutes im almost home", "half an hour let me park",
"an hour once the kids are fed"), not a noun it counts ("two weeks vacation")."""
_RANGE_OR = frozenset({"или", "or", "to"})
_ANOTHER = frozenset({"другой", "другую", "другое", "другие", "другого"})

# English words that are dates only in context ("may I", "sat down", "the sun").
_AMBIGUOUS_WORDS = frozenset({"may", "march", "mar", "sat", "sun", "wed"})

_DDMM = re.compile(r"^(\d{1,2})[.](\d{2})$")

# Seasons: instrumental adverbs stand alone ("весной"); other forms need a cue word
# ("на весну", "следующей весной", "in the spring", "next summer").
_RU_SEASONS: dict[str, periods.Season] = {
    "весной": "spring", "летом": "summer", "осенью": "autumn", "зимой": "winter",
}  # fmt: skip
_RU_SEASON_FORMS: dict[str, periods.Season] = {
    **_RU_SEASONS, "весну": "spring", "весна": "spring", "лето": "summer",
    "осень": "autumn", "зиму": "winter", "зима": "winter", "весне": "spring",
    "лету": "summer", "осени": "autumn", "зиме": "winter",
}  # fmt: skip
_EN_SEASONS: dict[str, periods.Season] = {
    "spring": "spring", "summer": "summer", "fall": "autumn", "autumn": "autumn",
    "winter": "winter",
}  # fmt: skip
# «за лето»: within the season, by its end
_RU_SEASON_CUES = frozenset({"на", "к", "по", "за", "следующей", "следующим", "следующее",
                             "следующую", "будущей", "будущим", "будущее", "будущую",
                             "этой", "этим", "эту", "ближайшей", "ближайшим"})  # fmt: skip
_EN_SEASON_CUES = frozenset({"in", "this", "next", "coming", "by", "over", "during", "until",
                             "till", "before", "come"})  # fmt: skip  "come spring": when it comes
_SEASON_ALONE_EN = _ABOUT | {"probably", "sometime", "perhaps", "thinking", "think", "says",
                              "said", "guess", "figured", "hoping", "wants"}
"""Words before an English season said as the answer ("we were thinking fall", "my wife
says spring", "i guess summer"), not inside a sentence of its own ("the fall sale", "i
like spring")."""
_FOLLOWING = frozenset({"следующей", "следующим", "следующее", "следующую", "будущей",
                        "будущим", "будущее", "будущую", "next"})  # fmt: skip
# Parts of a month or year said without naming one: "в конце месяца", "early next month".
_PHASES: dict[str, periods.Phase] = {
    "начале": "start", "середине": "middle", "конце": "end", "концу": "end",
    "начала": "start", "середины": "middle", "конца": "end",
    "early": "start", "beginning": "start", "start": "start", "mid": "middle",
    "middle": "middle", "late": "end", "end": "end",
}  # fmt: skip
# Deadlines ("до весны", "by march"): the prepositions, and the words that make "к"
# mean "around" instead ("ближе к лету" is summer itself).
_DEADLINE_PREPS: dict[Lang, frozenset[str]] = {
    "ru": frozenset({"до", "к", "ко", "перед"}),
    "en": frozenset({"by", "before", "until", "till"}),
}
_NEAR = frozenset({"ближе", "поближе", "closer", "nearer"})
_RU_SEASON_DEADLINES: dict[str, periods.Season] = {
    "весны": "spring", "лета": "summer", "осени": "autumn", "зимы": "winter",
    "весне": "spring", "лету": "summer", "зиме": "winter",
}  # fmt: skip
_RU_WEATHER_DEADLINES: dict[str, periods.Season] = {
    "холодов": "winter", "холодам": "winter", "морозов": "winter", "морозам": "winter",
    "снега": "winter", "снегу": "winter", "заморозков": "autumn", "заморозкам": "autumn",
    "дождей": "autumn", "дождям": "autumn", "слякоти": "autumn", "жары": "summer",
    "жаре": "summer", "тепла": "spring", "теплу": "spring",
}  # fmt: skip
"""«до холодов», «к морозам», «до жары»: a deadline named by the weather that opens a
season, read as the day before that season starts."""
_UNIT_WORDS: dict[str, str] = {
    "недели": "week", "неделе": "week", "месяца": "month", "месяцу": "month", "месяце": "month",
    "года": "year", "году": "year", "week": "week", "month": "month", "year": "year",
}  # fmt: skip
_UNIT_END = {"year": "year", "years": "year", "month": "month", "months": "month"}
_THIS_SEASON = frozenset({"этой", "этим", "эту", "this"})
_PERIOD_THIS = frozenset({"этого", "текущего", "этой", "текущей", "this", "the"})
_PERIOD_NEXT = frozenset({"следующего", "следующей", "next"})
_CURRENT_UNITS = frozenset({"неделе", "месяце", "году", "week", "month", "year"})
_CURRENT_PREPS = frozenset({"в", "на", "within", "sometime", "later"})
_DURING_PREPS = frozenset({"на", "в", "over", "during", "for", "around", "on", "at"})


@dataclass(frozen=True, slots=True)
class Part:
    """One recognised piece; ``i``/``j`` are token indices (half-open)."""

    i: int
    j: int
    day: date | None = None
    hour: int | None = None
    minute: int = 0
    daypart: str | None = None  # a key of _DAYPARTS
    moment: datetime | None = None  # exact instant ("через два часа")
    meridiem_given: bool = False
    until: date | None = None  # last day of a named period ("летом", "next week")
    vague: bool = False  # an hour near a meal («ближе к обеду»): a clock time said beside wins
    weekday: bool = False  # a weekday by name: a date said right after may name the same day


@dataclass(frozen=True, slots=True)
class Temporal:
    """A resolved date/time expression."""

    start: int  # character offsets
    end: int
    day: date
    clock: time | None  # None: only a day was said
    exact: datetime | None
    until: date | None = None  # a period was said: ``day`` is its first (or pointed) day


def _add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year = d.year + month0 // 12
    month = month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _nth_day(year: int, month: int, nth: int, weekday: int | None, *,
             working: bool = False) -> date | None:
    """The ``nth`` day (-1: the last) of a month, or its ``nth`` given weekday, or its
    ``nth`` working day (Monday to Friday); None when the month has no such day."""
    last = calendar.monthrange(year, month)[1]
    days = [date(year, month, d) for d in range(1, last + 1)]
    if weekday is not None:
        days = [d for d in days if d.weekday() == weekday]
    elif working:
        days = [d for d in days if d.weekday() < 5]
    if nth == -1:
        return days[-1]
    return days[nth - 1] if nth <= len(days) else None


def _upcoming(today: date, weekday: int, *, include_today: bool = False) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return today + timedelta(days=ahead)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


class _Rules:
    def __init__(self, toks: list[Tok], lex: Lexicon, lang: Lang, now: datetime) -> None:
        self.toks = toks
        self.lex = lex
        self.lang = lang
        self.now = now
        self.today = now.date()
        self.lows = tuple(t.low for t in toks)
        self.words = frozenset(self.lows)
        self.n = len(toks)
        self.holiday_starts = holidays.first_words(lang)

    def low(self, k: int) -> str:
        return self.lows[k] if 0 <= k < self.n else ""

    def kind(self, k: int) -> str:
        return self.toks[k].kind if 0 <= k < len(self.toks) else ""

    # ---- days -------------------------------------------------------------------
    def _future_day(self, month: int, day: int, year: int | None) -> date | None:
        if year is not None:
            if year < 100:
                year += 2000
            return _safe_date(year, month, day)
        d = _safe_date(self.today.year, month, day)
        if d is not None and d < self.today:
            d = _safe_date(self.today.year + 1, month, day)
        return d

    def _day_this_or_next_month(self, day: int) -> date | None:
        d = _safe_date(self.today.year, self.today.month, day)
        if d is None or d < self.today:
            nm = _add_months(self.today.replace(day=1), 1)
            d = _safe_date(nm.year, nm.month, day)
        return d

    def _day_number(self, k: int) -> tuple[int, int] | None:
        """A day of month at ``k``: "25", "25-го", "двадцать пятого", "25th". -> (day, next)."""
        t = self.toks[k] if k < len(self.toks) else None
        if t is None:
            return None
        ords = self.lex.ordinals
        if t.kind == "num" and t.num is not None and t.num.is_integer() and 1 <= t.num <= 31:
            nxt = k + 1
            if self.low(nxt) in _ORDINAL_SUFFIXES and self.low(nxt) not in ("число", "числа"):
                nxt += 1
            return int(t.num), nxt
        if t.kind != "word":
            return None
        if t.low in ords:
            return ords[t.low], k + 1
        tens = self.lex.numbers.get(t.low)
        if (
            tens is not None and tens.kind == "ten" and tens.value in (20, 30)
            and self.low(k + 1) in ords and ords[self.low(k + 1)] < 10
        ):  # fmt: skip
            return int(tens.value) + ords[self.low(k + 1)], k + 2
        if self.lang == "en" and t.low == "the":
            return self._day_number(k + 1)
        return None

    def _compound_ordinal(self, k: int, j: int) -> bool:
        """Whether the tens at ``k`` (ending at ``j``) open a compound ordinal: «двадцать
        первого», «тридцать первому», "twenty fifth"."""
        tens = self.lex.numbers.get(self.low(k))
        return (j == k + 1 and tens is not None and tens.kind == "ten"
                and tens.value in (20, 30) and 0 < self.lex.ordinals.get(self.low(j), 0) < 10)

    def _year_at(self, k: int) -> tuple[int | None, int]:
        """A year at ``k``: "2027", "2027 года", "две тысячи двадцать седьмого года"."""
        t = self.toks[k] if k < len(self.toks) else None
        if t is None:
            return None, k
        year: float | None = None
        end = k
        if t.kind == "num" and t.num is not None:
            year, end = t.num, k + 1
        elif t.kind == "word" and t.low in self.lex.numbers:
            num = parse_number_at(self.toks, k, self.lex, self.lang)
            if num is not None:
                year, end = num.value, num.j
                rest = (parse_number_at(self.toks, end, self.lex, self.lang)
                        if self.lang == "en" and year in (19, 20) else None)
                if rest is not None and rest.words and 10 <= rest.value <= 99:
                    year, end = year * 100 + rest.value, rest.j  # "twenty twenty eight"
                if self.low(end) in self.lex.ordinals:  # "...двадцать седьмого"
                    year, end = year + self.lex.ordinals[self.low(end)], end + 1
                if year < 100 and self.low(end) in _YEAR_WORDS:  # "двадцать седьмого года"
                    year += 2000
        elif t.kind == "word" and t.low in self.lex.ordinals:
            return None, k
        if year is None or not (1900 <= year <= 2100) or not float(year).is_integer():
            return None, k
        if self.low(end) in _YEAR_WORDS:
            end += 1
        return int(year), end

    def day_month(self, k: int) -> Part | None:
        months = self.lex.months
        # "25 декабря", "25th of December", "двадцать пятого декабря"
        dn = self._day_number(k)
        if dn is not None:
            day, nxt = dn
            if self.low(nxt) == "of":
                nxt += 1
            if self.low(nxt) in months:
                year, end = self._year_at(nxt + 1)
                d = self._future_day(months[self.low(nxt)], day, year)
                return Part(k, end, day=d) if d else None
            if self.low(nxt) in ("числа", "число"):  # "25-го числа": this month or next
                d = self._day_this_or_next_month(day)
                return Part(k, nxt + 1, day=d) if d else None
            # Russian "пятого", "5-го", "на 5-е": a day of month said on its own
            last = self.toks[nxt - 1]
            spoken = last.kind == "word" and (
                last.low.endswith(("ого", "его"))  # «пятого»
                or (last.low.endswith(("ому", "ему")) and self.low(k - 1) in ("к", "ко"))
                or (last.low.endswith(("ое", "ье", "ее")) and self.low(k - 1) == "на"))
            suffixed = self.toks[k].kind == "num" and nxt == k + 2
            if self.lang == "ru" and (spoken or suffixed) and self.low(nxt) not in _YEAR_WORDS:
                d = self._day_this_or_next_month(day)
                return Part(k, nxt, day=d) if d else None
        # "the 15th", "on the fifteenth": a day of this month, or of the next if past
        if self.lang == "en" and self.low(k) == "the":
            dn = self._day_number(k + 1)
            if dn is not None and (dn[1] > k + 2 or self.low(k + 1) in self.lex.ordinals):
                day, nxt = dn
                d = self._day_this_or_next_month(day)
                return Part(k, nxt, day=d) if d else None
        # "December 25", "Dec 25th", "December the 25th"
        if self.lang == "en" and self.low(k) in months:
            dn = self._day_number(k + 1)
            if dn is not None:
                day, nxt = dn
                year, end = self._year_at(nxt)
                d = self._future_day(months[self.low(k)], day, year)
                return Part(k, end, day=d) if d else None
        return None

    _MONTH_PHASE: ClassVar[dict[str, int]] = {
        "начале": 1, "середине": 15, "конце": 25, "early": 1, "mid": 15, "late": 25,
        "beginning": 1, "middle": 15, "end": 25, "начала": 1, "середины": 15, "конца": 25,
        "концу": 25,
    }  # fmt: skip

    _WEEK_ORDINALS: ClassVar[dict[str, int]] = {
        "first": 1, "second": 2, "third": 3, "fourth": 4, "last": 5, "первая": 1, "первую": 1,
        "первой": 1, "вторая": 2, "вторую": 2, "второй": 2, "третья": 3, "третью": 3,
        "третьей": 3, "последняя": 5, "последнюю": 5, "последней": 5,
    }  # fmt: skip
    _WEEK_WORDS: ClassVar[frozenset[str]] = frozenset({"week", "неделя", "неделю", "неделе",
                                                        "weekend"})

    def week_of_month(self, k: int) -> Part | None:
        """ "the first week of may", «в первую неделю мая», «на последней неделе июня"."""
        start = k
        k += self.low(k) in ("the", "в", "на")
        nth = self._WEEK_ORDINALS.get(self.low(k))
        weekend = self.low(k + 1) == "weekend"
        if nth is None or self.low(k + 1) not in self._WEEK_WORDS:
            return None
        m = k + 2 + (self.low(k + 2) in ("of", "in"))
        if self.low(m) not in self.lex.months:
            return None
        month = self.lex.months[self.low(m)]
        year = self.today.year + (month < self.today.month)
        if weekend:  # "the first weekend of october": its nth Saturday and the Sunday after
            saturday = self._nth_saturday(year, month, nth)
            if saturday + timedelta(days=1) < self.today:
                saturday = self._nth_saturday(year + 1, month, nth)
            return Part(start, m + 1, day=max(saturday, self.today),
                        until=saturday + timedelta(days=1))
        last_day = calendar.monthrange(year, month)[1]
        first_day = last_day - 6 if nth == 5 else 1 + 7 * (nth - 1)
        until = date(year, month, min(first_day + 6, last_day))
        if until < self.today:
            year += 1
            last_day = calendar.monthrange(year, month)[1]
            first_day = last_day - 6 if nth == 5 else first_day
            until = date(year, month, min(first_day + 6, last_day))
        first = date(year, month, first_day)
        return Part(start, m + 1, day=max(first, self.today), until=until)

    _DAY_ORDINALS: ClassVar[dict[str, int]] = {
        "first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1,
        "первый": 1, "первую": 1, "первое": 1, "первого": 1, "второй": 2, "вторую": 2,
        "второе": 2, "третий": 3, "третью": 3, "третье": 3, "четвертый": 4, "четвертую": 4,
        "четвёртый": 4, "четвёртую": 4, "последний": -1, "последнюю": -1, "последнее": -1,
        "последнего": -1,
    }  # fmt: skip
    _DAY_WORDS: ClassVar[frozenset[str]] = frozenset(
        {"day", "день", "число", "числа", "дня", "business", "working", "рабочий"})
    _HALVES: ClassVar[dict[str, int]] = {
        "first": 1, "second": 2, "latter": 2, "первой": 1, "первую": 1, "второй": 2,
        "вторую": 2,
    }  # fmt: skip

    def day_of_month(self, k: int) -> Part | None:
        """ "the last day of the month", «в последний день месяца», "the last friday of
        may", «в первый понедельник июня», "the second half of may", «во второй половине
        месяца»: one day of a month counted from its start or end, or a half of it."""
        start = k
        k += self.low(k) in ("the", "в", "во", "на", "on", "in", "by")
        k += self.low(k) == "the"
        half = self._HALVES.get(self.low(k))
        if half is not None and self.low(k + 1) in ("half", "половине", "половину"):
            month = self._month_named(k + 2 + (self.low(k + 2) == "of"))
            if month is None:
                return None
            (year, number), end = month
            last = calendar.monthrange(year, number)[1]
            first, until = (1, 15) if half == 1 else (16, last)
            if date(year, number, until) < self.today:
                return None
            return Part(start, end, day=max(date(year, number, first), self.today),
                        until=date(year, number, until))
        nth = self._DAY_ORDINALS.get(self.low(k))
        if nth is None:
            return None
        said = self.low(k + 1)
        weekday = self.lex.weekdays.get(said)
        day_said = said in self._DAY_WORDS
        if weekday is None and not day_said:
            return None
        m = k + 2
        if said in ("business", "working", "рабочий"):
            if self.low(m) not in ("day", "день"):
                return None
            m += 1
        month = self._month_named(m + (self.low(m) == "of"))
        if month is None:
            return None
        (year, number), end = month
        named = self._month_came_by_name(m)
        for ahead in (0, 1):  # the one said, or the next when it has gone by
            counted = (date(year + ahead, number, 1) if named
                       else _add_months(date(year, number, 1), ahead))
            found = _nth_day(counted.year, counted.month, nth, weekday,
                             working=said in ("business", "working", "рабочий"))
            if found is not None and found >= self.today:
                return Part(start, end, day=found)
        return None

    def _month_named(self, m: int) -> tuple[tuple[int, int], int] | None:
        """The month a day of it is counted in, at token ``m``: (year, month) and the
        token after it. "the month", "this month", «месяца», «этого месяца» are this one;
        "next month", «следующего месяца» the next; a month's name the coming one."""
        low = self.low(m)
        if low in ("the", "this", "этого", "текущего"):
            m += 1
            if self.low(m) in ("month", "месяца"):
                return (self.today.year, self.today.month), m + 1
            return None
        if low in ("month", "месяца"):
            return (self.today.year, self.today.month), m + 1
        if low in ("next", "следующего") and self.low(m + 1) in ("month", "месяца"):
            ahead = _add_months(self.today.replace(day=1), 1)
            return (ahead.year, ahead.month), m + 2
        if low in self.lex.months and not (self.lang == "en" and low == "may"
                                           and self.low(m - 1) not in ("of", "in")):
            number = self.lex.months[low]
            year, end = self._year_at(m + 1)
            if year is None:
                year = self.today.year + (number < self.today.month)
            return (year, number), end
        return None

    def _month_came_by_name(self, m: int) -> bool:
        """A month's name at ``m`` (after "of"), not "the month" or "next month": its day
        gone by means next year's, not next month's."""
        return self.low(m) in self.lex.months or self.low(m + 1) in self.lex.months

    @staticmethod
    def _nth_saturday(year: int, month: int, nth: int) -> date:
        """The month's nth Saturday (5: its last)."""
        last_day = calendar.monthrange(year, month)[1]
        if nth == 5:
            end = date(year, month, last_day)
            return end - timedelta(days=(end.weekday() - 5) % 7)
        first = date(year, month, 1)
        return first + timedelta(days=(5 - first.weekday()) % 7 + 7 * (nth - 1))

    def month_only(self, k: int) -> Part | None:
        """ "в декабре", "в начале декабря", "early December", "end of December"."""
        start = k
        phase = self._MONTH_PHASE.get(self.low(k))
        if phase is not None:
            k += 1
            if self.low(k) == "of":
                k += 1
            if self.low(k) == "the":
                k += 1
        if self.low(k) not in self.lex.months or (
            self.lang == "en" and self.low(k) == "may" and phase is None
            and self.low(k - 1) not in _MONTH_LEADS_EN and not self._may_alone(k)
        ):  # "in may", "by may" name the month; "you may", "may i" do not
            return None
        month = self.lex.months[self.low(k)]
        year, end = self._year_at(k + 1)
        named_year = year is not None
        if year is None:
            year = self.today.year + (month < self.today.month)
        until = self._month_part_end(year, month, phase)
        if until < self.today:
            if named_year:
                return None  # "в марте 2025 года": the past is no callback
            year += 1  # "в начале ноября" said on the 21st: next November's
            until = self._month_part_end(year, month, phase)
        first = date(year, month, phase or 1)
        if phase is None and not named_year:
            day = self._day_in_month(end, year, month)
            if day is not None:  # «в феврале числа десятого», "in march on the 5th"
                return Part(start, day[1], day=day[0])
        return Part(start, end, day=max(first, self.today), until=until)

    def _may_alone(self, k: int) -> bool:
        """ "um may", "probably may", "may and ...": "may" as the whole answer, after at
        most fillers and hedges and before the reply ends or goes on to something else;
        the verb has a subject before it ("we may") or a verb after it ("may need")."""
        if not all(self.low(p) in _MAY_BEFORE for p in range(k)):
            return False
        after = self.low(k + 1)
        return (after in _MAY_AFTER or after in self.lex.months
                or (self.kind(k + 1) not in ("word", "") and after not in ("'", "’")))

    def _day_in_month(self, m: int, year: int, month: int) -> tuple[date, int] | None:
        """A day said after its month: «числа десятого», «десятого числа», "on the
        tenth". A bare number ("в феврале 10 дней") is no day."""
        while self.low(m) in _GAP_FILLERS or self.low(m) in ("примерно", "около"):
            m += 1  # «в марте где-то двадцатого»
        lead = self.low(m) in ("числа", "число", "on", "around", "about")
        dn = self._day_number(m + lead)
        if dn is None:
            return None
        day, nxt = dn
        if self.low(nxt) in ("числа", "число"):
            lead, nxt = True, nxt + 1
        said = self.toks[m + lead]
        ordinal = said.low in self.lex.ordinals or (said.kind == "word" and said.low == "the")
        if not (lead or ordinal or nxt > m + 1 + lead):
            return None
        d = _safe_date(year, month, day)
        return (d, nxt) if d is not None and d >= self.today else None

    @staticmethod
    def _month_part_end(year: int, month: int, phase: int | None) -> date:
        """The last day of a month, or of its first/middle third (phase day 1/15)."""
        last = {1: 10, 15: 20}.get(phase or 0, calendar.monthrange(year, month)[1])
        return date(year, month, last)

    def numeric_date(self, k: int) -> Part | None:
        t = self.toks[k]
        if t.kind == "date":
            nums = [int(x) for x in re.split(r"[./-]", t.low)]
            year: int | None = None
            if "-" in t.low:
                year, m, d = nums
            elif len(t.low.split("/")[0]) == 4:
                return None  # "2026/12/25": rare enough to leave to dateparser
            elif "/" in t.low and self.lang == "en":
                m, d = nums[0], nums[1]
                year = nums[2] if len(nums) == 3 else None
            else:
                d, m = nums[0], nums[1]
                year = nums[2] if len(nums) == 3 else None
            day = self._future_day(m, d, year) if 1 <= m <= 12 else None
            return Part(k, k + 1, day=day) if day else None
        if t.kind == "num" and self.low(k - 1) not in _TIME_PREPS:
            m2 = _DDMM.match(t.low)
            if m2 and 1 <= int(m2.group(2)) <= 12:
                day = self._future_day(int(m2.group(2)), int(m2.group(1)), None)
                return Part(k, k + 1, day=day) if day else None
        return None

    def relative_day(self, k: int) -> Part | None:
        low = self.low(k)
        if (
            self.lang == "en"
            and low == "day"
            and self.low(k + 1) == "after"
            and self.low(k + 2) == "tomorrow"
        ):
            start = k - 1 if self.low(k - 1) == "the" else k
            return Part(start, k + 3, day=self.today + timedelta(days=2))
        if low in _RELATIVE_DAYS:
            part = Part(k, k + 1, day=self.today + timedelta(days=_RELATIVE_DAYS[low]))
            if low == "tonight":
                part = replace(part, daypart="tonight")
            return part
        return None

    def weekday(self, k: int) -> Part | None:
        start = k
        low = self.low(k)
        is_this = False
        if low in _NEXT_WORDS or low in _THIS_WORDS:
            is_this = low in _THIS_WORDS
            k += 1
            low = self.low(k)
        if low not in self.lex.weekdays:
            return None
        if self.lang == "en" and low in ("sat", "sun", "mar", "may", "wed") and start == k:
            return None
        day = _upcoming(self.today, self.lex.weekdays[low], include_today=is_this)
        if (start < k and not is_this and self.low(start) != "coming"
                and day == self.today + timedelta(1)):
            day += timedelta(weeks=1)  # «в следующий понедельник», "next tuesday" said the
            # day before: not tomorrow, which «в понедельник», "tuesday" (or «завтра»,
            # "tomorrow") already names, but the one after it
        return Part(start, k + 1, day=day, weekday=True)

    def any_day_but(self, k: int) -> Part | None:
        """ "any day but monday", «в любой день кроме пятницы», «любой день, только не в
        субботу»: the first day from tomorrow that is not one ruled out (the weekday
        alone would name the very day the caller refuses)."""
        if self.low(k) not in ("any", "любой") or self.low(k + 1) not in ("day", "день"):
            return None
        m = k + 2
        if self.low(m) not in ("but", "except", "кроме", "но", "только"):
            return None
        m += 1 + (self.low(m + 1) in ("not", "не", "only", "только", "for"))
        m += self.low(m) == "не"  # «но только не»
        refused: set[int] = set()
        while True:
            m += self.low(m) in ("on", "в", "во")
            weekday = self.lex.weekdays.get(self.low(m))
            if weekday is None:
                break
            refused.add(weekday)
            m += 1
            if self.low(m) not in ("or", "and", "или", "и") or self.low(
                    m + 1 + (self.low(m + 1) in ("on", "в", "во"))) not in self.lex.weekdays:
                break
            m += 1
        if not refused or len(refused) > 5:
            return None
        day = self.today + timedelta(days=1)
        while day.weekday() in refused:
            day += timedelta(days=1)
        return Part(k, m, day=day)

    def school_start(self, k: int) -> Part | None:
        """«как детей в школу отправлю», «когда сына в школу отведу»: the school year's
        start (1 September, «день знаний»), said in the weeks before it; its day is the
        ceremony, so a call fits the day after. Said in the school year, it is the
        morning's school run, no date: left alone; so is it beside a day named («в среду
        как детей в школу отправлю часиков в десять»: that day, after the school run)."""
        if self.low(k) != "школу" or self.lang != "ru":
            return None
        if any(w in _RELATIVE_DAYS or w in self.lex.weekdays for w in self.lows):
            return None
        near = {self.low(p) for p in range(max(0, k - 4), k + 3)}
        if near.isdisjoint(_SCHOOL_SEND) or near.isdisjoint(("как", "когда")):
            return None
        day = periods.day_after_holiday(self.today, "ru", "knowledge")
        if day is None or (day - self.today).days > _SCHOOL_SOON:
            return None
        end = k + 1 + (self.low(k + 1) in _SCHOOL_SEND)
        return Part(k, end, day=day)

    def period(self, k: int) -> Part | None:
        """ "на следующей неделе" / "next week" -> its Monday; month -> the 1st; weekend."""
        low = self.low(k)
        nxt = self.low(k + 1)
        if self.lang == "en" and nxt == "after" and self.low(k + 2) == "next":
            unit = _UNIT_WORDS.get(low)  # "the week after next": the whole of it
            if unit is not None:
                start = k - 1 if self.low(k - 1) == "the" else k
                first = self._unit_start(unit, 2)
                last = self._unit_start(unit, 3) - timedelta(days=1)
                return Part(start, k + 3, day=first, until=last)
        if low in _NEXT_WORDS:
            if nxt in ("неделе", "неделю", "week"):
                monday = self.today - timedelta(days=self.today.weekday()) + timedelta(days=7)
                return Part(k, k + 2, day=monday, until=monday + timedelta(days=6))
            if nxt in ("месяце", "месяц", "month"):
                first = _add_months(self.today.replace(day=1), 1)
                return Part(k, k + 2, day=first, until=_add_months(first, 1) - timedelta(days=1))
            if nxt in ("году", "год", "year"):
                year = self.today.year + 1
                return Part(k, k + 2, day=date(year, 1, 1), until=date(year, 12, 31))
        # "в этом году", "this month", "within the year", "later this week": from today
        # to the end of the current week, month or year, like "до конца года"
        if (low in _THIS_WORDS or (self.lang == "en" and low == "the"
                                   and self.low(k - 1) == "within")) and not (
                self.low(k - 1) in _PHASES or self.low(k - 2) in _PHASES):  # "early this month"
            unit = _UNIT_WORDS.get(nxt) if nxt in _CURRENT_UNITS else None
            if unit is not None:
                start = k - 1 if self.low(k - 1) in _CURRENT_PREPS else k
                span = periods.deadline(self.today, self._unit_start(unit, 1) - timedelta(days=1))
                if span is None:
                    return None
                if (self.low(start) == "later" and unit == "week" and span[0] == self.today
                        and span[0] + timedelta(days=1) <= span[1]):
                    # "later this week": not today, the days after it (a month or a year is
                    # a deadline running from today)
                    return Part(start, k + 2, day=span[0] + timedelta(days=1), until=span[1])
                return Part(start, k + 2, day=span[0], until=span[1])
        # "в конце недели", "at the end of the week" -> the coming Friday
        if (low == "конце" and nxt == "недели") or (
            low == "end" and self.low(k + 1) == "of"
            and self.low(k + 2 + (self.low(k + 2) == "the")) == "week"
        ):  # fmt: skip
            end = k + 2 if low == "конце" else k + 3 + (self.low(k + 2) == "the")
            start = k - 1 if self.low(k - 1) in ("в", "at", "the") else k
            if self.low(start - 1) == "at" and self.low(start) == "the":
                start -= 1
            friday = _upcoming(self.today, 4, include_today=True)
            return Part(start, end, day=friday, until=friday + timedelta(days=2))
        # "на днях", "на этих днях", "in the coming days": the next days, as "в ближайшие дни"
        days_at = k + 1 + (self.low(k + 1) in ("этих", "the"))
        if (low == "на" and self.low(days_at) == "днях") or (
                low == "in" and self.low(days_at) == "coming" and self.low(days_at + 1) == "days"):
            end = days_at + 1 + (low == "in")
            first = self.today + timedelta(days=1)
            return Part(k, end, day=first, until=first + timedelta(days=_FEW_DAYS - 1))
        toward = self._toward_the_weekend(k)
        if toward is not None:
            return toward
        if low in ("выходных", "выходные", "weekend"):
            start = k - 1 if self.low(k - 1) in _THIS_WORDS or self.low(k - 1) == "the" else k
            saturday = _upcoming(self.today, 5, include_today=True)
            end = k + 1
            if self.lang == "en" and nxt == "after" and self.low(k + 2) in ("this", "next"):
                # "the weekend after this one", "the weekend after next": a week on
                end = k + 3 + (self.low(k + 3) == "one")
                saturday += timedelta(days=7)
            return Part(start, end, day=saturday, until=saturday + timedelta(days=1))
        return None

    def _toward_the_weekend(self, k: int) -> Part | None:
        """«к выходным», «ближе к выходным», «под выходные», "closer to the weekend": the
        end of this week, Friday to Sunday, as «в конце недели»."""
        m = k + (self.low(k) in _NEAR)
        if self.low(m) in ("к", "ко", "под") and self.low(m + 1) in ("выходным", "выходные"):
            end = m + 2
        elif (self.lang == "en" and m > k and self.low(m) == "to"
              and self.low(m + 1) == "the" and self.low(m + 2) == "weekend"):
            end = m + 3
        else:
            return None
        friday = _upcoming(self.today, 4, include_today=True)
        return Part(k, end, day=friday, until=friday + timedelta(days=2))

    def offset(self, k: int) -> Part | None:
        """ "через два часа", "через неделю", "in two weeks", "in an hour"; ranges
        ("через месяц-два", "in two or three weeks") give a date with ``until``."""
        low = self.low(k)
        m = k + 1
        # "в течение недели" / "within a week" / "в ближайшие две недели" / "in the next
        # two weeks": the end of that span, like "через"
        if low == "в" and self.low(k + 1) in _WITHIN_RU:
            m = k + 2
        elif self._within_the_next(k):
            m = k + 3
        elif low == "через" or (self.lang == "en" and low in ("in", "within")):
            if (self.lang == "ru" and self.low(m) in _APPROX_UNITS
                    and self._says_amount(m + 1)):
                return self._offset_from(k, m + 1, unit_at=m)  # "через минут двадцать"
        elif self.lang == "en" and low == "give" and self.low(k + 1) in ("me", "us", "it"):
            m = k + 2  # "give me an hour", "give me twenty minutes", "give it ten minutes"
        elif self.lang == "ru" and low in self.lex.spans and self.low(k + 1) == "через":
            return self._inverted_offset(k)
        elif self.lang == "en" and "from" in self.words and (self._says_amount(k) or (
            low in self.lex.spans and (k == 0 or self.low(k - 1) in _ABOUT)
        )):  # "two weeks from now", "... from today", "hour and a half from now"
            part = self._offset_from(k, k)
            if part is None or self.low(part.j) != "from":
                return None
            if self.low(part.j + 1) not in ("now", "today"):
                return self._offset_from_day(part)
            return replace(part, j=part.j + 2)
        elif self.lang == "en" and (self._says_amount(k) or self.low(k) == "half") and (
            k == 0 or self.low(k - 1) in _BARE_BEFORE_EN
        ):
            part = self._offset_from(k, k)  # a bare "three months or so" answers "when?"
            if part is None or self.low(part.j) in ("ago", "back", "old", "before"):
                return None
            if self.low(part.j) in _ROUGHLY_EN:
                end = part.j + 1 + (self.low(part.j) == "or" and self.low(part.j + 1) == "so")
                return replace(part, j=end)
            return part if part.j >= len(self.toks) or self.low(part.j) in _BARE_OFFSET_ENDS \
                else None
        else:
            return None
        if self.low(m) in _ABOUT or (self.lang == "en" and self.low(m) == "like"
                                     and low in ("in", "within")):
            m += 1  # "in about two weeks", "in like twenty minutes", «через примерно месяц»
        elif self.low(m) == "где" and self.low(m + 1) == "то":  # "через где-то месяц"
            m += 2
        return self._offset_from(k, m)

    def _offset_from_day(self, part: Part) -> Part | None:
        """ "a week from tomorrow", "two days from friday": the offset counted from the
        day named after "from", not from today (days and weeks only)."""
        base = self.relative_day(part.j + 1) or self.weekday(part.j + 1)
        if base is None or base.day is None or part.day is None or part.until is not None:
            return None
        return replace(part, j=base.j, day=base.day + (part.day - self.today))

    def _within_the_next(self, k: int) -> bool:
        """ "in the next two weeks", "within the next month"; "in the next month" alone
        stays the calendar month (``period``)."""
        low = self.low(k)
        if self.lang != "en" or low not in _OVER_EN or self.low(k + 1) != "the":
            return False
        if self.low(k + 2) != "next":
            return False
        return self._says_amount(k + 3) or (low != "in" and self.low(k + 3) in self.lex.spans)

    def _inverted_offset(self, k: int) -> Part | None:
        """ "месяца через два", "недели через две-три": the unit first means "about"."""
        if not self._says_amount(k + 2):
            return None
        _, _, m = self._span_amount(k + 2)
        if m == k + 2 or self.low(m) in self.lex.spans:
            return None  # no amount said, or a unit of its own ("дня через два часа")
        return self._offset_from(k, k + 2, unit_at=k)

    def _says_amount(self, k: int) -> bool:
        t = self.kind(k)
        low = self.low(k)
        return t == "num" or low in self.lex.numbers or low in _AMOUNT_WORDS

    def _offset_from(self, k: int, m: int, *, unit_at: int | None = None) -> Part | None:
        """The offset whose amount starts at ``m`` (the phrase itself starts at ``k``);
        ``unit_at`` is where the unit was said when it came first ("месяца через два")."""
        if self.low(m) in _HALF_HOUR or (
            self.lang == "en" and self.low(m) == "half" and self.low(m + 1) in ("an", "a")
            and self.low(m + 2) == "hour"
        ):  # fmt: skip
            end = m + 1 if self.low(m) in _HALF_HOUR else m + 3
            return Part(k, end, moment=self._minutes(30))
        if self.low(m) in _HALF_YEAR or (
            self.lang == "en" and [self.low(m + x) for x in range(3)] == ["half", "a", "year"]
        ):
            end = m + 1 if self.low(m) in _HALF_YEAR else m + 3
            return Part(k, end, day=_add_months(self.today, 6))
        amount, high, m = self._span_amount(m)
        unit = self.lex.spans.get(self.low(m if unit_at is None else unit_at))
        if unit is None or not 0 <= amount <= _MAX_OFFSET or (high or 0) > _MAX_OFFSET:
            return None
        if unit_at is not None:
            m -= 1  # the amount ends the phrase: no unit after it
        end = m + 1
        if self.lang == "en" and [self.low(end + x) for x in range(3)] == ["and", "a", "half"]:
            amount, end = amount + 0.5, end + 3  # "an hour and a half"
        elif self.lang == "ru" and self.low(end) == "с" and self.low(end + 1) == "половиной":
            amount, end = amount + 0.5, end + 2  # "через час с половиной"
        elif high is None:
            tail = self._range_tail(end, amount)  # "через месяц-два", "in a week or two"
            if tail is not None and tail[0] <= _MAX_OFFSET:
                high, end = tail
        if unit in ("second", "minute", "hour"):  # a range of hours books its first one
            minutes = amount * {"second": 1 / 60, "minute": 1, "hour": 60}[unit]
            return Part(k, end, moment=self._minutes(minutes))
        first = self._ahead(unit, amount)
        until = self._ahead(unit, high) if high is not None else None
        if until is None and unit in ("week", "fortnight"):
            day = self._weekday_of_that_week(end, first)
            if day is not None:
                return Part(k, day[1], day=day[0])
        return Part(k, end, day=first, until=until)

    def _weekday_of_that_week(self, m: int, landed: date) -> tuple[date, int] | None:
        """«через недельку в субботу», "in two weeks on friday": a weekday said right after
        an offset in weeks is that weekday of the week the offset lands in (Monday to
        Sunday), not the offset's own day -> (the day, one past the weekday)."""
        m += self.low(m) in ("в", "во", "on")
        if self.low(m) not in self.lex.weekdays or (
                self.lang == "en" and self.low(m) in _AMBIGUOUS_WORDS):
            return None
        monday = landed - timedelta(days=landed.weekday())
        return monday + timedelta(days=self.lex.weekdays[self.low(m)]), m + 1

    def _ahead(self, unit: str, amount: float) -> date:
        """Today plus ``amount`` calendar ``unit``s (day, week, fortnight, month, year)."""
        if unit == "day":
            return self.today + timedelta(days=amount)
        if unit == "week":
            return self.today + timedelta(weeks=amount)
        if unit == "fortnight":
            return self.today + timedelta(weeks=2 * amount)
        months = amount if unit == "month" else 12 * amount
        whole = int(months)  # "через полтора месяца": a month and 15 days
        return _add_months(self.today, whole) + timedelta(days=round((months - whole) * 30))

    def _span_amount(self, m: int) -> tuple[float, float | None, int]:
        """(amount, the top of a range or None, index of the unit word) of an amount
        said at ``m``; no amount at all ("через неделю") is 1."""
        low = self.low(m)
        if self.lang == "en" and (low == "couple" or (low == "a" and self.low(m + 1) == "couple")):
            m += low == "a"
            return 2.0, None, m + 1 + (self.low(m + 1) == "of")
        if low in _FEW or (low == "a" and self.low(m + 1) in _FEW):
            return 3.0, None, m + 1 + (low == "a")
        if self.lang == "en" and low in ("a", "an"):
            return 1.0, None, m + 1
        if self.kind(m) != "num" and low not in self.lex.numbers:
            return 1.0, None, m
        num = parse_number_at(self.toks, m, self.lex, self.lang)
        if num is None:
            return 1.0, None, m
        amount, m = num.value, num.j
        if self.lang == "en" and self.low(m) == "or" and self.low(m + 1) == "so":
            m += 2  # "in six or so weeks": the rough amount before its unit
        if self.lang == "ru" and self.low(m) in ("тройку", "тройка") and amount == 2:
            return amount, 3.0, m + 1  # "через пару-тройку недель"
        top = m + (self.low(m) in _RANGE_OR)  # "две-три" (the hyphen is not a token), "или"
        if self.kind(top) == "num" or self.low(top) in self.lex.numbers:
            high = parse_number_at(self.toks, top, self.lex, self.lang)
            if (
                high is not None and amount < high.value <= 4 * amount + 3
                and self.low(high.j) in self.lex.spans
            ):  # fmt: skip
                return amount, high.value, high.j
        return amount, None, m

    def _range_tail(self, end: int, amount: float) -> tuple[float, int] | None:
        """The top of a range said after the unit: "месяц-два", "месяц или два",
        "неделю-другую", "a week or two" -> (top, one past it)."""
        m = end + (self.low(end) in _RANGE_OR)
        if self.lang == "en" and m == end:
            return None  # English says "or": "in a week two" is not a range
        if self.low(m) in _ANOTHER and amount == 1:
            return 2.0, m + 1
        if self.kind(m) != "num" and self.low(m) not in self.lex.numbers:
            return None
        num = parse_number_at(self.toks, m, self.lex, self.lang)
        if num is None or not amount < num.value <= amount + 3:
            return None
        after = self.low(num.j)
        if after in self.lex.spans or after in self.lex.months or after in _HOUR_WORDS:
            return None  # "через неделю два дня", "через месяц два часа": not a range
        return num.value, num.j

    def _minutes(self, minutes: float) -> datetime:
        moment = self.now + timedelta(minutes=minutes)
        return moment.replace(second=0, microsecond=0)

    # ---- named periods: seasons, parts of a month or year, holidays --------------
    def season(self, k: int) -> Part | None:
        """ "весной", "следующим летом", "на зиму", "in the spring", "next summer"."""
        low = self.low(k)
        start = k
        following = False
        cued = this = False
        cues = _RU_SEASON_CUES if self.lang == "ru" else _EN_SEASON_CUES
        while low in cues and k - start < 2:
            following = following or low in _FOLLOWING
            this = this or low in _THIS_SEASON
            cued = True
            k += 1
            low = self.low(k)
        if self.lang == "en" and low in _NEAR and self.low(k + 1) == "to":
            cued = True  # "closer to summer": summer itself, as "ближе к лету"
            k += 2
            low = self.low(k)
        if self.lang == "en" and low == "the":
            k += 1
            low = self.low(k)
        if self.lang == "ru":
            season = (_RU_SEASON_FORMS if cued else _RU_SEASONS).get(low)
        else:
            # A bare season is an answer in itself ("summer", "maybe spring"), not inside
            # a sentence ("summer sale").
            alone = k == 0 or self.low(k - 1) in _SEASON_ALONE_EN
            season = _EN_SEASONS.get(low) if cued or alone else None
        if season is None or (self.lang == "en" and self.low(k + 1) == "break"):
            return None  # "winter break": the holidays, ``holiday``'s
        end = k + 1
        year, after = self._named_year(end + (self.low(end) == "of"))
        if year is not None:  # "весной следующего года", "next year in the summer"
            span = periods.season_of_year(self.today, season, year)
            return Part(start, after, day=span[0], until=span[1]) if span else None
        if not this and periods.season_ending(self.today, season):
            following = True  # "осенью" said in November: the autumn to come, not this one
        first, last = periods.season_span(self.today, season, following=following)
        return Part(start, end, day=first, until=last)

    def _named_year(self, k: int) -> tuple[int | None, int]:
        """A year said after a period: "следующего года", "этого года", "next year",
        "2027 года" -> (year, one past it)."""
        low, nxt = self.low(k), self.low(k + 1)
        if nxt in ("года", "year"):
            if low in _PERIOD_NEXT:
                return self.today.year + 1, k + 2
            if low in _PERIOD_THIS and low != "the":
                return self.today.year, k + 2
        if self.kind(k) == "num":
            year, end = self._year_at(k)
            if year is not None and (end > k + 1 or self.lang == "en"):
                return year, end
        return None, k

    def year_only(self, k: int) -> Part | None:
        """ "в 2027 году", "2027 год", "in 2027": the whole year (from today if under way)."""
        m = k + 1 if self.lang == "en" and self.low(k) in ("in", "by") else k
        if self.lang == "en" and m > k and self.kind(m) == "word":
            year, end = self._year_at(m)  # "in twenty twenty eight", "by two thousand thirty"
            if year is None or end < m + 2 or year < self.today.year:
                return None
        elif self.kind(m) != "num" or (self.lang == "en" and m == k):
            return None
        else:
            year, end = self._year_at(m)
        if year is None or (self.lang == "ru" and end == m + 1):
            return None  # Russian needs "году"/"года": a bare 2027 is a number
        if self.lang == "en" and (self.low(end) in self.lex.currencies or self.kind(end) == "sym"):
            return None
        span = periods.year_span(self.today, year)
        return Part(k, end, day=span[0], until=span[1]) if span else None

    def phase(self, k: int) -> Part | None:
        """ "в конце месяца", "в начале следующего года", "early next month",
        "end of the month"; a named month ("в начале марта") is ``month_only``'s."""
        if self.lang == "en" and self.low(k + 1) == "end" and self.low(k) in _UNIT_END:
            # "by years end", "at year end", "month end": the end of this one
            unit = _UNIT_END[self.low(k)]
            if unit == "year":
                span = periods.year_phase(self.today, "end", years_ahead=0)
            else:
                pointed = periods.month_phase(self.today, "end", months_ahead=0)
                span = (pointed[0], pointed[1][1]) if pointed else None
            return Part(k, k + 2, day=span[0], until=span[1]) if span else None
        phase = _PHASES.get(self.low(k))
        if phase is None:
            return None
        m = k + 1
        if self.lang == "en" and self.low(m) == "of":
            m += 1
        ahead: int | None = None
        if self.low(m) in _PERIOD_NEXT:
            ahead, m = 1, m + 1
        elif self.low(m) in _PERIOD_THIS:
            ahead = 0 if self.low(m) != "the" else None
            m += 1
        unit = self.low(m)
        if unit in ("месяца", "month"):
            pointed = periods.month_phase(self.today, phase, months_ahead=ahead)
            if pointed is None:
                return None
            return Part(k, m + 1, day=pointed[0], until=pointed[1][1])
        if unit in ("года", "year"):
            span = periods.year_phase(self.today, phase, years_ahead=ahead)
            return Part(k, m + 1, day=span[0], until=span[1]) if span else None
        if unit in ("недели", "week"):
            span = periods.week_phase(self.today, phase, weeks_ahead=ahead)
            return Part(k, m + 1, day=span[0], until=span[1]) if span else None
        season = (_EN_SEASONS if self.lang == "en" else _RU_SEASON_DEADLINES).get(unit)
        if season is not None and ahead != 1:  # "the end of summer", «в конце лета»
            first, last = periods.season_phase(self.today, season, phase)
            return Part(k, m + 1, day=first, until=last)
        if ahead is None and self.kind(m) == "num":  # "в конце 2027 года"
            year, end = self._named_year(m)
            if year is not None:
                span = periods.year_phase(self.today, phase, years_ahead=None, year=year)
                return Part(k, end, day=span[0], until=span[1]) if span else None
        return None

    def holiday(self, k: int) -> Part | None:
        """ "после праздников", "после майских", "после нового года", "after the
        holidays", "after christmas": the day after that holiday period; "на пасху",
        "ближе к новому году", "over the fourth of july", "thanksgiving" alone: its
        first day (``holidays`` lists the names)."""
        low = self.low(k)
        if low in ("после", "after"):
            held = self._holiday_name(k + 1)
            if held is None:
                return None
            day = periods.day_after_holiday(self.today, self.lang, held[0])
            return Part(k, held[1], day=day) if day is not None else None
        if low in ("между", "between"):
            return self._between_holidays(k)
        if low in _NEAR and self.low(k + 1) in ("к", "ко", "to"):
            return self._during_holiday(k, k + 2)  # "ближе к новому году": the holiday itself
        if low in _DURING_PREPS:
            return self._during_holiday(k, k + 1)
        if low not in self.holiday_starts:
            return None
        named = holidays.name_at(self.lows, k, self.lang, alone=True)
        if named is None:
            return None
        day = periods.next_holiday_start(self.today, self.lang, named[0])
        return Part(k, named[1], day=day) if day is not None else None

    def after_day(self, k: int) -> Part | None:
        """ "после выходных", "after the weekend", "после понедельника", "after next
        week", "после марта": the day after the day or period named (its last day)."""
        if self.low(k) not in ("после", "after"):
            return None
        m = k + 1 + (self.low(k + 1) in _THIS_WORDS or self.low(k + 1) in ("the", "этих"))
        for rule in (self.period, self.weekday, self.relative_day, self.day_month,
                     self.month_only):  # "after july 4": the day, not the month
            part = rule(m)
            if part is not None and part.day is not None and part.hour is None:
                last = part.until or part.day
                return Part(k, part.j, day=last + timedelta(days=1))
        return None

    def day_by_holiday(self, k: int) -> Part | None:
        """ "the monday after new years", "the weekend before christmas", "after easter
        please like tuesday": a weekday (or the weekend) set by a holiday: the first one
        after the holiday's last day, or the last one before its first day (the holiday
        alone would book the holiday, the weekday alone the nearest one)."""
        m = k + (self.low(k) == "the")
        low = self.low(m)
        if low in ("after", "before"):  # "after easter please like tuesday"
            return self._weekday_after_holiday(k)
        if low != "weekend" and low not in self.lex.weekdays:
            return None
        way = self.low(m + 1)
        if way not in ("after", "before") or (low in _AMBIGUOUS_WORDS and m == k):
            return None
        held = self._holiday_name(m + 2)
        if held is None or held[0] in holidays.GROUPS[self.lang]:
            return None  # "the monday after the holiday weekend": which one is a guess
        weekday = 5 if low == "weekend" else self.lex.weekdays[low]
        if way == "after":
            day = self._weekday_from(periods.day_after_holiday(self.today, self.lang, held[0]),
                                     weekday)
        else:
            days = periods.next_holiday(self.today, self.lang, held[0])
            if days is None:
                return None
            day = days[0] - timedelta(days=1 + (days[0].weekday() - weekday - 1) % 7)
            if low == "weekend" and day + timedelta(days=1) >= days[0]:
                day -= timedelta(weeks=1)  # the whole weekend before it
        if day is None or day < self.today:
            return None
        until = day + timedelta(days=1) if low == "weekend" else None
        return Part(k, held[1], day=day, until=until)

    def _weekday_after_holiday(self, k: int) -> Part | None:
        """ "after easter please like tuesday", "after thanksgiving maybe monday": the
        first such weekday after the holiday (a few fillers between the two)."""
        if self.low(k) != "after":
            return None
        held = self._holiday_name(k + 1)
        if held is None or held[0] in holidays.GROUPS[self.lang]:
            return None
        m = held[1]
        while self.low(m) in _HOLIDAY_DAY_FILLERS and m < held[1] + 3:
            m += 1
        low = self.low(m)
        if low not in self.lex.weekdays or low in _AMBIGUOUS_WORDS:
            return None
        day = self._weekday_from(periods.day_after_holiday(self.today, self.lang, held[0]),
                                 self.lex.weekdays[low])
        return Part(k, m + 1, day=day) if day is not None else None

    @staticmethod
    def _weekday_from(first: date | None, weekday: int) -> date | None:
        """The first ``weekday`` on or after ``first`` (None: no day)."""
        if first is None:
            return None
        return first + timedelta(days=(weekday - first.weekday()) % 7)

    def _between_holidays(self, k: int) -> Part | None:
        """«между праздниками», «между майскими», "between the holidays": the working
        days between two holidays close together (``periods.between_holidays``)."""
        m = k + 1 + (self.low(k + 1) == "the")
        held = holidays.name_at(self.lows, m, self.lang)
        if held is None or held[0] not in (None, "may", "holidays"):
            return None
        span = periods.between_holidays(self.today, self.lang)
        return Part(k, held[1], day=span[0], until=span[1]) if span else None

    def _during_holiday(self, k: int, m: int) -> Part | None:
        """ "на майские", "на новогодние праздники", "over christmas", "for new year's":
        the first day of that holiday period named at ``m``, and its last: a day said
        after it («на майских второго числа») is the one inside it."""
        held = self._holiday_name(m)
        if held is None:
            return None
        name, end = held
        days = periods.next_holiday(self.today, self.lang, name)
        if days is None:
            return None
        return Part(k, end, day=days[0], until=days[1] if days[1] > days[0] else None)

    def bounded(self, k: int) -> Part | None:
        """Month ranges and deadlines, behind one cheap look at the first word (the
        rules run at every token)."""
        if self.low(k) not in _BOUND_STARTS:
            return None
        return self.month_range(k) or self.day_range(k) or self.deadline(k)

    def month_range(self, k: int) -> Part | None:
        """ "с марта по май", "с марта до мая", "from march to may", "between march and
        may": the first month's first day to the last one's last day."""
        if self.low(k) not in _RANGE_FROM:
            return None
        first = self.month_only(k + 1)
        if first is None or first.day is None or self.low(first.j) not in _RANGE_TO:
            return None
        m = first.j + 1
        if self.low(m) not in self.lex.months:
            return None
        month = self.lex.months[self.low(m)]
        year = first.day.year + (month < first.day.month)
        last = date(year, month, calendar.monthrange(year, month)[1])
        return Part(k, m + 1, day=first.day, until=last)

    def day_range(self, k: int) -> Part | None:
        """Days of one month named once, after the last day: «с пятого по десятое ноября»,
        «с 25 по 30 октября», "from the 25th to the 30th of october", "between the 10th and
        15th of november", "from october 25 to 30": the first day to the last. Read day by
        day, the first one lost the month (today's month: a wrong date in the CRM). A first
        day above the last starts in the month before («с 28 по 3 ноября»)."""
        if self.low(k) not in _RANGE_FROM:
            return None
        named_first = self.lang == "en" and self.low(k + 1) in self.lex.months
        first = self._day_number(k + 2 if named_first else k + 1)
        if first is None or self.low(first[1]) not in _RANGE_TO:
            return None
        last = self._day_number(first[1] + 1)
        if last is None:
            return None
        end = last[1]
        if named_first:
            month = self.lex.months[self.low(k + 1)]
        else:
            end += self.low(end) == "of"
            if self.low(end) not in self.lex.months:
                return None
            month = self.lex.months[self.low(end)]
            end += 1
        year, end = self._year_at(end)
        until = self._future_day(month, last[0], year)
        if until is None:
            return None
        start_month = _add_months(until.replace(day=1), -(first[0] > last[0]))
        start = _safe_date(start_month.year, start_month.month, first[0])
        return Part(k, end, day=start, until=until) if start else None

    # ---- deadlines: "до весны", "к новому году", "by march", "не позже марта" -------
    def deadline(self, k: int) -> Part | None:
        """A range from today to a deadline: the day before the named season, month,
        holiday, year or next week/month starts ("до весны", "к марту", "before
        christmas"), or its last day for "до конца X", "until the end of X" and "не
        позже X" / "no later than X". "ближе к лету" and "к концу месяца" point at the
        period itself and are left to ``season`` and ``phase``."""
        low = self.low(k)
        inclusive = False
        if self.low(k - 1) in ("not", "не"):
            return None  # "not before spring" is spring itself: ``season``'s
        if low == "не" and self.low(k + 1) in ("раньше", "ранее"):
            season = _RU_SEASON_DEADLINES.get(self.low(k + 2))  # "не раньше весны"
            if season is None:
                return None  # "не раньше марта": ``month_only`` reads "марта"
            first, last = periods.season_span(self.today, season)
            return Part(k, k + 3, day=first, until=last)
        if low == "не" and self.low(k + 1) in ("позже", "позднее"):
            m, inclusive = k + 2, True
        elif self.lang == "en" and [self.low(k + x) for x in range(3)] == ["no", "later", "than"]:
            m, inclusive = k + 3, True
        elif low in _DEADLINE_PREPS[self.lang] and self.low(k - 1) not in _NEAR:
            m = k + 1
            # English "by may", "by summer" is no later than that month or season, which
            # it includes (callers say it of the period itself); "before may" is not.
            inclusive = low == "by" and self._names_month_or_season(m)
        else:
            return None
        target = self._deadline_target(m, inclusive, loose=low in ("к", "ко", "by"))
        if target is None:
            return None
        last, end = target
        span = periods.deadline(self.today, last)
        return Part(k, end, day=span[0], until=span[1]) if span else None

    def _names_month_or_season(self, m: int) -> bool:
        if self.low(m) == "the":
            m += 1
        low = self.low(m)
        if low in _PERIOD_NEXT:  # "by next month": within it
            return self.low(m + 1) in _UNIT_WORDS
        return low in self.lex.months or low in _EN_SEASONS

    def _deadline_target(self, m: int, inclusive: bool, *, loose: bool) -> tuple[date, int] | None:
        """(the deadline's last day, one past the phrase) of what is named at ``m``."""
        if self.lang == "en" and self.low(m) == "the":
            m += 1
        low = self.low(m)
        season = (_RU_SEASON_DEADLINES if self.lang == "ru" else _EN_SEASONS).get(low)
        if season is None and self.lang == "ru" and (weather := _RU_WEATHER_DEADLINES.get(low)):
            return periods.next_season_start(self.today, weather) - timedelta(days=1), m + 1
        if season is not None:
            year, after = self._named_year(m + 1)  # "до весны следующего года"
            if year is not None:
                span = periods.season_of_year(self.today, season, year)
                if span is None or (span[0] <= self.today and not inclusive):
                    return None  # over, or already under way: "before" it is the past
                return (span[1], after) if inclusive else (span[0] - timedelta(days=1), after)
            if inclusive:
                return periods.season_span(self.today, season)[1], m + 1
            return periods.next_season_start(self.today, season) - timedelta(days=1), m + 1
        if low in self.lex.months:
            if self.lang == "en" and self._day_number(m + 1) is not None:
                return None  # "by october twenty first": the day itself, ``day_month``'s
            month = self.lex.months[low]
            if inclusive:
                return periods.coming_month_span(self.today, month)[1], m + 1
            return periods.next_month_start(self.today, month) - timedelta(days=1), m + 1
        phase = _PHASES.get(low)
        if phase is not None:
            if phase == "end" and loose:
                return None  # "к концу месяца", "by the end of the year": the end itself
            part = self.phase(m) or self.month_only(m)  # "до конца года", "до начала марта"
            if part is not None and part.day is not None and part.until is not None:
                if phase == "end" or inclusive:
                    return part.until, part.j
                return part.day - timedelta(days=1), part.j
            if self._holiday_name(m) is None:  # "до конца учебного года": a name, below
                return None
        holiday = self._holiday_name(m)
        if holiday is not None:
            name, end = holiday
            first = periods.next_holiday_start(self.today, self.lang, name)
            return (first - timedelta(days=1), end) if first is not None else None
        if low in _PERIOD_NEXT or low == "следующему":
            unit = _UNIT_WORDS.get(self.low(m + 1))
            if unit is not None:  # "до следующей недели": to the end of this one
                ahead = 2 if inclusive else 1
                return self._unit_start(unit, ahead) - timedelta(days=1), m + 2
        if self.kind(m) == "num":
            year, end = self._year_at(m)
            said_year = self.low(end - 1) in _YEAR_WORDS or (
                self.lang == "en" and self.low(end) not in self.lex.currencies
                and self.kind(end) != "sym"
            )  # fmt: skip
            if year is not None and said_year:
                if inclusive:
                    return date(year, 12, 31), end
                return date(year, 1, 1) - timedelta(days=1), end
        return None

    def _holiday_name(self, m: int) -> tuple[str | None, int] | None:
        """ "нового года", "праздников", "майских", "the fourth of july" at ``m`` ->
        (holiday name or None for the nearest, one past it)."""
        m += self.lang == "en" and self.low(m) == "the"
        return holidays.name_at(self.lows, m, self.lang)

    def _unit_start(self, unit: str, ahead: int) -> date:
        """The first day of the week/month/year ``ahead`` units from this one."""
        if unit == "week":
            return self.today - timedelta(days=self.today.weekday()) + timedelta(weeks=ahead)
        if unit == "month":
            return _add_months(self.today.replace(day=1), ahead)
        return date(self.today.year + ahead, 1, 1)

    # ---- times ------------------------------------------------------------------
    def _hour_value(self, k: int) -> tuple[int, int, int] | None:
        """An hour (and minutes) at ``k``: "15:30", "3", "три", "десять тридцать"."""
        t = self.toks[k] if k < len(self.toks) else None
        if t is None:
            return None
        if t.kind == "time":
            hh, mm = (int(x) for x in t.low.split(":")[:2])
            return (hh, mm, k + 1) if hh <= 24 and mm < 60 else None
        if t.kind == "num" and t.num is not None:
            if "." in t.low or "," in t.low:
                hh_s, mm_s = re.split(r"[.,]", t.low)
                if len(mm_s) == 2 and int(hh_s) <= 24 and int(mm_s) < 60:
                    return int(hh_s), int(mm_s), k + 1
                return None
            if t.num.is_integer() and t.num > 24 and (glued := self._glued_clock(k)):
                return (*glued, k + 1)
            if not t.num.is_integer() or t.num > 24:
                return None
            hour, nxt = int(t.num), k + 1
        elif t.kind == "word":
            nw = self.lex.numbers.get(t.low)
            if nw is None or nw.kind not in ("unit", "teen", "ten"):
                return None
            num = parse_number_at(self.toks, k, self.lex, self.lang)
            if num is None or not num.value.is_integer() or num.value > 24:
                return None
            if self._compound_ordinal(k, num.j):
                return None  # «к двадцать пятому», "twenty first": a day, no hour
            hour, nxt = int(num.value), num.j
        else:
            return None
        if self._sum_unit_at(nxt):
            return None  # "about 20k", "around five grand": a sum, no hour
        if self.low(nxt) in _HOUR_WORDS:
            nxt += 1
        elif self.low(nxt) == "o" and self.low(nxt + 1) == "clock":  # "o'clock" splits
            nxt += 2
        # minutes: "десять тридцать", "3 30", "в 10 часов 15 минут"
        minute = 0
        mt = self.toks[nxt] if nxt < len(self.toks) else None
        if mt is not None and (mt.kind == "num" or mt.low in self.lex.numbers):
            num = parse_number_at(self.toks, nxt, self.lex, self.lang)
            if (
                num is not None and num.value.is_integer() and 0 <= num.value < 60
                and (num.value >= 10 or self.low(num.j) in ("минут", "минуты", "минуту", "minutes")
                     or (mt.kind == "num" and len(mt.low) == 2))  # "14 00", "9 05"
            ):  # fmt: skip
                minute, nxt = int(num.value), num.j
                if self.low(nxt) in ("минут", "минуты", "минуту", "minutes"):
                    nxt += 1
        return hour, minute, nxt

    def _glued_clock(self, k: int) -> tuple[int, int] | None:
        """"at 730", "1015 am", «в 830 утра»: an hour and its minutes said as one number of
        three or four digits, after a word of time or before a part of the day or am/pm
        (alone, "1200" is a sum or a count)."""
        low = self.low(k)
        if not (low.isdigit() and len(low) in (3, 4)):
            return None
        hour, minute = divmod(int(low), 100)
        if not (1 <= hour <= 12 and minute < 60):
            return None
        after = self.low(k + 1)
        if self._sum_unit_at(k + 1):
            return None
        if after in _DAYPARTS or (after == "in" and self.low(k + 2 + (self.low(k + 2) == "the"))
                                  in _DAYPARTS):
            return hour, minute
        return (hour, minute) if minute and self.low(k - 1) in _TIME_PREPS else None

    def _sum_unit_at(self, k: int) -> bool:
        """Whether a magnitude or currency of money stands at ``k``, right after a number:
        "20k", "five grand", "ten bucks"; «к» only glued to its digits («20к»), as «в 5 к
        врачу» is an hour."""
        low = self.low(k)
        if low in ("k", "к"):
            return self.toks[k].start == self.toks[k - 1].end
        return low in _SUM_WORDS or low in MONEY_SLANG or low in self.lex.currencies


    def _like_a_clock_time(self, k: int, hv: tuple[int, int, int]) -> bool:
        """"like 5 15", "like 4 pm", "tomorrow like 8": "like" as "about" before a clock
        time; not "i got like five", "tonight i have like nine things", "in like 2 hrs"."""
        after = self.low(hv[2])
        if after in self.lex.spans or after in ("hrs", "hr", "from"):
            return False
        said = {self.low(m) for m in range(k + 1, hv[2])}
        if hv[1] > 0 or not said.isdisjoint(("am", "pm", "oclock", "clock")):
            return True
        if self._ish_hour(hv):
            return True  # "like 5ish", "like fiveish"
        if after == "in" and self.low(hv[2] + 1) == "the" and self.low(hv[2] + 2) in _DAYPARTS:
            return True  # "like 8 in the morning"
        return after in ("", "or", "ish", "maybe") and (
            self._day_named_before(k) or self.low(k - 1) == "at")  # "the 14th at like 3"

    def clock(self, k: int) -> Part | None:
        low = self.low(k)
        t = self.toks[k]
        if (t.kind not in ("num", "time") and low not in _CLOCK_STARTS
                and low not in self.lex.numbers and not low.startswith("пол")):
            return None  # no form below starts here: most words of a reply
        if low in _NOON:
            # "till noon", "until midday": how long the caller is free, read with its word
            start = k - 1 if self.low(k - 1) in ("в", "at", "к", "around", "by", "till", "until",
                                                 "til") else k
            return Part(start, k + 1, hour=_NOON[low], meridiem_given=True)
        if t.kind == "time":
            hv = self._hour_value(k)
            if hv is None:
                return None
            return self._with_qualifier(Part(k, hv[2], hour=hv[0], minute=hv[1]))
        # "в половине третьего" -> 2:30 (then business-hours reading)
        if low in ("половине", "пол") and self.low(k + 1) in self.lex.ordinals:
            hour = (self.lex.ordinals[self.low(k + 1)] - 1) % 12 or 12  # "первого": 12:30
            start = k - 1 if self.low(k - 1) == "в" else k
            return self._with_qualifier(Part(start, k + 2, hour=hour, minute=30))
        if self.lang == "ru" and low == "без" and self.low(k + 1) in _RU_MINUTES_TO:
            hv = self._hour_value(k + 2)  # "без четверти пять": 4:45, "без десяти три": 2:50
            if hv is not None and hv[1] == 0:
                start = k - 1 if self.low(k - 1) == "в" else k
                hour = (hv[0] - 2) % 12 + 1
                minute = 60 - _RU_MINUTES_TO[self.low(k + 1)]
                return self._with_qualifier(Part(start, hv[2], hour=hour, minute=minute))
        if (self.lang == "ru" and low == "четверть" and self.low(k + 1) in self.lex.ordinals
                and self.lex.ordinals[self.low(k + 1)] <= 12):
            hour = (self.lex.ordinals[self.low(k + 1)] - 1) % 12 or 12  # "четверть шестого"
            start = k - 1 if self.low(k - 1) == "в" else k
            return self._with_qualifier(Part(start, k + 2, hour=hour, minute=15))
        if self.lang == "ru" and low.startswith("пол") and low[3:] in self.lex.ordinals:
            hour = (self.lex.ordinals[low[3:]] - 1) % 12 or 12  # "полдесятого", one word
            start = k - 1 if self.low(k - 1) == "в" else k
            return self._with_qualifier(Part(start, k + 1, hour=hour, minute=30))
        if self.lang == "en" and low in ("half", "quarter") and self.low(k + 1) in (
                "past", "after"):
            hv = self._hour_value(k + 2)
            if hv is not None:
                minute = 30 if low == "half" else 15
                start = k - 1 if self.low(k - 1) == "at" else k
                return self._with_qualifier(Part(start, hv[2], hour=hv[0], minute=minute))
        if self.lang == "en" and low == "half" and (half := self._half_hour(k)) is not None:
            return half
        if self.lang == "en" and low == "quarter" and self.low(k + 1) in ("to", "till", "of"):
            hv = self._hour_value(k + 2)  # "quarter to five": 4:45
            if hv is not None:
                start = k - 1 if self.low(k - 1) in ("at", "a") else k
                hour = (hv[0] - 2) % 12 + 1
                return self._with_qualifier(Part(start, hv[2], hour=hour, minute=45))
        if (self.lang == "ru" and low in _ONE_OCLOCK_PREPS and self.low(k + 1) in _ONE_OCLOCK
                and self.low(k + 2) not in self.lex.numbers
                and (self.low(k + 2) in ("дня", "ночи") or self._day_named_before(k))):
            # «завтра около часа», «в час дня»: «час» alone is one o'clock after a day named
            # (without one, «около часа» is more often how long)
            return self._with_qualifier(Part(k, k + 2, hour=1))
        within = self._within_the_hour(k)
        if within is not None:
            return within
        spoken = self._minutes_of_hour(k)
        if spoken is None and low in _TIME_PREPS:
            spoken = self._minutes_of_hour(k + 1)  # "at twenty past seven"
            spoken = replace(spoken, i=k) if spoken is not None else None
        if spoken is not None:
            return self._with_qualifier(spoken)
        if low in _TIME_PREPS:
            m = k + 2 if self.low(k + 1) in ("в", "at") else k + 1  # "часов в пять"
            if self.low(m - 1) in ("в", "во") and self.low(m).endswith(_RU_OBLIQUE_NUMBERS):
                return None  # «в двух словах», «в пяти минутах»: «в» + an oblique case
            hv = self._hour_value(m)
            if hv is None or self.low(hv[2]) in _MINUTE_WORDS or (
                    self.lex.spans.get(self.low(hv[2]), "hour") != "hour") or (
                    low == "like" and not self._like_a_clock_time(k, hv)):
                # "about ten minutes", «около десяти минут», "around 2 weeks": how long, no
                # hour
                return None
            return self._with_qualifier(Part(k, hv[2], hour=hv[0], minute=hv[1]))
        # bare "3 pm", "3pm", "пять вечера", "в 10 утра", "3 o'clock"
        hv = self._hour_value(k)
        if hv is not None:
            after = self.low(hv[2])
            said_hours = self.low(hv[2] - 1) in _HOUR_WORDS or self.low(hv[2] - 1) == "clock"
            oclock = self.low(hv[2] - 1) in ("oclock", "clock")  # "six o'clock": never a span
            # "8 30 tomorrow", «10 15 в понедельник»: an hour and its minutes in digits,
            # then the day they belong to
            digits = hv[2] == k + 2 and self.toks[k].kind == self.toks[k + 1].kind == "num"
            # "eight thirty", «восемь сорок пять»: an hour and its minutes in words, alone
            # or before a day or a part of the day
            in_words = (hv[1] >= 10 and hv[0] <= 12 and hv[2] > k + 1
                        and self.toks[k].kind == self.toks[hv[2] - 1].kind == "word"
                        and (after in _WORDS_CLOCK_ENDS or after in _RELATIVE_DAYS
                             or after in _DAYPARTS or after in self.lex.weekdays))
            if digits and after in ("в", "во", "on"):
                after = self.low(hv[2] + 1)
            if not in_words and after in ("this", "in", "on", "tomorrow") and hv[0] <= 12:
                # "one thirty this afternoon", "nine fifteen in the morning", "ten forty on
                # friday", "three this afternoon": the day or the part of the day comes
                # after a small word
                nxt = self.low(hv[2] + 1 + (self.low(hv[2] + 1) == "the"))
                in_words = (self.toks[k].kind == self.toks[hv[2] - 1].kind == "word"
                            and (nxt in _DAYPARTS or (hv[1] >= 10 and hv[2] > k + 1 and (
                                after == "tomorrow" or nxt in self.lex.weekdays
                                or nxt in _RELATIVE_DAYS))))
            # "tonight after the kids are in bed like nine": a loose hour ending the reply,
            # after a day or a part of the day named earlier
            # "in a meeting try 4 30", "try me 5": a clock time the caller says to try
            tried = self._after_try(k) and 1 <= hv[0] <= 12 and (digits or after == "")
            hedged = (self.low(k - 1) in _HOUR_HEDGES and after in _HEDGED_HOUR_ENDS
                      and hv[1] == 0 and 1 <= hv[0] <= 12
                      and self._day_or_daypart_named_before(k - 1)
                      ) or (self._ish_hour(hv) and (self.low(k - 1) in _ISH_BEFORE
                                                   or self._day_or_daypart_named_before(k)))
            if (after in _DAYPARTS and after not in ("утром", "вечером")) or (
                said_hours and (self.toks[k].kind == "num" or oclock)
            ) or (digits and (after in _RELATIVE_DAYS or after in self.lex.weekdays
                              or self._day_or_part_before(k))) or in_words or hedged or tried:
                return self._with_qualifier(Part(k, hv[2], hour=hv[0], minute=hv[1]))
        return None

    def _half_hour(self, k: int) -> Part | None:
        """"half nine", "till half five": half past the hour, as the British say it (an
        hour of the clock in words or digits, then the end of the time or a word that is no
        number: "half five hundred" is a sum, "half an hour" how long)."""
        hv = self._hour_value(k + 1)
        if hv is None or hv[2] != k + 2 or hv[1] != 0 or not 1 <= hv[0] <= 12:
            return None
        if self.low(k + 2) in self.lex.numbers or self._sum_unit_at(k + 2):
            return None
        start = k - 1 if self.low(k - 1) in _TIME_PREPS else k
        return self._with_qualifier(Part(start, k + 2, hour=hv[0], minute=30))

    def _within_the_hour(self, k: int) -> Part | None:
        """«в девятом часу»: within the ninth hour, 8:00–8:59, booked at its start (read
        as any small hour, so «сегодня в девятом часу» said in the afternoon is 20:00)."""
        if self.lang != "ru" or self.low(k) not in ("в", "во") or self.low(k + 2) != "часу":
            return None
        ordinal = self.lex.ordinals.get(self.low(k + 1))
        if ordinal is None or not 1 <= ordinal <= 12:
            return None
        return self._with_qualifier(Part(k, k + 3, hour=(ordinal - 1) % 12 or 12))

    def _ish_hour(self, hv: tuple[int, int, int]) -> bool:
        """"5ish", "fiveish" (read as "five ish") ending the reply or before a day, a part
        of the day or a hedge: an hour said loosely ("5ish kids", "40ish" are not)."""
        if self.lang != "en" or self.low(hv[2]) != "ish" or hv[1] != 0 or not 1 <= hv[0] <= 12:
            return False
        nxt = self.low(hv[2] + 1)
        return (nxt in _ISH_ENDS or nxt in _RELATIVE_DAYS or nxt in _DAYPARTS
                or nxt in self.lex.weekdays)

    def _after_try(self, k: int) -> bool:
        """Whether "try" (or "try me", "try back", "try again") stands right before ``k``."""
        p = k - 1 - (self.low(k - 1) in ("me", "us", "back", "again"))
        return self.low(p) == "try"

    def _day_named_before(self, k: int) -> bool:
        """Whether a day (tomorrow, a weekday) is named anywhere before ``k``."""
        return any(self.low(p) in _RELATIVE_DAYS or self.low(p) in self.lex.weekdays
                   for p in range(k))

    def _day_or_daypart_named_before(self, k: int) -> bool:
        """Whether a day or a part of the day is named anywhere before ``k``."""
        return self._day_named_before(k) or any(self.low(p) in _DAYPARTS for p in range(k))

    def _day_or_part_before(self, k: int) -> bool:
        """Whether a day or a part of the day stands before ``k`` (a filler between):
        «сегодня 14 00», «в пятницу 10 30», "around lunch maybe 12 30"."""
        p = k - 1
        if self.low(p) in _GAP_FILLERS:
            p -= 1
        word = self.low(p)
        return (word in _RELATIVE_DAYS or word in self.lex.weekdays or word in _DAYPARTS
                or word in ("обед", "lunchtime"))

    def _minutes_of_hour(self, k: int) -> Part | None:
        """ "twenty past seven", "ten to nine", "five after six" (en); «десять минут
        девятого», «двадцать минут восьмого» (ru: minutes into the hour named by its
        ordinal, so 7:20)."""
        if self.kind(k) != "num" and self.low(k) not in self.lex.numbers:
            return None
        num = parse_number_at(self.toks, k, self.lex, self.lang)
        if num is None or not num.value.is_integer() or not 0 < num.value < 60:
            return None
        minutes, m = int(num.value), num.j
        if self.lang == "en":
            m += self.low(m) in ("minutes", "minute")
            way = self.low(m)
            if way not in ("past", "after", "to", "till", "til", "of", "before"):
                return None
            hv = self._hour_value(m + 1)
            if (hv is None or hv[1] != 0 or not 1 <= hv[0] <= 12
                    or (minutes >= 30 and way != "past")):
                return None
            if way in ("past", "after"):
                return Part(k, hv[2], hour=hv[0], minute=minutes)
            return Part(k, hv[2], hour=(hv[0] - 2) % 12 + 1, minute=60 - minutes)
        if self.low(m) not in ("минут", "минуты", "минуту"):
            return None
        ordinal = self.lex.ordinals.get(self.low(m + 1))
        if ordinal is None or not 1 <= ordinal <= 12:
            return None
        return Part(k, m + 2, hour=(ordinal - 1) % 12 or 12, minute=minutes)

    def _with_qualifier(self, part: Part) -> Part:
        """Attach a following "утра"/"вечера"/"pm"/"in the morning" to a clock time."""
        k = part.j
        if (
            self.lang == "en" and self.low(k) == "in" and self.low(k + 1) == "the"
            and self.low(k + 2) in _DAYPARTS
        ):  # fmt: skip
            return replace(part, j=k + 3, daypart=self.low(k + 2), meridiem_given=True)
        if self.low(k) in _DAYPARTS:
            return replace(part, j=k + 1, daypart=self.low(k), meridiem_given=True)
        return part

    def daypart(self, k: int) -> Part | None:
        low = self.low(k)
        if low in ("не", "not"):
            return self._not_before_lunch(k)
        if low not in _DAYPART_STARTS:
            return None  # no form below starts here: most words of a reply
        same = self._same_time(k)
        if same is not None:  # "same time tomorrow", «завтра в это же время»
            moment = self.now
            return Part(k, same, hour=moment.hour, minute=moment.minute, meridiem_given=True)
        loose = self._loose_daypart(k)
        if loose is not None:
            return loose
        near = k + 1 if low in ("ближе", "поближе") else k
        if self.low(near) in ("к", "ко", "под") and self.low(near + 1) in ("вечеру", "вечер"):
            return Part(k, near + 2, daypart="вечером")  # "ближе к вечеру", "под вечер"
        if self.low(near) in ("к", "ко") and self.low(near + 1) == "обеду":
            return Part(k, near + 2, hour=13, meridiem_given=True, vague=True)
        if low == "с" and self.low(k + 1) == "утра":
            if self.low(k + 2) == "пораньше":  # «с утра пораньше»: when the day starts
                return Part(k, k + 3, hour=_FIRST_THING, meridiem_given=True, daypart="утром",
                            vague=True)
            return Part(k, k + 2, daypart="утром")
        low = _DIMINUTIVE_DAYPARTS.get(low, low)
        if low == "утром" and self.low(k + 1) == "пораньше":  # «утром пораньше»
            return Part(k, k + 2, hour=_FIRST_THING, meridiem_given=True, daypart="утром",
                        vague=True)
        if low in ("утром", "днем", "вечером", "ночью", "tonight"):
            return Part(k, k + 1, daypart=low)
        if low in ("после", "after") and self.low(k + 1) in ("обеда", "lunch", "lunchtime"):
            # «после обеда» is the afternoon; English lunch is earlier: "after lunch" is 2
            return Part(k, k + 2, hour=15 if low == "после" else 14, meridiem_given=True,
                        daypart="днем" if low == "после" else "afternoon", vague=True)
        if low in ("до", "before", "перед") and self.low(k + 1) in ("обеда", "обедом", "lunch",
                                                                   "lunchtime"):
            return Part(k, k + 2, hour=11, meridiem_given=True,
                        daypart="утром" if self.lang == "ru" else "morning", vague=True)
        # «с часу до двух»: one o'clock said as «часу», the range's first hour
        if low == "с" and self.low(k + 1) in ("часу", "часа") and self.low(k + 2) in ("до", "по"):
            return Part(k, k + 2, hour=1)
        # "с 10 до 12": the range starts at its first hour
        if low == "с" and self.low(k + 2) in _RANGE_ENDS:
            hv = self._hour_value(k + 1)
            if hv is not None:
                return self._with_qualifier(Part(k, hv[2], hour=hv[0], minute=hv[1]))
        if low in ("в", "at", "around", "about", "near", "by") and self.low(k + 1) in (
                "обед", "lunchtime", "lunch"):
            # a part of the day: an hour said after it is read in it («в обед часа в два»)
            return Part(k, k + 2, daypart=self.low(k + 1))
        if low in ("в", "во") and self.low(k + 1) in _LUNCH_TIME and self.low(k + 2) == "время":
            return Part(k, k + 3, daypart="обед")  # «в обеденное время»: lunchtime
        dinner = self._dinner_time(k)
        if dinner is not None:
            return dinner
        if low in ("в", "on", "during", "at") and self._day_named_before(k):
            # «завтра в обеденный перерыв», "tomorrow on my lunch break": lunchtime of that
            # day («я на обеденном перерыве», "im on my lunch break" say where one is now)
            m = k + 1 + (self.low(k + 1) in ("my", "our", "the", "a"))
            if self.low(m) in _LUNCH_BREAK and self.low(m + 1) in ("перерыв", "break"):
                return Part(k, m + 2, daypart="lunch")
        if low in ("после", "after") and self.low(k + 1) in ("ужина", "dinner", "supper"):
            # "after dinner", «после ужина»: the evening, alone too, as "after lunch" is 2
            return Part(k, k + 2, hour=19, meridiem_given=True,
                        daypart="вечером" if low == "после" else "evening", vague=True)
        if low in ("после", "after") and self.low(k + 1) in ("работы", "work"):
            return Part(k, k + 2, daypart="вечером" if low == "после" else "evening")
        if self.lang == "en":
            if low == "in" and self.low(k + 1) == "the" and self.low(k + 2) in (
                "morning", "afternoon", "evening"
            ):  # fmt: skip
                return Part(k, k + 3, daypart=self.low(k + 2))
            if low in ("morning", "afternoon", "evening", "night", "lunchtime"):
                return Part(k, k + 1, daypart=low)  # "lunchtime tomorrow"
        return None

    def _not_before_lunch(self, k: int) -> Part | None:
        """«не раньше обеда», "not before lunch": the afternoon once lunch is over, the
        earliest the caller is back (as «не раньше десяти» is ten); «до обеда» alone is
        the morning."""
        bound = (self.low(k), self.low(k + 1))
        if bound not in _NOT_BEFORE_PAIRS or self.low(k + 2) not in ("обеда", "lunch",
                                                                      "lunchtime"):
            return None
        return Part(k, k + 3, hour=_AFTER_LUNCH, meridiem_given=True,
                    daypart="днем" if self.lang == "ru" else "afternoon", vague=True)

    def _dinner_time(self, k: int) -> Part | None:
        """ "around dinner time", "at dinnertime", "about supper time": the evening meal's
        hour. A bare "at dinner" says where the caller is now ("sorry im at dinner"), no
        time; "after dinner" is the evening (``daypart``)."""
        if self.lang != "en" or self.low(k) not in ("around", "about", "near", "by", "at"):
            return None
        m = k + 1
        if self.low(m) in ("dinnertime", "suppertime"):
            return Part(k, m + 1, hour=_DINNER, meridiem_given=True, daypart="evening",
                        vague=True)
        if self.low(m) not in ("dinner", "supper"):
            return None
        if self.low(m + 1) == "time":
            return Part(k, m + 2, hour=_DINNER, meridiem_given=True, daypart="evening",
                        vague=True)
        if self.low(k) == "at":
            return None
        return Part(k, m + 1, hour=_DINNER, meridiem_given=True, daypart="evening", vague=True)

    def _loose_daypart(self, k: int) -> Part | None:
        """A part of the day said loosely, read as an hour in it that a clock time said
        beside still overrides (``vague``): the end of the working day ("end of day",
        "end of the day tomorrow", «в конце дня»), its start ("first thing", "tuesday
        morning first thing", «пораньше утром»), and an early or late part ("late this
        afternoon", "early tomorrow morning")."""
        low = self.low(k)
        if self.lang == "ru":
            m = k + (low in ("в", "к", "ко", "под"))
            if self.low(m) in ("конце", "концу", "конец"):
                m += 1 + (self.low(m + 1) in ("рабочего", "рабочему"))
                if self.low(m) == "дня":  # «в конце дня», «к концу рабочего дня»
                    return Part(k, m + 1, hour=_END_OF_DAY, meridiem_given=True,
                                daypart="днем", vague=True)
            if low != "пораньше":
                return None
            if self.low(k + 1) == "утром":  # «пораньше утром»
                m = k + 2
            elif (self.low(k + 1), self.low(k + 2)) == ("с", "утра"):  # «пораньше с утра»
                m = k + 3
            else:
                return None
            return Part(k, m, hour=_FIRST_THING, meridiem_given=True, daypart="утром",
                        vague=True)
        if low == "first" and self.low(k + 1) == "thing":
            return self._first_thing(k)
        end = self._end_of_day(k)
        if end is not None:
            return end
        if low in _LOOSE_EDGES:
            m = k + 1
            day: date | None = None
            if self.low(m) in ("tomorrow", "today"):
                day = self.today + timedelta(days=_RELATIVE_DAYS[self.low(m)])
                m += 1
            elif self.low(m) == "this":
                m += 1
            elif self.low(m) == "in" and self.low(m + 1) == "the":
                m += 2
            hour = _LOOSE_HOURS.get((low, self.low(m)))
            if hour is not None:  # "late this afternoon": 16, "early tomorrow morning": 8
                return Part(k, m + 1, day=day, hour=hour, meridiem_given=True,
                            daypart=self.low(m), vague=True)
        return None

    def _first_thing(self, k: int) -> Part | None:
        """ "first thing", "first thing in the morning", "monday first thing": when the
        working day starts, a time only at the end of the reply, before a day or after one
        ("first thing i need to know" is no time)."""
        m = k + 2
        if [self.low(m + x) for x in range(3)] == ["in", "the", "morning"]:
            m += 3
        after = self.low(m)
        if not (after in _TIME_FOLLOWERS or after in _RELATIVE_DAYS
                or after in self.lex.weekdays or self._day_or_daypart_named_before(k)):
            return None
        return Part(k, m, hour=_FIRST_THING, meridiem_given=True, daypart="morning",
                    vague=True)

    def _end_of_day(self, k: int) -> Part | None:
        """ "end of day", "(by) the end of the day", "close of business", "eod": the end
        of the working day. "at the end of the day" before a clause is the idiom
        ("... i just want it cheap"), no time."""
        m = k + (self.low(k) in ("at", "by", "around", "before", "towards", "toward"))
        m += self.low(m) == "the"
        said = (self.low(m), self.low(m + 1))
        at_k = m - 1 if self.low(m - 1) == "at" else m - 2
        at = self.low(at_k) == "at" and (at_k == m - 1 or self.low(m - 1) == "the")
        if said == ("end", "of"):
            m += 2 + (self.low(m + 2) == "the")
            if self.low(m) not in ("day", "business", "workday"):
                return None
            m += 1
        elif said == ("close", "of") and self.low(m + 2) in ("business", "day"):
            m += 3
        elif self.low(m) == "eod":
            m += 1
        else:
            return None
        after = self.low(m)
        ends = after == "" and at_k > 0  # "call me at the end of the day"
        if at and not ((after in _TIME_FOLLOWERS and after not in _CLAUSE_STARTS and after)
                       or ends or after in _RELATIVE_DAYS or after in self.lex.weekdays):
            return None  # "at the end of the day its your call", alone: the idiom
        return Part(k, m, hour=_END_OF_DAY, meridiem_given=True, daypart="afternoon",
                    vague=True)

    def _same_time(self, k: int) -> int | None:
        """One past "(at) the same time" / «в это (же) время», or None."""
        m = k
        if self.lang == "en":
            m += self.low(m) == "at"
            m += self.low(m) == "the"
            return m + 2 if self.low(m) == "same" and self.low(m + 1) == "time" else None
        m += self.low(m) == "в"
        if self.low(m) not in ("это", "то"):
            return None
        m += 1 + (self.low(m + 1) == "же")
        return m + 1 if self.low(m) == "время" and m > k + 1 else None

    RULES = ("bounded", "day_by_holiday", "season", "holiday", "after_day", "day_of_month",
             "week_of_month", "offset", "period", "phase", "year_only", "relative_day", "day_month",
             "month_only", "numeric_date", "any_day_but", "school_start", "weekday",
             "clock", "daypart")  # fmt: skip
    _GATED: ClassVar[dict[str, frozenset[str]]] = {}
    """Rules that need a word of their own somewhere in the reply (filled below the
    class): a week of a month a word for "week", a day of a month an ordinal."""
    _RULE_SETS: ClassVar[dict[tuple[bool, ...], tuple[str, ...]]] = {}

    def parts(self) -> list[Part]:
        out: list[Part] = []
        k = 0
        n = len(self.toks)
        said = tuple(not self.words.isdisjoint(needed) for needed in self._GATED.values())
        names = self._RULE_SETS.get(said)
        if names is None:
            shut = {name for name, open_ in zip(self._GATED, said, strict=True) if not open_}
            names = self._RULE_SETS[said] = tuple(n for n in self.RULES if n not in shut)
        rules = [getattr(self, name) for name in names]
        while k < n:
            for rule in rules:
                part = rule(k)
                if part is not None and part.j > k:
                    out.append(part)
                    k = part.j
                    break
            else:
                k += 1
        return out


_Rules._GATED.update({
    "week_of_month": _Rules._WEEK_WORDS,
    "day_of_month": frozenset(_Rules._DAY_ORDINALS) | frozenset(_Rules._HALVES),
    "any_day_but": frozenset({"any", "любой"}),
    "school_start": frozenset({"школу"}),
    "day_by_holiday": frozenset({"after", "before"}),
})


def _final_hour(part_hour: int, daypart: str | None, given: bool) -> int:
    if daypart is not None and daypart in _DAYPARTS:
        sense = _DAYPARTS[daypart][1]
        if sense == "am":
            return 0 if part_hour == 12 and daypart == "am" else part_hour
        if sense == "pm":
            return part_hour + 12 if part_hour < 12 else part_hour
        # night: "в 11 ночи" -> 23, "в 2 ночи" -> 2
        return part_hour + 12 if 6 <= part_hour < 12 else part_hour % 24
    if given:
        return part_hour
    # business-hours reading of small hours: "в три" -> 15:00
    if 1 <= part_hour <= 7:
        return part_hour + 12
    return part_hour % 24


_EVENING = 17
"""From when a call is in the evening: earlier, "в девять" is still tomorrow morning's."""
_LATEST_UNNAMED = 21


def _evening_hour(hour: int, minute: int, now: datetime, *, today_said: bool) -> int:
    """An hour said without a part of the day that has passed in the morning but not in
    the evening is the evening's: «сегодня часов в десять» said at noon is 22:00; with no
    day named, only in the evening and up to 21:00 ("at eight" said at six in the evening
    is 20:00; at noon, or "at ten" in the evening, it is the next morning's)."""
    said = (hour, minute)
    later = (hour + 12, minute)
    if not today_said and (now.hour < _EVENING or hour + 12 > _LATEST_UNNAMED):
        return hour
    if said <= (now.hour, now.minute) < later:
        return hour + 12
    return hour


_SCHOOL_SEND = frozenset({"отправлю", "отправим", "отведу", "отведем", "провожу",
                          "проводим", "соберу", "соберем", "пойдут", "пойдет", "уйдут"})
"""«как детей в школу отправлю»: the verbs of children starting school."""
_SCHOOL_SOON = 21
"""Days before the school year a reply may name its start by the children's going."""
_FEW_DAYS = 3
"""«на днях», "in the coming days": the next few days from tomorrow, a span (so said
with doubt, «как-нибудь на днях», it names no day to call)."""
_END_OF_DAY = 17
"""The hour "end of day" books: the working day's last hour."""
_FIRST_THING = 9
"""The hour "first thing" books: when the working day starts (a morning is 10)."""
_LOOSE_EDGES = frozenset({"early", "late"})
_LOOSE_HOURS: dict[tuple[str, str], int] = {
    ("early", "morning"): 8, ("late", "morning"): 11, ("early", "afternoon"): 13,
    ("late", "afternoon"): 16, ("early", "evening"): 17, ("late", "evening"): 21,
}  # fmt: skip
"""An early or late part of the day: the hour it books."""
_TIME_FOLLOWERS = frozenset({"", "works", "work", "is", "would", "should", "please", "then",
                             "or", "and", "maybe", "probably", "ok", "okay", "if", "on", "next",
                             "ish", "this", "that", "thats", "sounds", "good", "fine", "in"})
"""What may follow a loose time said as the answer ("end of day works", "first thing
tomorrow"): more of a time or of an answer, not a clause of its own."""
_WORDS_CLOCK_ENDS = frozenset({"", "works", "is", "would", "should", "please", "then", "or",
                               "maybe", "probably", "ok", "okay", "if", "ish", "that", "thats",
                               "sounds", "good", "fine", "actually", "make", "no", "wait",
                               "sorry", "scratch"})
"""What may follow an hour and its minutes said in words ("ten thirty works", "ten thirty
make it ten forty five actually"): the end of the answer or a correction, not a count
("ten thirty year olds")."""
_CLAUSE_STARTS = frozenset({"is", "this", "that", "thats", "and", "if", "in"})
"""Followers of "at the end of the day" that open the idiom's clause ("... thats your
call", "... if it works"), as they do not after "end of day"."""
_LUNCH_BREAK = frozenset({"обеденный", "обеденном", "lunch"})
_LUNCH_TIME = frozenset({"обеденное", "обеденный"})
_NOT_BEFORE_PAIRS = frozenset({("не", "раньше"), ("не", "ранее"), ("not", "before"),
                               ("not", "until"), ("not", "till")})
_AFTER_LUNCH = 14
"""The hour «не раньше обеда», "not before lunch" books: lunch (13–14) is over."""
_DINNER = 18
"""The hour "around dinner time" books: the evening meal, before "after dinner" (19)."""
_MINUTE_WORDS = frozenset({"minutes", "minute", "mins", "min", "минут", "минуты", "минуток",
                           "минутки", "секунд", "seconds"})
_ONE_OCLOCK_PREPS = frozenset({"в", "около", "к", "после"})
_ONE_OCLOCK = frozenset({"час", "часа", "часу"})

_CLOCK_STARTS = _TIME_PREPS | _ONE_OCLOCK_PREPS | frozenset(_NOON) | {
    "без", "четверть", "half", "quarter"}
"""The words a clock time can start with besides a number, a time and «пол...» (`clock`)."""
_DAYPART_STARTS = frozenset({
    "at", "the", "same", "в", "это", "то", "ближе", "поближе", "к", "ко", "под", "с",
    "после", "after", "до", "before", "перед", "around", "about", "near", "by", "on",
    "during", "in", "morning", "afternoon", "evening", "night", "утром", "днем", "вечером",
    "ночью", "tonight", "lunchtime", "first", "end", "close", "eod", "towards", "toward",
    "early", "late", "конце", "концу", "конец", "пораньше", *_DIMINUTIVE_DAYPARTS})  # fmt: skip
"""The words a part of the day can start with (`daypart`)."""

_ISH_ENDS = frozenset({"", "or", "maybe", "probably", "then", "if", "is", "works", "would",
                       "please", "i", "at", "on", "should", "that", "thats"})
"""What may follow a loose "5ish" that ends the hour ("5ish works", "5ish i guess")."""
_ISH_BEFORE = frozenset({"", "um", "uh", "oh", "well", "so", "ok", "okay", "yeah", "yes", "sure",
                         "maybe", "probably", "say", "try", "call", "me", "back", "lets", "then",
                         "today", "tonight", "tomorrow", "afternoon", "evening", "morning",
                         "like", "about", "around", "roughly"})
"""What may stand before a bare "5ish" at a callback: fillers, a request to call, a day
("i have 5ish" is a count)."""
_HEDGED_HOUR_ENDS = frozenset({"", "ish", "before", "after", "once", "when", "or", "then"})
"""What may follow a hedged hour after a day ("saturday like nine before the dog park",
"tomorrow say ten or so"): its end, or the errand it is set by, not a count of things
("tonight i have like nine calls")."""
_HOUR_HEDGES = frozenset({"like", "say", "maybe", "probably", "roughly", "где",
                          "наверное", "примерно", "эдак", "этак"})
"""Words before a loose hour at the end of a reply ("... like nine", «... где-то в девять»
has its «в» already)."""

_GAP_FILLERS = frozenset({"где", "то", "ну", "вот", "так", "наверное", "наверно", "значит",
                          "say", "like", "um", "uh", "maybe", "probably", "lets"})
"""Words a caller puts between a day and its time ("завтра где-то в десять", "tomorrow,
um, let's say at six"): they do not part the two."""


def _merge(parts: list[Part], toks: list[Tok]) -> list[list[Part]]:
    groups: list[list[Part]] = []
    for part in parts:
        if groups:
            last = groups[-1][-1]
            gap = sum(toks[g].low not in _GAP_FILLERS for g in range(last.j, part.i))
            has_day = any(p.day is not None or p.moment is not None for p in groups[-1])
            has_time = any(p.hour is not None or p.daypart is not None for p in groups[-1])
            adds_day = part.day is not None or part.moment is not None
            adds_time = part.hour is not None or part.daypart is not None
            # "8 30 tomorrow morning": a part of the day after the day qualifies the hour
            qualifies = part.hour is None and part.daypart is not None and part.day is None and all(
                p.daypart is None and not p.meridiem_given for p in groups[-1]) and any(
                p.hour is not None for p in groups[-1])
            # «ближе к обеду, часов в двенадцать», "after lunch around one thirty": the
            # hour near a meal and the clock time said beside it are one time
            near_meal = part.hour is not None and any(
                p.vague or part.vague for p in groups[-1] if p.hour is not None)
            if (gap <= 1 or (part.weekday and _PARTING.isdisjoint(
                    toks[g].low for g in range(last.j, part.i)))) and _same_day_named_again(
                        groups[-1], part):
                groups[-1].append(part)  # "monday the 24th": the date names the weekday's day
                continue
            if gap <= 1 and (named := _weekday_of_date(groups[-1], part)) is not None:
                groups[-1].append(named)  # «седьмого мая в пятницу»: the date's own weekday
                continue
            if gap <= 1 and (inside := _weekday_in_week(groups[-1], part)) is not None:
                groups[-1] = inside  # "thursday next week", «на следующей неделе в среду»
                continue
            if gap <= 1 and ((adds_time and not has_time) or (adds_day and not has_day) or
                             qualifies or near_meal or
                             (adds_time and part.hour is not None and all(
                                 p.hour is None for p in groups[-1]))):  # fmt: skip
                groups[-1].append(part)
                continue
        groups.append([part])
    return _day_then_its_hour(groups, toks)


def _same_day_named_again(group: list[Part], part: Part) -> bool:
    """A weekday and then a date on that weekday ("monday the 24th", «в пятницу, 21-го»,
    "first thing monday the 18th"): one day said twice, so an hour after the date is that
    day's, and the date, not the weekday's nearest, is the day."""
    days = [p for p in group if p.day is not None or p.moment is not None]
    if len(days) != 1 or any(p.until is not None for p in group):
        return False
    first = days[0]
    # a part of the day said before the weekday ("first thing monday") stays with it; one
    # after it names the weekday's own day
    loose = all(p.day is None and p.vague for p in group if p is not first)
    # the weekday itself said again ("monday so monday at nine"): the same day
    return (first.weekday and (not part.weekday or part.day == first.day) and loose
            and first is group[-1] and first.day is not None and part.day is not None
            and first.hour is None and first.daypart is None and part.until is None
            and first.day.weekday() == part.day.weekday())


def _weekday_of_date(group: list[Part], part: Part) -> Part | None:
    """A date and then its own weekday («седьмого мая в пятницу», "the 14th thursday"):
    one day said twice; the weekday comes back as the date's day, so an hour after it is
    that date's, not the weekday's nearest."""
    dates = [p for p in group if p.day is not None]
    if not part.weekday or part.day is None or len(dates) != 1 or group[-1] is not dates[0]:
        return None
    said = dates[0]
    if said.weekday or said.until is not None or said.hour is not None or said.day is None:
        return None
    if said.day.weekday() != part.day.weekday():
        return None
    return replace(part, day=said.day, weekday=False)


def _weekday_in_week(group: list[Part], part: Part) -> list[Part] | None:
    """A weekday and a whole week beside it, either way round ("thursday next week",
    «на следующей неделе во вторник»): the weekday inside that week, so an hour said after
    both is that day's (``extract`` does the same for dates it reads otherwise)."""
    if len(group) != 1:
        return None
    first = group[0]
    week, day = (first, part) if part.weekday else (part, first)
    if not day.weekday or day.hour is not None or day.daypart is not None:
        return None
    if week.day is None or week.until is None or week.hour is not None:
        return None
    if (week.until - week.day).days != 6 or week.day.weekday() != 0 or day.day is None:
        return None
    moved = week.day + timedelta(days=day.day.weekday())
    merged = replace(day, i=min(first.i, part.i), j=max(first.j, part.j), day=moved,
                     weekday=False)
    return [merged]


_ERRAND_GAP = 8
"""Words of an errand between a day and its hour ("thursday after i drop my husband at
the train like eight fifteen"): more, and the two are told apart."""
_SUM_WORDS = frozenset({"grand", "thousand", "тысяч", "тыс", "тысячи", "тыщ"})
"""With `MONEY_SLANG`, the magnitudes of a sum: a number before one is no hour."""
_SUM_UNITS = _SUM_WORDS | MONEY_SLANG | {"k", "к", "bucks", "dollars", "рублей", "руб"}
_PARTING = frozenset({"не", "нет", "или", "либо", "а", "но", "not", "no", "or", "but", "either",
                      "и", "and", "then", "потом"})


def _day_then_its_hour(groups: list[list[Part]], toks: list[Tok]) -> list[list[Part]]:
    """ "tomorrow on my lunch around one", «завтра как на обед пойду около часа»: a day, a
    few words of what the caller will be doing, then the hour: one time, when they are the
    reply's only two and nothing between them sets them apart (a no, an or, a but)."""
    if len(groups) != 2:
        return groups
    first, second = groups
    # a day, a part of the day or both: "tonight after the kids are in bed like nine" is
    # nine in the evening
    day_only = all(p.hour is None and p.moment is None and p.until is None
                   for p in first) and any(p.day is not None or p.daypart is not None
                                           for p in first)
    time_only = all(p.day is None and p.moment is None for p in second) and any(
        p.hour is not None for p in second)
    # "tomorrow morning im out so at 2": an hour no morning has is a time of its own
    morning = any(q.daypart in _DAYPARTS and _DAYPARTS[q.daypart][1] == "am" for q in first)
    if morning and any(p.hour is not None and not 5 <= p.hour <= 12 for p in second):
        return groups
    between = [toks[g].low for g in range(first[-1].j, second[0].i)]
    after = toks[second[-1].j].low if second[-1].j < len(toks) else ""
    errand = [w for w in between if w not in _GAP_FILLERS]
    parted = not _PARTING.isdisjoint(between) and not _lower_bound(errand, toks[second[0].i].low)
    if (day_only and time_only and len(errand) <= _ERRAND_GAP and not parted
            and after not in _SUM_UNITS):  # "in two weeks budget is around 3k": no hour
        return [first + second]
    return groups


_NOT_BEFORE = frozenset({"before", "until", "till", "til", "раньше", "ранее"})
_BOUND_LEADS = frozenset({"but", "just", "only", "not", "но", "только", "не", "а"})


_NOT_EARLY = frozenset({"too", "early", "earlier", "say", "like", "maybe", "around", "about",
                        "слишком", "рано", "раньше", "где", "то", "часов", "часиков"})
"""After "not": "not too early, say ten thirty", «не слишком рано, часов в десять»."""


def _lower_bound(between: list[str], first_word: str) -> bool:
    """ "tomorrow but not before ten", "tomorrow not too early say ten thirty", «завтра,
    но не раньше десяти»: the hour is the earliest one of that day, not a time set apart
    from it by the "but" and the "not"."""
    nots = [n for n, w in enumerate(between) if w in ("not", "не")]
    if not nots or not all(w in _BOUND_LEADS for w in between[: nots[-1]]):
        return False
    tail = between[nots[-1] + 1 :]
    if not tail:
        return first_word in _NOT_BEFORE
    if len(tail) == 1 and tail[0] in _NOT_BEFORE:
        return True  # "but not before noon": "noon" is read without its "before"
    return tail[0] in ("too", "early", "слишком", "рано") and all(w in _NOT_EARLY for w in tail)


def resolve(toks: list[Tok], lex: Lexicon, lang: Lang, now: datetime) -> list[Temporal]:
    """Every date/time expression in ``toks``, resolved against ``now``."""
    rules = _Rules(toks, lex, lang, now)
    out: list[Temporal] = []
    groups = _merge(rules.parts(), toks)
    for group in groups:
        day: date | None = None
        hour: int | None = None
        minute = 0
        daypart: str | None = None
        given = False
        moment: datetime | None = None
        until: date | None = None
        for p in group:
            if p.day is not None:
                until = p.until
            day = p.day or day
            if p.hour is not None and not (p.vague and hour is not None):
                hour, minute, given = p.hour, p.minute, p.meridiem_given
            daypart = p.daypart or daypart
            moment = p.moment or moment
        start = toks[group[0].i].start
        end = toks[group[-1].j - 1].end
        if moment is not None and hour is None:
            out.append(Temporal(start, end, moment.date(), moment.timetz(), moment))
            continue
        if moment is not None:
            day = moment.date()
        clock: time | None = None
        if hour is not None:
            h = _final_hour(hour, daypart if daypart != "tonight" else "pm", given)
            if daypart is None and not given and h < 12 and day in (None, now.date()):
                h = _evening_hour(h, minute, now, today_said=day is not None)
            clock = time(h % 24, minute)
        elif daypart is not None:
            clock = time(_DAYPARTS[daypart][0], 0)
        if day is None:
            if clock is None:
                continue
            day = now.date()
            if clock <= now.time().replace(tzinfo=None):
                day += timedelta(days=1)
        exact = None
        if clock is not None:
            exact = datetime.combine(day, clock, tzinfo=now.tzinfo)
        out.append(Temporal(start, end, day, clock, exact, until if exact is None else None))
    return out


def date_looking(toks: list[Tok], lex: Lexicon, covered: set[int]) -> bool:
    """Whether a month/weekday word or a date-shaped token escaped the rules."""
    for k, t in enumerate(toks):
        if k in covered:
            continue
        if t.low in _AMBIGUOUS_WORDS:
            continue
        if t.kind in ("date", "time") or t.low in lex.months or t.low in lex.weekdays:
            return True
    return False

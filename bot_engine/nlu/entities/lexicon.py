"""Word-form tables for numbers, dates and currencies, in every Russian case form.

The forms are generated once per process from pymorphy3 lexemes ("двухсот", "тысячами",
"декабря", "пятого"), so the hot path is a dict lookup per word and never a morphological
parse. English forms are listed directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import bot_engine.nlu.entities.holidays as holidays
from bot_engine.nlu.lang import Lang
from bot_engine.nlu.morph import analyzer

NumKind = Literal["unit", "teen", "ten", "hundred", "mult", "fraction"]


@dataclass(frozen=True, slots=True)
class NumWord:
    value: float
    kind: NumKind


_RU_CARDINALS: dict[str, tuple[float, NumKind]] = {
    "ноль": (0, "unit"), "один": (1, "unit"), "два": (2, "unit"), "три": (3, "unit"),
    "четыре": (4, "unit"), "пять": (5, "unit"), "шесть": (6, "unit"), "семь": (7, "unit"),
    "восемь": (8, "unit"), "девять": (9, "unit"), "десять": (10, "teen"),
    "одиннадцать": (11, "teen"), "двенадцать": (12, "teen"), "тринадцать": (13, "teen"),
    "четырнадцать": (14, "teen"), "пятнадцать": (15, "teen"), "шестнадцать": (16, "teen"),
    "семнадцать": (17, "teen"), "восемнадцать": (18, "teen"), "девятнадцать": (19, "teen"),
    "двадцать": (20, "ten"), "тридцать": (30, "ten"), "сорок": (40, "ten"),
    "пятьдесят": (50, "ten"), "шестьдесят": (60, "ten"), "семьдесят": (70, "ten"),
    "восемьдесят": (80, "ten"), "девяносто": (90, "ten"), "сто": (100, "hundred"),
    "двести": (200, "hundred"), "триста": (300, "hundred"), "четыреста": (400, "hundred"),
    "пятьсот": (500, "hundred"), "шестьсот": (600, "hundred"), "семьсот": (700, "hundred"),
    "восемьсот": (800, "hundred"), "девятьсот": (900, "hundred"),
    "тысяча": (1e3, "mult"), "миллион": (1e6, "mult"), "миллиард": (1e9, "mult"),
    "полтора": (1.5, "fraction"),
}  # fmt: skip
_RU_EXTRA: dict[str, tuple[float, NumKind]] = {
    "тыс": (1e3, "mult"), "тыщ": (1e3, "mult"), "тыщи": (1e3, "mult"), "к": (1e3, "mult"),
    "косарь": (1e3, "mult"), "косаря": (1e3, "mult"), "косарей": (1e3, "mult"),
    # "девяносто косых", "восемьдесят тыр": thousands in slang, only after a number
    "косых": (1e3, "mult"), "косые": (1e3, "mult"), "косого": (1e3, "mult"),
    "тыр": (1e3, "mult"), "тыры": (1e3, "mult"), "тыров": (1e3, "mult"),
    # money slang: "двести штук" is 200 000, "сотка" 100 000
    "штука": (1e3, "mult"), "штуки": (1e3, "mult"), "штук": (1e3, "mult"),
    "штуку": (1e3, "mult"), "сотка": (1e5, "mult"), "сотку": (1e5, "mult"),
    "сотки": (1e5, "mult"), "соточка": (1e5, "mult"), "соточку": (1e5, "mult"),
    "млн": (1e6, "mult"), "лям": (1e6, "mult"), "ляма": (1e6, "mult"),
    "лямов": (1e6, "mult"), "млрд": (1e9, "mult"), "k": (1e3, "mult"),
    "полтораста": (150, "hundred"), "полутораста": (150, "hundred"),
    "полторы": (1.5, "fraction"), "полутора": (1.5, "fraction"), "нуль": (0, "unit"),
    "пару": (2, "unit"), "пара": (2, "unit"), "пары": (2, "unit"),
    "полтысячи": (500, "mult"), "полмиллиона": (5e5, "mult"), "полмиллиарда": (5e8, "mult"),
    "полумиллиона": (5e5, "mult"), "полутысячи": (500, "mult"),
    "полумиллиарда": (5e8, "mult"),
    # half of a slang unit in one word: «полляма», «поллимона», «полкосаря»; «лимон» for a
    # million
    "полляма": (5e5, "mult"), "пол-ляма": (5e5, "mult"), "поллимона": (5e5, "mult"),
    "полкосаря": (500, "mult"), "лимон": (1e6, "mult"), "лимона": (1e6, "mult"),
    "лимонов": (1e6, "mult"),
    # «полсотни тысяч», «полста тыщ» are fifty thousand; «мильон» how a million is said
    # (and recognised); «миллиончик», «лимончик»: the same million, said fondly
    "полсотни": (50, "ten"), "полсотня": (50, "ten"), "полста": (50, "ten"),
    "мильон": (1e6, "mult"), "мильона": (1e6, "mult"), "мильонов": (1e6, "mult"),
    "мильён": (1e6, "mult"), "мильёна": (1e6, "mult"), "полмильона": (5e5, "mult"),
    "полмильёна": (5e5, "mult"), "миллиончик": (1e6, "mult"), "миллиончика": (1e6, "mult"),
    "лимончик": (1e6, "mult"), "лимончика": (1e6, "mult"), "лямчик": (1e6, "mult"),
}  # fmt: skip

# Sums said as one noun ("тридцатку где-то", "полтинник", "сотни полторы"): what a caller
# means by them when asked for a budget, in every case form.
_RU_SLANG_SUMS: dict[float, tuple[str, ...]] = {
    3e3: ("трёшка", "трешка", "трёшки", "трешки", "трёшку", "трешку", "трёшкой", "трешкой",
          "трёха", "треха", "трёху", "треху"),
    5e3: ("пятёрка", "пятерка", "пятёрки", "пятерки", "пятёрку", "пятерку", "пятёркой",
          "пятеркой", "пятёра", "пятера", "пятёру", "пятеру"),
    1.5e4: ("пятнашка", "пятнашки", "пятнашку", "пятнашкой", "пятнашке"),
    1e4: ("десятка", "десятки", "десятку", "десяткой", "десятке",
          "червонец", "червонца", "червонцу", "червонцем", "червончик"),
    2e4: ("двадцатка", "двадцатки", "двадцатку", "двадцаткой", "двадцатке", "двадцаток",
          "двадцатник", "двадцатника", "двадцатнику", "двадцатником"),
    3e4: ("тридцатка", "тридцатки", "тридцатку", "тридцаткой", "тридцатке", "тридцаток",
          "тридцатник", "тридцатника", "тридцатнику", "тридцатником"),
    4e4: ("сороковник", "сороковника", "сороковнику", "сороковником", "сороковнике",
          "сорокет", "сорокета", "сорокету", "сорокетом", "сорокетик", "сорокетник"),
    5e4: ("полтинник", "полтинника", "полтиннику", "полтинником", "полтиннике", "полтинников",
          "полтос", "полтоса"),
    1e5: ("сотня", "сотни", "сотню", "сотней", "сотне", "сотен",
          "стольник", "стольника", "стольнику", "стольником", "стольнике", "стольников",
          "стошка", "стошку", "стошки"),
    # the note's name, in thousands like the others: «пятихатка» for a budget is 500 000
    2.5e4: ("четвертак", "четвертака", "четвертаку", "четвертаком", "четвертаке"),
    5e5: ("пятихатка", "пятихатки", "пятихатку", "пятихаткой", "пятихатке", "пятихаток",
          "пятисотка", "пятисотку", "пятисотки"),
}  # fmt: skip
_RU_EXTRA.update({form: (value, "mult") for value, forms in _RU_SLANG_SUMS.items()
                  for form in forms})

MONEY_SLANG = frozenset({"штука", "штуки", "штук", "штуку", "сотка", "сотку", "сотки",
                         "соточка", "соточку", "косых", "косые", "косого", "тыр", "тыры",
                         "тыров", "large", "g", "gs", "gees", "thou", "bills", "hunnid",
                         "hunnit", "hunned", "hundo", "hundy", "hunid", "hunnids",
                         "hundos"}) | frozenset(
    form for forms in _RU_SLANG_SUMS.values() for form in forms)
"""Multipliers only money has: "три штуки" as a plain number is three things."""

_RU_ORDINALS: dict[str, int] = {
    "первый": 1, "второй": 2, "третий": 3, "четвертый": 4, "пятый": 5, "шестой": 6,
    "седьмой": 7, "восьмой": 8, "девятый": 9, "десятый": 10, "одиннадцатый": 11,
    "двенадцатый": 12, "тринадцатый": 13, "четырнадцатый": 14, "пятнадцатый": 15,
    "шестнадцатый": 16, "семнадцатый": 17, "восемнадцатый": 18, "девятнадцатый": 19,
    "двадцатый": 20, "тридцатый": 30,
}  # fmt: skip

_RU_MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
    "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
_RU_WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")

# Units of relative time: "через два часа", "через неделю".
_RU_SPANS: dict[str, str] = {
    "минута": "minute", "час": "hour", "день": "day", "сутки": "day", "неделя": "week",
    "месяц": "month", "год": "year", "секунда": "second",
    # diminutives callers use for the same spans: "через часик", "минуток через пять"
    "минутка": "minute", "часик": "hour", "часок": "hour", "денек": "day", "неделька": "week",
    "минуточка": "minute", "часочек": "hour", "денечек": "day", "месячишко": "month",
    "годик": "year", "годок": "year", "секундочка": "second",
}  # fmt: skip

_RU_CURRENCIES: dict[str, str] = {
    "рубль": "RUB", "доллар": "USD", "бакс": "USD", "евро": "EUR", "юань": "CNY",
    "фунт": "GBP", "тенге": "KZT", "гривна": "UAH",
}  # fmt: skip
_RU_CURRENCY_EXTRA: dict[str, str] = {
    "руб": "RUB", "р": "RUB", "рэ": "RUB", "долл": "USD", "usd": "USD", "eur": "EUR",
    "rub": "RUB", "dollars": "USD", "dollar": "USD", "euro": "EUR", "euros": "EUR",
}  # fmt: skip

_EN_NUMBERS: dict[str, tuple[float, NumKind]] = {
    "zero": (0, "unit"), "oh": (0, "unit"), "one": (1, "unit"), "two": (2, "unit"),
    "three": (3, "unit"), "four": (4, "unit"), "five": (5, "unit"), "six": (6, "unit"),
    "seven": (7, "unit"), "eight": (8, "unit"), "nine": (9, "unit"), "ten": (10, "teen"),
    "eleven": (11, "teen"), "twelve": (12, "teen"), "thirteen": (13, "teen"),
    "fourteen": (14, "teen"), "fifteen": (15, "teen"), "sixteen": (16, "teen"),
    "seventeen": (17, "teen"), "eighteen": (18, "teen"), "nineteen": (19, "teen"),
    "twenty": (20, "ten"), "thirty": (30, "ten"), "forty": (40, "ten"), "fifty": (50, "ten"),
    "sixty": (60, "ten"), "seventy": (70, "ten"), "eighty": (80, "ten"),
    "ninety": (90, "ten"), "hundred": (100, "mult"), "thousand": (1e3, "mult"),
    "million": (1e6, "mult"), "billion": (1e9, "mult"), "k": (1e3, "mult"),
    "grand": (1e3, "mult"), "large": (1e3, "mult"), "mil": (1e6, "mult"), "m": (1e6, "mult"),
    "mln": (1e6, "mult"),
    # slang for thousands: "twenty gs", "fifteen g", "thirty thou"
    "g": (1e3, "mult"), "gs": (1e3, "mult"), "gees": (1e3, "mult"), "thou": (1e3, "mult"),
    "grands": (1e3, "mult"),
    # hundreds in slang, only after a count: "nine bills", "a couple bills"
    "bills": (100, "mult"),
    # hundred and fifty as the street says them: "eight hunnid", "fifteen hundo", "six fiddy"
    "hunnid": (100, "mult"), "hunnit": (100, "mult"), "hunned": (100, "mult"),
    "hundo": (100, "mult"), "hundy": (100, "mult"), "hunid": (100, "mult"),
    "hunnids": (100, "mult"), "hundos": (100, "mult"),
    "fiddy": (50, "ten"), "fitty": (50, "ten"), "fiddie": (50, "ten"),
    "bn": (1e9, "mult"),
    "hundreds": (100, "mult"), "thousands": (1e3, "mult"), "millions": (1e6, "mult"),
}  # fmt: skip

_EN_ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip

_EN_MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_EN_WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_EN_SPANS: dict[str, str] = {
    "minute": "minute", "minutes": "minute", "min": "minute", "mins": "minute",
    "hour": "hour", "hours": "hour", "day": "day", "days": "day", "week": "week",
    "weeks": "week", "month": "month", "months": "month", "year": "year", "years": "year",
    "second": "second", "seconds": "second", "fortnight": "fortnight",
}  # fmt: skip
_EN_CURRENCIES: dict[str, str] = {
    "dollar": "USD", "dollars": "USD", "usd": "USD", "buck": "USD", "bucks": "USD",
    "euro": "EUR", "euros": "EUR", "eur": "EUR", "ruble": "RUB", "rubles": "RUB",
    "rouble": "RUB", "roubles": "RUB", "rub": "RUB", "pound": "GBP", "pounds": "GBP",
    "gbp": "GBP", "quid": "GBP",
}  # fmt: skip

CURRENCY_SYMBOLS: dict[str, str] = {"$": "USD", "€": "EUR", "₽": "RUB", "£": "GBP"}


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every word form the entity rules react to, for one language."""

    numbers: dict[str, NumWord]
    ordinals: dict[str, int]
    months: dict[str, int]
    weekdays: dict[str, int]
    spans: dict[str, str]
    currencies: dict[str, str]
    triggers: frozenset[str]  # any of these words means "run the entity rules"
    date_triggers: frozenset[str] = frozenset()  # the triggers that are not numerals

    def __post_init__(self) -> None:
        object.__setattr__(self, "date_triggers", self.triggers - self.numbers.keys())


def _ru_forms(lemma: str) -> set[str]:
    """Every case form of ``lemma``; abbreviations that share its spelling ("СТО", a
    service station) are skipped, as their paradigm is not the numeral's."""
    forms = {lemma}
    for parse in analyzer().parse(lemma):
        if parse.normal_form.replace("ё", "е") == lemma and "Abbr" not in parse.tag:
            forms.update(f.word.replace("ё", "е") for f in parse.lexeme)
    return forms


def _ru_lexicon() -> Lexicon:
    numbers: dict[str, NumWord] = {}
    for lemma, (value, kind) in _RU_CARDINALS.items():
        for form in _ru_forms(lemma):
            numbers.setdefault(form, NumWord(value, kind))
    for form, (value, kind) in _RU_EXTRA.items():
        numbers[form] = NumWord(value, kind)
    ordinals: dict[str, int] = {}
    for lemma, value in _RU_ORDINALS.items():
        for form in _ru_forms(lemma):
            ordinals.setdefault(form, value)
    months: dict[str, int] = {}
    for i, lemma in enumerate(_RU_MONTHS, start=1):
        for form in _ru_forms(lemma):
            months[form] = i
    weekdays: dict[str, int] = {}
    for i, lemma in enumerate(_RU_WEEKDAYS):
        for form in _ru_forms(lemma):
            weekdays[form] = i
    weekdays.pop("сред", None)
    spans: dict[str, str] = {}
    for lemma, unit in _RU_SPANS.items():
        for form in _ru_forms(lemma):
            spans.setdefault(form, unit)
    spans.update({"дня": "day", "дней": "day", "лет": "year", "мин": "minute",
                  "месяцок": "month", "месяцка": "month"})  # «через месяцок»: not in pymorphy3
    currencies: dict[str, str] = dict(_RU_CURRENCY_EXTRA)
    for lemma, code in _RU_CURRENCIES.items():
        for form in _ru_forms(lemma):
            currencies.setdefault(form, code)
    half_past = {"пол" + form for form, n in ordinals.items() if n <= 12}  # "полдесятого"
    triggers = frozenset(
        {*numbers, *ordinals, *months, *weekdays, *_RU_DATE_WORDS, *half_past,
         *holidays.trigger_words("ru")}
        - {"к", "р", "k"}  # too common alone; they only matter after a digit
    )
    return Lexicon(numbers, ordinals, months, weekdays, spans, currencies, triggers)


_RU_DATE_WORDS = frozenset(
    {
        "сегодня", "завтра", "послезавтра", "вчера", "позавчера", "через", "утром", "утра",
        "днем", "вечером", "вечера", "ночью", "ночи", "полдень", "полночь", "обед", "обеда",
        "ужина", "вечерком", "утречком", "обеденное", "обеденный", "выходным",
        "школу",
        "обедом", "половине", "полчаса", "полчасика", "следующей", "следующем", "следующий",
        "следующую", "выходных", "выходные", "неделе", "месяце", "году", "часа", "часов",
        "час", "пару", "сейчас", "конце", "начале", "середине", "недели", "неделю",
        "числа", "число", "праздников", "течение", "несколько", "весной", "летом",
        "осенью", "зимой", "весну", "лето", "осень", "зиму", "месяца", "года", "майских",
        "новогодних", "праздники", "концу", "конца", "начала", "середины", "весне", "лету",
        "осени", "зиме", "весны", "лета", "зимы", "позже", "позднее", "ближайшие",
        "ближайший", "ближайшую", "месяц", "майским", "праздникам", "вечеру", "обеду",
        "минут", "вечер", "майские", "новогодние", "новогодним", "год", "днях",
        "холодов", "холодам", "морозов", "морозам", "снега", "снегу", "заморозков",
        "заморозкам", "дождей", "дождям", "слякоти", "жары", "жаре", "тепла", "теплу",
    }
)  # fmt: skip

_EN_DATE_WORDS = frozenset(
    {
        "today", "tomorrow", "tonight", "yesterday", "morning", "afternoon", "evening",
        "noon", "midnight", "next", "in", "week", "month", "year", "weekend", "am", "pm",
        "oclock", "half", "quarter", "couple", "hour", "hours", "now", "end", "early",
        "mid", "late", "beginning", "middle", "the", "within", "few", "several", "lunch", "dinner",
        "supper", "dinnertime", "suppertime",
        "minutes", "days", "weeks", "months", "spring", "summer", "fall", "autumn", "winter",
        "holidays", "christmas", "xmas", "new", "start", "minute", "day",
    }
)  # fmt: skip


EN_SLANG_HUNDREDS = frozenset({"yard", "yards", "note", "notes"})
"""Dollar slang for a hundred ("a yard", "a c note"; ``extract`` reads the sums): words
that hold a number unsaid."""


def _en_lexicon() -> Lexicon:
    numbers = {w: NumWord(v, k) for w, (v, k) in _EN_NUMBERS.items()}
    triggers = frozenset(
        ({*numbers, *_EN_ORDINALS, *_EN_MONTHS, *_EN_WEEKDAYS, *_EN_DATE_WORDS,
          *holidays.trigger_words("en"), *EN_SLANG_HUNDREDS} - {"k", "m", "g", "in"})
        - {"sat", "sun", "mar", "may", "oh"}
    ) | {"may"}
    return Lexicon(
        numbers, dict(_EN_ORDINALS), dict(_EN_MONTHS), dict(_EN_WEEKDAYS), dict(_EN_SPANS),
        dict(_EN_CURRENCIES), triggers,
    )  # fmt: skip


@lru_cache(maxsize=2)
def lexicon(lang: Lang) -> Lexicon:
    """The (process-wide, lazily built) word tables of ``lang``."""
    return _ru_lexicon() if lang == "ru" else _en_lexicon()

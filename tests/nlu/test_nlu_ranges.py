"""Approximate and relative time phrases and spoken compound amounts.

A caller asked "when are you planning to buy?" answers with ranges ("через месяц-два",
"in two or three weeks"), deadlines ("до весны", "by spring", "до конца года") and
offsets counted from now ("a couple of months from now"); asked for a budget, with
amounts joined by "и" ("миллион и двести тысяч"). Each range is one date entity with
``until`` and leaves no stray number or money behind.

Conventions (see ``bot_engine/nlu/README.md``):
- an offset range "через N–M UNIT" runs from today + N UNIT to today + M UNIT;
- a deadline "до X" / "к X" / "by X" / "before X" runs from today to the day before X
  starts; "до конца X" / "until the end of X" and "не позже X" to X's last day;
- "в течение N" / "within N" stays the day N from now (the end of the span), as before.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot_engine.nlu import Entity, EntityType, extract_entities

MSK = ZoneInfo("Europe/Moscow")
# Saturday, 21 November 2026, 18:25 in Moscow (autumn; spring starts 2027-03-01).
NOW = datetime(2026, 11, 21, 18, 25, tzinfo=MSK)
TODAY = "2026-11-21"
ALL: list[EntityType] = ["date", "money", "number"]


def lang_of(text: str) -> str:
    return "en" if text.isascii() else "ru"


def entities(text: str, types: list[EntityType] | None = None) -> list[Entity]:
    out = extract_entities(text, lang_of(text), types or ALL, now=NOW)
    for e in out:
        assert text[e.start : e.end] == e.text
    return out


# ---- offset ranges: "через месяц-два", "in two or three weeks" ----------------------


@pytest.mark.parametrize(
    ("text", "value", "until", "span"),
    [
        ("через месяц-два", "2026-12-21", "2027-01-21", "через месяц-два"),
        ("через месяц или два", "2026-12-21", "2027-01-21", "через месяц или два"),
        ("через месяц два", "2026-12-21", "2027-01-21", "через месяц два"),  # ASR: no hyphen
        ("через две-три недели", "2026-12-05", "2026-12-12", "через две-три недели"),
        ("через две три недели", "2026-12-05", "2026-12-12", "через две три недели"),
        ("через 2-3 недели", "2026-12-05", "2026-12-12", "через 2-3 недели"),
        ("через две или три недели", "2026-12-05", "2026-12-12", "через две или три недели"),
        ("через неделю-другую", "2026-11-28", "2026-12-05", "через неделю-другую"),
        ("через день-другой", "2026-11-22", "2026-11-23", "через день-другой"),
        ("через пару-тройку недель", "2026-12-05", "2026-12-12", "через пару-тройку недель"),
        ("через год-два", "2027-11-21", "2028-11-21", "через год-два"),
        ("где-то через три-четыре месяца", "2027-02-21", "2027-03-21",
         "через три-четыре месяца"),
        ("в течение двух-трех недель", "2026-12-05", "2026-12-12",
         "в течение двух-трех недель"),
        ("in two or three weeks", "2026-12-05", "2026-12-12", "in two or three weeks"),
        ("in two to three weeks", "2026-12-05", "2026-12-12", "in two to three weeks"),
        ("in 2-3 weeks", "2026-12-05", "2026-12-12", "in 2-3 weeks"),
        ("in a month or two", "2026-12-21", "2027-01-21", "in a month or two"),
        ("in about two or three weeks", "2026-12-05", "2026-12-12",
         "in about two or three weeks"),
        ("где-то через месяц-полтора", "2026-12-21", "2027-01-05", "через месяц-полтора"),
        ("через полтора-два месяца", "2027-01-05", "2027-01-21", "через полтора-два месяца"),
        ("через год или полтора", "2027-11-21", "2028-05-21", "через год или полтора"),
        ("месяца через два-три", "2027-01-21", "2027-02-21", "месяца через два-три"),
        ("maybe in a week or two", "2026-11-28", "2026-12-05", "in a week or two"),
        ("two or three weeks from now", "2026-12-05", "2026-12-12",
         "two or three weeks from now"),
    ],
)  # fmt: skip
def test_an_offset_range_is_one_date_range(text: str, value: str, until: str, span: str) -> None:
    found = entities(text)
    assert [(e.type, e.value, e.until, e.text) for e in found] == [("date", value, until, span)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("через пару месяцев", "2027-01-21"),
        ("через полгода", "2027-05-21"),
        ("в течение месяца", "2026-12-21"),
        ("within a month", "2026-12-21"),
        ("a couple of months from now", "2027-01-21"),
        ("two weeks from now", "2026-12-05"),
        ("a month from now", "2026-12-21"),
        ("в ближайшие две недели", "2026-12-05"),
        ("в ближайший месяц", "2026-12-21"),
        ("in the next two weeks", "2026-12-05"),
        ("in the next couple of months", "2027-01-21"),
        ("over the next two months", "2027-01-21"),
        ("думаю месяца через два", "2027-01-21"),  # the unit first: "about two months"
        ("недели через две", "2026-12-05"),
        ("через полтора месяца", "2027-01-05"),  # a month and fifteen days
        ("в течение полугода", "2027-05-21"),
        ("через где-то месяц", "2026-12-21"),
        ("in maybe a month", "2026-12-21"),
        ("during the next few weeks", "2026-12-12"),
        ("within the next month", "2026-12-21"),
    ],
)
def test_single_offsets_stay_one_day(text: str, value: str) -> None:
    found = entities(text)
    assert [(e.type, e.value, e.until) for e in found] == [("date", value, None)]


def test_an_hour_range_books_its_first_hour_and_leaves_no_number() -> None:
    found = entities("через час-два", ["datetime", "number", "money"])
    assert [(e.type, e.value, e.text) for e in found] == [
        ("datetime", "2026-11-21T19:25:00+03:00", "через час-два")
    ]


# ---- deadlines: "до весны", "by spring", "до конца года" ------------------------------


@pytest.mark.parametrize(
    ("text", "until", "span"),
    [
        ("до весны", "2027-02-28", "до весны"),
        ("хотим до лета", "2027-05-31", "до лета"),
        ("до зимы", "2026-11-30", "до зимы"),
        ("до осени", "2027-08-31", "до осени"),  # autumn under way: the next one
        ("к весне", "2027-02-28", "к весне"),
        ("к лету", "2027-05-31", "к лету"),
        ("до марта", "2027-02-28", "до марта"),
        ("к марту", "2027-02-28", "к марту"),
        ("не позже марта", "2027-03-31", "не позже марта"),
        ("не позднее весны", "2027-05-31", "не позднее весны"),
        ("до конца года", "2026-12-31", "до конца года"),
        ("до конца месяца", "2026-11-30", "до конца месяца"),
        ("до конца недели", "2026-11-22", "до конца недели"),
        ("до конца следующего месяца", "2026-12-31", "до конца следующего месяца"),
        ("до начала следующего года", "2026-12-31", "до начала следующего года"),
        ("к новому году", "2026-12-31", "к новому году"),
        ("до нового года", "2026-12-31", "до нового года"),
        ("до праздников", "2026-12-31", "до праздников"),
        ("до майских", "2027-04-30", "до майских"),
        ("до следующей недели", "2026-11-22", "до следующей недели"),
        ("до следующего месяца", "2026-11-30", "до следующего месяца"),
        ("до следующего года", "2026-12-31", "до следующего года"),
        ("до 2028 года", "2027-12-31", "до 2028 года"),
        ("к 2027 году", "2026-12-31", "к 2027 году"),
        ("до начала марта", "2027-02-28", "до начала марта"),
        ("до середины марта", "2027-03-14", "до середины марта"),
        ("до конца марта", "2027-03-31", "до конца марта"),
        ("до весны следующего года", "2027-02-28", "до весны следующего года"),
        ("до лета 2028 года", "2028-05-31", "до лета 2028 года"),
        ("не позднее осени этого года", "2026-11-30", "не позднее осени этого года"),
        ("by 2028", "2027-12-31", "by 2028"),
        ("until next week", "2026-11-22", "until next week"),
        ("no later than next week", "2026-11-29", "no later than next week"),
        ("before the end of march", "2027-03-31", "before the end of march"),
        ("by spring", "2027-05-31", "by spring"),  # "by": no later than, spring included
        ("until spring", "2027-02-28", "until spring"),
        ("before the summer", "2027-05-31", "before the summer"),
        ("by march", "2027-03-31", "by march"),
        ("before march", "2027-02-28", "before march"),
        ("no later than march", "2027-03-31", "no later than march"),
        ("until the end of the month", "2026-11-30", "until the end of the month"),
        ("before the end of the year", "2026-12-31", "before the end of the year"),
        ("by new year", "2026-12-31", "by new year"),
        ("before the new year", "2026-12-31", "before the new year"),
        ("before christmas", "2026-12-23", "before christmas"),
        ("before the holidays", "2026-12-23", "before the holidays"),
    ],
)
def test_a_deadline_runs_from_today(text: str, until: str, span: str) -> None:
    found = entities(text)
    assert [(e.type, e.value, e.until, e.text) for e in found] == [("date", TODAY, until, span)]


@pytest.mark.parametrize(
    ("text", "value", "until", "span"),
    [
        ("по весне", "2027-03-01", "2027-05-31", "по весне"),
        ("по осени", "2027-09-01", "2027-11-30", "по осени"),  # its last month: the next one
        ("не раньше марта", "2027-03-01", "2027-03-31", "марта"),
        ("не раньше весны", "2027-03-01", "2027-05-31", "не раньше весны"),
        ("not before spring", "2027-03-01", "2027-05-31", "before spring"),
        ("not before march", "2027-03-01", "2027-03-31", "march"),
        ("ближе к лету", "2027-06-01", "2027-08-31", "к лету"),
        ("ближе к весне", "2027-03-01", "2027-05-31", "к весне"),
        ("к концу месяца", "2026-11-25", "2026-11-30", "концу месяца"),  # "towards": the end
        ("к концу марта", "2027-03-25", "2027-03-31", "концу марта"),
        ("by the end of march", "2027-03-25", "2027-03-31", "end of march"),
        ("in the next month", "2026-12-01", "2026-12-31", "next month"),
        ("by the end of next month", "2026-12-25", "2026-12-31", "end of next month"),
        ("the week after next", "2026-11-30", "2026-12-06", "the week after next"),
        ("с марта по май", "2027-03-01", "2027-05-31", "с марта по май"),
        ("с марта до мая", "2027-03-01", "2027-05-31", "с марта до мая"),
        ("с ноября по январь", TODAY, "2027-01-31", "с ноября по январь"),
        ("с начала марта по май", "2027-03-01", "2027-05-31", "с начала марта по май"),
        ("from march to may", "2027-03-01", "2027-05-31", "from march to may"),
        ("between march and may", "2027-03-01", "2027-05-31", "between march and may"),
        ("the month after next", "2027-01-01", "2027-01-31", "the month after next"),
    ],
)
def test_periods_around_a_season_or_week(text: str, value: str, until: str, span: str) -> None:
    found = entities(text)
    assert [(e.type, e.value, e.until, e.text) for e in found] == [("date", value, until, span)]


def test_deadlines_said_on_their_last_day() -> None:
    # on 31 December both are today only; on 1 January "до нового года" is the next one
    eve = datetime(2026, 12, 31, 12, tzinfo=MSK)
    for text in ("до конца года", "до нового года"):
        found = extract_entities(text, "ru", ["date"], now=eve)
        assert [(e.value, e.until) for e in found] == [("2026-12-31", "2026-12-31")]
    first = datetime(2027, 1, 1, 12, tzinfo=MSK)
    found = extract_entities("до нового года", "ru", ["date"], now=first)
    assert [(e.value, e.until) for e in found] == [("2027-01-01", "2027-12-31")]


# ---- compound amounts: "миллион и двести тысяч" --------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("миллион и двести тысяч", 1_200_000, "миллион и двести тысяч"),
        ("два миллиона и триста тысяч", 2_300_000, "два миллиона и триста тысяч"),
        ("сто тысяч и пятьсот", 100_500, "сто тысяч и пятьсот"),
        ("миллион и двести", 1_200_000, "миллион и двести"),  # like "миллион двести"
        ("тысяча и одна", 1001, "тысяча и одна"),
        ("бюджет миллион и 200 тысяч рублей", 1_200_000, "миллион и 200 тысяч"),
        ("two thousand and five", 2005, "two thousand and five"),
        ("a million and two hundred thousand", 1_200_000, "a million and two hundred thousand"),
    ],
)
def test_and_joins_a_smaller_magnitude(text: str, value: int, span: str) -> None:
    found = entities(text, ["number"])
    assert [(e.value, e.text) for e in found] == [(value, span)]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("и двести", [200]),
        ("тысяча и две тысячи", [1000, 2000]),
        ("сто тысяч и двести тысяч", [100_000, 200_000]),
        ("миллион и два миллиона", [1_000_000, 2_000_000]),
        ("между ста и двумястами тысяч", [100_000, 200_000]),
        ("двести и триста", [200, 300]),
        ("a thousand and two thousand", [1000, 2000]),
        ("миллион и", [1_000_000]),
        ("сто тысяч и два месяца", [100_000, 2]),  # a second quantity
        ("two thousand and three weeks", [2000, 3]),
    ],
)
def test_and_never_joins_an_equal_or_larger_magnitude(text: str, values: list[int]) -> None:
    assert [e.value for e in entities(text, ["number"])] == values


def test_a_joined_amount_keeps_its_currency() -> None:
    found = entities("миллион и двести тысяч рублей", ["money"])
    assert [(e.value, e.unit) for e in found] == [(1_200_000, "RUB")]


# ---- negatives: counts, durations and farewells are not dates ------------------------


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("два-три раза в неделю", [2, 3]),
        ("думаем месяц-два", [2]),
        ("раз в неделю-две", [2]),
        ("до свидания", []),
        ("до ста тысяч", [100_000]),
        ("к сожалению нет", []),
        ("по телефону", []),
        ("two or three times a week", [2, 3]),
        ("by the way", []),
        ("before that", []),
        ("until then", []),
        ("через", []),
        ("через месяц двадцать пятого", None),  # a day of month, not "1–25 months"
        ("через неделю три дня", None),  # a week and three days, not "1–3 weeks"
        ("by 2050 dollars", [2050]),
        ("до 2000 рублей", [2000]),
        ("до осени этого года", []),  # autumn is under way: "before" it is the past
        ("в ближайшее время", []),
        ("месяца через", []),
        ("через 1000-4003 лет", [1000, 4003]),  # past the longest offset a caller means
    ],
)
def test_no_date_range_where_none_was_said(text: str, numbers: list[int] | None) -> None:
    found = entities(text)
    if numbers is None:
        assert all(e.until is None for e in found if e.type == "date")
        return
    assert [e for e in found if e.type == "date"] == []
    assert [e.value for e in found if e.type == "number"] == numbers


# ---- seeded word salads: ranges never start in the past nor end before they start ----

_RU_WORDS = str.split(
    """через до к по не позже позднее ближе в течение ближайшие месяц месяца неделю недели
    две три пару тройку другую или год два весны лета зимы весне марта марту конца начала
    середины следующего следующей нового году года праздников майских 2028 миллион и
    двести тысяч час"""
)
_EN_WORDS = str.split(
    """in within by before until no later than the next week weeks month months after a
    couple of or to two three from now spring march end new year christmas holidays 2028
    thousand and five hour"""
)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_ranges_and_deadlines_stay_ordered(lang: str) -> None:
    rng = random.Random(20261122)
    words = _RU_WORDS if lang == "ru" else _EN_WORDS
    seen = 0
    for _ in range(1500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        now = datetime(2026, 1, 1, 12, tzinfo=MSK) + timedelta(days=rng.randint(0, 800))
        for e in extract_entities(text, lang, ["date", "money", "datetime"], now=now):
            assert text[e.start : e.end] == e.text
            if e.until is not None:
                seen += 1
                assert now.date().isoformat() <= e.value <= e.until, (text, now, e)
            if e.type == "money":
                assert e.value >= 0, (text, e)
    assert seen > 100  # the salad does reach the range rules


# ---- a budget asked on its own never reads a date's numbers ---------------------------


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("да через две недели", []),  # "да" to "is it still relevant?" fills no budget
        ("через две-три недели", []),
        ("in two or three weeks", []),
        ("двести тысяч к 25 декабря", [200_000]),
        ("в 2027 году миллион", [1_000_000]),
        ("через месяц двести тысяч", [200_000]),
        ("в два раза больше", [2]),  # a clock-like "в два" is no date without one asked
        ("цена 25.12", [25.12]),  # one token: a price, not the 25th of December
    ],
)
def test_money_alone_skips_the_numbers_of_a_date(text: str, amounts: list[float]) -> None:
    assert [e.value for e in entities(text, ["money"])] == amounts

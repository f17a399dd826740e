"""Entity misreadings real callers hit: halves and fractions of magnitudes, colloquial
millions ("миллион двести"), named periods (seasons, thirds of a month, holidays) and
lower-case English names from ASR text."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot_engine.nlu import Entity, EntityType, extract_entities

MSK = ZoneInfo("Europe/Moscow")
# Saturday, 21 November 2026, 18:25 in Moscow (autumn, before the New Year holidays).
NOW = datetime(2026, 11, 21, 18, 25, tzinfo=MSK)


def found(text: str, lang: str, kind: EntityType, now: datetime = NOW) -> list[Entity]:
    out = [e for e in extract_entities(text, lang, [kind], now=now) if e.type == kind]
    for e in out:
        assert text[e.start : e.end] == e.text
    return out


def one(text: str, lang: str, kind: EntityType, now: datetime = NOW) -> Entity:
    out = found(text, lang, kind, now)
    assert len(out) == 1, (text, out)
    return out[0]


# ---- numbers and money -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "value", "span"),
    [
        ("полтора миллиона", "ru", 1_500_000, "полтора миллиона"),
        ("полтора", "ru", 1.5, "полтора"),
        ("два с половиной миллиона", "ru", 2_500_000, "два с половиной миллиона"),
        ("пол миллиона", "ru", 500_000, "пол миллиона"),
        ("где-то пол ляма", "ru", 500_000, "пол ляма"),
        ("пол тысячи", "ru", 500, "пол тысячи"),
        ("тысяча с половиной", "ru", 1500, "тысяча с половиной"),
        ("1,5 млн", "ru", 1_500_000, "1,5 млн"),
        ("тысяч сто", "ru", 100_000, "тысяч сто"),
        ("миллион двести", "ru", 1_200_000, "миллион двести"),
        ("миллион двести тысяч", "ru", 1_200_000, "миллион двести тысяч"),
        ("два миллиона триста", "ru", 2_300_000, "два миллиона триста"),
        ("миллиард двести", "ru", 1_200_000_000, "миллиард двести"),
        ("тысяча двести", "ru", 1200, "тысяча двести"),  # thousands stay literal
        ("сто пятьдесят тысяч", "ru", 150_000, "сто пятьдесят тысяч"),
        ("a million and a half", "en", 1_500_000, "a million and a half"),
        ("a thousand and a half", "en", 1500, "a thousand and a half"),
        ("one and a half million", "en", 1_500_000, "one and a half million"),
        ("two and a half thousand", "en", 2500, "two and a half thousand"),
        ("half a million", "en", 500_000, "half a million"),
        ("1.5k", "en", 1500, "1.5k"),
        ("a million two hundred", "en", 1_200_000, "a million two hundred"),
        ("one million two hundred thousand", "en", 1_200_000, "one million two hundred thousand"),
    ],
)
def test_fractions_and_halves_of_magnitudes(text: str, lang: str, value: float, span: str) -> None:
    entity = one(text, lang, "number")
    assert (entity.value, entity.text) == (value, span)
    assert type(entity.value) is type(value)


@pytest.mark.parametrize(
    ("text", "lang", "value", "unit"),
    [
        ("сто пятьдесят тысяч рублей", "ru", 150_000, "RUB"),
        ("полтора миллиона рублей", "ru", 1_500_000, "RUB"),
        ("пол миллиона рублей", "ru", 500_000, "RUB"),
        ("a million and a half dollars", "en", 1_500_000, "USD"),
    ],
)
def test_halves_keep_their_currency(text: str, lang: str, value: int, unit: str) -> None:
    entity = one(text, lang, "money")
    assert (entity.value, entity.unit, entity.text) == (value, unit, text)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("пол мужской", "ru"),  # "пол" is also "floor"/"sex"
        ("помыть пол", "ru"),
        ("пол к", "ru"),
        ("половина дела сделана", "ru"),
        ("на половине пути", "ru"),
        ("half the time", "en"),
        ("and a half", "en"),
        ("with a half smile", "en"),
    ],
)
def test_halves_without_a_magnitude_are_not_numbers(text: str, lang: str) -> None:
    assert found(text, lang, "number") == []


# ---- named periods -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "value", "until", "span"),
    [
        # seasons: northern meteorological; the current one runs from today, except in
        # its last month, when a plan for it means the next one ("этой осенью": this one)
        ("перезвоните весной", "ru", "2027-03-01", "2027-05-31", "весной"),
        ("летом", "ru", "2027-06-01", "2027-08-31", "летом"),
        ("осенью", "ru", "2027-09-01", "2027-11-30", "осенью"),
        ("этой осенью", "ru", "2026-11-21", "2026-11-30", "этой осенью"),
        ("in the fall", "en", "2027-09-01", "2027-11-30", "in the fall"),
        ("this fall", "en", "2026-11-21", "2026-11-30", "this fall"),
        ("зимой", "ru", "2026-12-01", "2027-02-28", "зимой"),
        ("следующей весной", "ru", "2027-03-01", "2027-05-31", "следующей весной"),
        ("давайте на лето", "ru", "2027-06-01", "2027-08-31", "на лето"),
        ("in the spring", "en", "2027-03-01", "2027-05-31", "in the spring"),
        ("next summer", "en", "2027-06-01", "2027-08-31", "next summer"),
        ("this winter", "en", "2026-12-01", "2027-02-28", "this winter"),
        ("next fall", "en", "2027-09-01", "2027-11-30", "next fall"),
        # thirds of a month: the middle/end point at the 15th/25th
        ("в начале следующего месяца", "ru", "2026-12-01", "2026-12-10",
         "начале следующего месяца"),
        ("в конце месяца", "ru", "2026-11-25", "2026-11-30", "конце месяца"),
        ("к концу месяца", "ru", "2026-11-25", "2026-11-30", "концу месяца"),
        ("в середине месяца", "ru", "2026-12-15", "2026-12-20", "середине месяца"),
        ("в начале месяца", "ru", "2026-12-01", "2026-12-10", "начале месяца"),
        ("в конце следующего месяца", "ru", "2026-12-25", "2026-12-31",
         "конце следующего месяца"),
        ("early next month", "en", "2026-12-01", "2026-12-10", "early next month"),
        ("end of the month", "en", "2026-11-25", "2026-11-30", "end of the month"),
        ("by the end of next month", "en", "2026-12-25", "2026-12-31", "end of next month"),
        ("в конце года", "ru", "2026-12-01", "2026-12-31", "конце года"),
        ("в начале следующего года", "ru", "2027-01-01", "2027-01-31",
         "начале следующего года"),
        ("end of the year", "en", "2026-12-01", "2026-12-31", "end of the year"),
        ("до конца месяца", "ru", "2026-11-21", "2026-11-30", "до конца месяца"),  # deadline
        ("в конце этого месяца", "ru", "2026-11-25", "2026-11-30", "конце этого месяца"),
        ("mid next month", "en", "2026-12-15", "2026-12-20", "mid next month"),
        # parts of a week: Mon–Tue, Wed–Thu, Fri–Sun; a Saturday is in this week's end
        ("в начале следующей недели", "ru", "2026-11-23", "2026-11-24",
         "начале следующей недели"),
        ("к концу недели", "ru", "2026-11-21", "2026-11-22", "концу недели"),
        ("в середине недели", "ru", "2026-11-25", "2026-11-26", "середине недели"),
        ("early next week", "en", "2026-11-23", "2026-11-24", "early next week"),
        # seasons by a year, "к весне"
        ("весной следующего года", "ru", "2027-03-01", "2027-05-31",
         "весной следующего года"),
        ("летом 2028 года", "ru", "2028-06-01", "2028-08-31", "летом 2028 года"),
        ("ближе к весне", "ru", "2027-03-01", "2027-05-31", "к весне"),
        ("in the summer of 2028", "en", "2028-06-01", "2028-08-31", "in the summer of 2028"),
        # whole years
        ("в 2027 году", "ru", "2027-01-01", "2027-12-31", "2027 году"),
        ("в 2026 году", "ru", "2026-11-21", "2026-12-31", "2026 году"),
        ("в конце 2027 года", "ru", "2027-12-01", "2027-12-31", "конце 2027 года"),
        ("in 2027", "en", "2027-01-01", "2027-12-31", "in 2027"),
        # named months and periods now say where they end
        ("в декабре", "ru", "2026-12-01", "2026-12-31", "декабре"),
        ("в начале марта", "ru", "2027-03-01", "2027-03-10", "начале марта"),
        ("на следующей неделе", "ru", "2026-11-23", "2026-11-29", "следующей неделе"),
        ("next month", "en", "2026-12-01", "2026-12-31", "next month"),
        ("в следующем году", "ru", "2027-01-01", "2027-12-31", "следующем году"),
        ("на выходных", "ru", "2026-11-21", "2026-11-22", "выходных"),
    ],
)  # fmt: skip
def test_periods_give_a_first_day_and_a_last(
    text: str, lang: str, value: str, until: str, span: str
) -> None:
    entity = one(text, lang, "date")
    assert (entity.value, entity.until, entity.text) == (value, until, span)


@pytest.mark.parametrize(
    ("text", "lang", "value", "span"),
    [
        ("после праздников", "ru", "2027-01-09", "после праздников"),
        ("после новогодних праздников", "ru", "2027-01-09", "после новогодних праздников"),
        ("после нового года", "ru", "2027-01-09", "после нового года"),
        ("после майских", "ru", "2027-05-11", "после майских"),
        ("after the holidays", "en", "2027-01-02", "after the holidays"),
        ("after new year", "en", "2027-01-02", "after new year"),
        ("after christmas", "en", "2026-12-26", "after christmas"),
        ("через пару недель", "ru", "2026-12-05", "через пару недель"),
        ("in a couple of weeks", "en", "2026-12-05", "in a couple of weeks"),
    ],
)
def test_days_after_holidays_and_short_offsets(text: str, lang: str, value: str, span: str) -> None:
    entity = one(text, lang, "date")
    assert (entity.value, entity.text, entity.until) == (value, span, None)


@pytest.mark.parametrize(
    ("now", "lang", "value"),
    [
        (datetime(2026, 4, 20, 12, tzinfo=MSK), "ru", "2026-05-11"),  # the May holidays
        (datetime(2026, 1, 5, 12, tzinfo=MSK), "ru", "2026-01-09"),  # inside New Year's
        (datetime(2026, 10, 20, 12, tzinfo=MSK), "ru", "2026-11-05"),  # Unity Day
        (datetime(2026, 12, 28, 12, tzinfo=MSK), "en", "2027-01-02"),
    ],
)
def test_the_holidays_are_the_nearest_ones(now: datetime, lang: str, value: str) -> None:
    text = "после праздников" if lang == "ru" else "after the holidays"
    assert one(text, lang, "date", now).value == value


def test_no_holiday_near_means_no_date() -> None:
    summer = datetime(2026, 7, 20, 12, tzinfo=MSK)
    assert found("after the holidays", "en", "date", summer) == []


@pytest.mark.parametrize(
    ("now", "text", "value", "until"),
    [
        (datetime(2027, 1, 15, 9, tzinfo=MSK), "зимой", "2027-01-15", "2027-02-28"),
        (datetime(2027, 1, 15, 9, tzinfo=MSK), "next winter", "2027-12-01", "2028-02-29"),
        (datetime(2026, 7, 1, 9, tzinfo=MSK), "next summer", "2027-06-01", "2027-08-31"),
        # a third of a month under way points at tomorrow while it lasts: said on the
        # 27th, "the end of the month" is not now (round twenty-three)
        (datetime(2026, 11, 27, 9, tzinfo=MSK), "в конце месяца", "2026-11-28", "2026-11-30"),
        (datetime(2026, 12, 5, 9, tzinfo=MSK), "в начале месяца", "2026-12-06", "2026-12-10"),
        (datetime(2026, 11, 30, 9, tzinfo=MSK), "в конце месяца", "2026-11-30", "2026-11-30"),
    ],
)
def test_periods_under_way_start_today(now: datetime, text: str, value: str, until: str) -> None:
    lang = "ru" if text[0] > "z" else "en"
    entity = one(text, lang, "date", now)
    assert (entity.value, entity.until) == (value, until)


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("2027", "ru", 2027), ("в 2027", "ru", 2027), ("2027 dollars", "en", 2027)],
)
def test_a_year_needs_its_word(text: str, lang: str, value: int) -> None:
    assert [e.value for e in extract_entities(text, lang, ["money", "date"], now=NOW)] == [value]


def test_a_period_with_a_clock_time_is_an_exact_datetime() -> None:
    entity = one("на следующей неделе в три", "ru", "datetime")
    assert (entity.value, entity.until) == ("2026-11-23T15:00:00+03:00", None)


def test_a_period_asked_as_datetime_comes_back_as_a_date_range() -> None:
    assert found("летом", "ru", "datetime") == []
    dates = [e for e in extract_entities("летом", "ru", ["datetime"], now=NOW)]
    assert [(e.type, e.value, e.until) for e in dates] == [("date", "2027-06-01", "2027-08-31")]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("лето было жарким", "ru"),  # a season as a subject, no cue
        ("осень", "ru"),
        ("зима близко", "ru"),
        ("я в конце концов согласен", "ru"),
        ("в начале разговора", "ru"),
        ("в начале этого месяца", "ru"),  # over on the 21st: the past, not a callback
        ("в начале этого года", "ru"),
        ("early this month", "en"),
        ("это лето было жарким", "ru"),
        ("в начале этой недели", "ru"),  # Monday-Tuesday are over on a Saturday
        ("в 2025 году", "ru"),  # the past is no callback
        ("i like spring", "en"),
        ("the spring is broken", "en"),
        ("i fall asleep", "en"),
        ("at the end of the day", "en"),
        ("in the middle of a meeting", "en"),
        ("after the call", "en"),
        ("happy holidays", "en"),
    ],
)
def test_words_that_only_look_like_periods(text: str, lang: str) -> None:
    assert found(text, lang, "date") == []


# ---- lower-case English names ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("john", "John", "john"),
        ("mary smith", "Mary Smith", "mary smith"),
        ("john here", "John", "john"),
        ("this is mary speaking", "Mary", "mary"),
        ("this is mary smith speaking", "Mary Smith", "mary smith"),
        ("hello this is robert from the bank", "Robert", "robert"),
        ("it's john", "John", "john"),
        ("i'm sarah and i'd like to know more", "Sarah", "sarah"),
        ("this is Paul Smith", "Paul Smith", "Paul Smith"),  # capitals still work
    ],
)
def test_lower_case_english_names(text: str, value: str, span: str) -> None:
    entity = one(text, "en", "name")
    assert (entity.value, entity.text) == (value, span)


@pytest.mark.parametrize(
    "text",
    [
        "i'm driving",
        "it's will do",
        "this is bill",  # "bill" is an everyday word: not in the lexicon
        "mark my words",
        "sure",
        "yes this is he",
        "this is fine",
        "it's may already",
        "anna yes",  # a name in a longer answer needs a cue or capitals
        "thanks john",
    ],
)
def test_lower_case_words_that_are_not_names(text: str) -> None:
    assert found(text, "en", "name") == []


_RU_PERIOD_WORDS = str.split(
    """в на к до после начале конце середине концу конца начала следующего следующей
    этого этой месяца года недели весной летом осенью зимой весну лето весне праздников
    нового майских 2027 году пол миллиона с половиной миллион двести"""
)
_EN_PERIOD_WORDS = str.split(
    """in the of end early mid late beginning next this month year week spring summer fall
    winter after holidays new christmas 2027 a million and half by"""
)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_any_period_runs_from_today_to_its_last_day(lang: str) -> None:
    """Seeded word salads on many days of the year: a period never starts in the past
    and never ends before it starts, and nothing raises."""
    rng = random.Random(20261121)
    words = _RU_PERIOD_WORDS if lang == "ru" else _EN_PERIOD_WORDS
    periods_seen = 0
    for _ in range(1500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        now = datetime(2026, 1, 1, 12, tzinfo=MSK) + timedelta(days=rng.randint(0, 800))
        for e in extract_entities(text, lang, ["date", "money"], now=now):
            if e.until is not None:
                periods_seen += 1
                assert now.date().isoformat() <= e.value <= e.until, (text, now, e)
    assert periods_seen > 100  # the salad does reach the period rules

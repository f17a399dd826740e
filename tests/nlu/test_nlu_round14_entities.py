"""Round fourteen's entity classes: a loose hour after "tonight" is the evening's, an hour
after a weekday and its date is that day's, a sum is no clock time ("about 20k"), a week
or a month said with doubt is no time to call back, money slang ("twenty gs",
«стольник», «пятихатка») and the spring and summer calendar (the long weekend, school
letting out, «летние каникулы»)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.nlu.entity_reading import entity_readers
from tests.nlu.polar_questions import step_reply

# Wednesday, 19 May 2027, 11:30: a late spring morning (Memorial Day is Monday 31 May).
NOW = {
    "en": datetime(2027, 5, 19, 11, 30, tzinfo=ZoneInfo("America/New_York")),
    "ru": datetime(2027, 5, 19, 11, 30, tzinfo=ZoneInfo("Europe/Moscow")),
}


found, _ = entity_readers(NOW)


def first_time(text: str, lang: str) -> str:
    out = found(text, lang, ["datetime"])
    assert out, text
    return str(out[0].value)


# ---- a loose hour after a part of the day -------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("tonight once the baby is asleep say ten", "en", "2027-05-19T22:00"),
        ("tomorrow night when my shift ends say eleven", "en", "2027-05-20T23:00"),
        ("tomorrow evening after practice like 8", "en", "2027-05-20T20:00"),
        ("this evening once dinner is done maybe eight", "en", "2027-05-19T20:00"),
        ("сегодня вечером как детей уложу часов в девять", "ru", "2027-05-19T21:00"),
    ],
)
def test_a_loose_hour_after_the_evening_is_the_evenings(text: str, lang: str, want: str) -> None:
    assert first_time(text, lang).startswith(want)


def test_a_count_after_tonight_is_no_hour() -> None:
    out = found("tonight i have like nine things to do", "en", ["datetime"])
    assert [str(e.value)[:16] for e in out] == ["2027-05-19T19:00"]


def test_an_hour_no_morning_has_stays_apart_from_the_morning() -> None:
    out = found("tomorrow morning im out so at 2", "en", ["datetime"])
    assert [str(e.value)[:16] for e in out] == ["2027-05-20T10:00", "2027-05-19T14:00"]


# ---- a weekday, its date, then the hour ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("friday the 21st around ten", "en", "2027-05-21T10:00"),
        ("monday may 24th at 3 pm", "en", "2027-05-24T15:00"),
        ("next friday the 28th at ten", "en", "2027-05-28T10:00"),
        ("в понедельник 24-го в три", "ru", "2027-05-24T15:00"),
    ],
)
def test_an_hour_after_a_weekday_and_its_date(text: str, lang: str, want: str) -> None:
    out = found(text, lang, ["datetime"])
    assert len(out) == 1, out
    assert str(out[0].value).startswith(want)


# ---- a sum is no clock time ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "day", "money"),
    [
        ("in the summer with around 15k", "en", "2027-06-01", 15_000),
        ("next month with about 12k", "en", "2027-06-01", 12_000),
        ("in two weeks around 9 grand", "en", "2027-06-02", 9_000),
        ("в июне около 20к", "ru", "2027-06-01", 20_000),
        ("на следующей неделе около 15 тыс", "ru", "2027-05-24", 15_000),
    ],
)
def test_a_sum_after_about_is_no_hour(text: str, lang: str, day: str, money: int) -> None:
    out = found(text, lang, ["date", "money"])
    assert [(e.type, e.value) for e in out] == [("date", day), ("money", money)]


# ---- a doubted span is no time to call back -----------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("next month i suppose", "en"),
        ("this month i guess", "en"),
        ("not sure maybe next week", "en"),
        ("next week who knows", "en"),
        ("на следующей неделе кто знает", "ru"),
        ("в следующем месяце наверное не знаю", "ru"),
    ],
)
def test_a_doubted_week_or_month_is_no_callback_time(text: str, lang: str) -> None:
    assert found(text, lang, ["datetime"]) == []
    assert found(text, lang, ["date"]), "as a timeframe the span still answers"


def test_a_doubted_day_is_still_that_day() -> None:
    assert first_time("friday i guess", "en") == "2027-05-21"
    assert first_time("maybe next week", "en") == "2027-05-24"


# ---- money slang --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("twelve gs", "en", 12_000),
        ("like fifteen g", "en", 15_000),
        ("25 gs tops", "en", 25_000),
        ("fifty thou max", "en", 50_000),
        ("ну стольник где-то", "ru", 100_000),
        ("стошку наверное", "ru", 100_000),
        ("два стольника", "ru", 200_000),
        ("пятихатка", "ru", 500_000),
        ("где-то четвертак", "ru", 25_000),
    ],
)
def test_money_slang(text: str, lang: str, value: int) -> None:
    money = [e for e in found(text, lang, ["money", "number"]) if e.type == "money"]
    assert [e.value for e in money] == [value]
    assert not [e for e in found(text, lang, ["number"])], "slang is money, not a count"


# ---- the spring and summer calendar -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "day", "until"),
    [
        ("after the long weekend", "en", "2027-06-01", None),
        ("over the long weekend", "en", "2027-05-31", None),
        ("memorial day weekend", "en", "2027-05-31", None),
        ("after labor day weekend", "en", "2027-09-07", None),
        ("after school gets out", "en", "2027-06-16", None),
        ("maybe before school gets out", "en", "2027-05-19", "2027-06-14"),
        ("after july 4", "en", "2027-07-05", None),
        ("после длинных выходных", "ru", "2027-06-13", None),
        ("after the holiday weekend", "en", "2027-06-01", None),
        ("на июньских праздниках", "ru", "2027-06-12", None),
        ("после июньских", "ru", "2027-06-13", None),
        # a holiday said as when: its days (a day said after it is one of them)
        ("на летних каникулах", "ru", "2027-06-01", "2027-08-31"),
        ("после окончания учебного года", "ru", "2027-06-01", None),
        ("до конца учебного года", "ru", "2027-05-19", "2027-05-30"),
    ],
)
def test_spring_and_summer_days(text: str, lang: str, day: str, until: str | None) -> None:
    out = found(text, lang, ["date"])
    assert [(e.value, e.until) for e in out] == [(day, until)]


def test_school_said_in_passing_is_no_date() -> None:
    assert found("my kids school is out", "en", ["date"]) == []
    assert found("у детей каникулы", "ru", ["date"]) == []


# ---- at the steps: a sum volunteered with a timeframe, a doubted span to a callback -------

LEAD_EN, LEAD_RU = "lead_qualification.en.yaml", "lead_qualification.ru.yaml"


@pytest.mark.parametrize(
    ("script_file", "text", "budget"),
    [
        (LEAD_EN, "next month with about twenty gs", 20_000),
        (LEAD_EN, "in june with about 20 g", 20_000),
        (LEAD_EN, "by summer and maybe thirty thou", 30_000),
        (LEAD_RU, "летом и стольник есть", 100_000),
        (LEAD_RU, "осенью, пятихатка есть", 500_000),
    ],
)
def test_slang_sum_volunteered_with_a_timeframe(script_file: str, text: str, budget: int) -> None:
    branch, slots = step_reply(script_file, "ask_timeframe", text)
    assert (branch, slots["budget"]) == ("ok", budget)
    assert slots["timeframe"] is not None


@pytest.mark.parametrize(
    ("script_file", "text"),
    [
        (LEAD_EN, "the week after next i suppose"),
        (LEAD_EN, "honestly no idea maybe next month"),
        (LEAD_RU, "в следующем месяце, не знаю"),
    ],
)
def test_a_doubted_span_is_no_callback_time(script_file: str, text: str) -> None:
    branch, slots = step_reply(script_file, "ask_callback", text)
    assert branch != "ok" and slots["callback_at"] is None

"""Round twenty-three, second pass at callback times and dates (each example is a
paraphrase written for its class, not a reply of the eval set): bounds and parts of a day,
spans between holidays and toward the weekend, a day said twice, days ruled out of a span,
and vague replies that name no time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.nlu.polar_questions import step_reply

NY = ZoneInfo("America/New_York")
MSK = ZoneInfo("Europe/Moscow")
RU_TUESDAY = datetime(2028, 4, 25, 16, 40, tzinfo=MSK)  # May Day a Monday, Victory Day a Tuesday
RU_MONDAY = datetime(2028, 8, 21, 9, 30, tzinfo=MSK)  # school starts Friday 1 September
RU_OCTOBER = datetime(2028, 10, 10, 7, 30, tzinfo=MSK)
EN_WEDNESDAY = datetime(2028, 3, 15, 10, 20, tzinfo=NY)  # tomorrow Thursday the 16th
EN_DECEMBER = datetime(2028, 12, 12, 11, 0, tzinfo=NY)
LEAD = "lead_qualification.en.yaml"
RU_LEAD = "lead_qualification.ru.yaml"


def callback(text: str, now: datetime, *, step: str = "ask_callback") -> str | None:
    """The callback time a reply books (None: none)."""
    script = RU_LEAD if now.tzinfo is MSK else LEAD
    value = step_reply(script, step, text, now=now)[1]["callback_at"]
    return None if value is None else str(value)


def timeframe(text: str, now: datetime) -> str | None:
    script = RU_LEAD if now.tzinfo is MSK else LEAD
    value = step_reply(script, "ask_timeframe", text, now=now)[1]["timeframe"]
    return None if value is None else str(value)


def starts(value: str | None, prefix: str) -> bool:
    return value is not None and value.startswith(prefix)


# ---- 1. bounds and parts of a day -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "now", "want"),
    [("только не раньше обеда", RU_MONDAY, "2028-08-21T14:00"),
     ("в среду не раньше обеда", RU_MONDAY, "2028-08-23T14:00"),
     ("not before lunch tomorrow", EN_WEDNESDAY, "2028-03-16T14:00"),
     ("давайте в обеденное время в четверг", RU_MONDAY, "2028-08-24T13:00"),
     ("в четверг в обед я с часу до двух на месте", RU_MONDAY, "2028-08-24T13:00"),
     ("сегодня вечером в восьмом часу", RU_MONDAY, "2028-08-21T19:00"),
     ("завтра в одиннадцатом часу", RU_MONDAY, "2028-08-22T10:00"),
     ("maybe about dinnertime", EN_WEDNESDAY, "2028-03-15T18:00"),
     ("friday around supper time", EN_WEDNESDAY, "2028-03-17T18:00"),
     ("driving right now try 5 15", EN_WEDNESDAY, "2028-03-15T17:15"),
     ("ok try back 3", EN_WEDNESDAY, "2028-03-15T15:00"),
     ("the 20th at like 4", EN_WEDNESDAY, "2028-03-20T16:00"),
     ("tuesday next week around noon", EN_WEDNESDAY, "2028-03-21T12:00"),
     ("на следующей неделе в среду в десять", RU_MONDAY, "2028-08-30T10:00")],
)  # fmt: skip
def test_a_bound_or_part_of_the_day_books_its_hour(text: str, now: datetime, want: str) -> None:
    """«не раньше обеда» is once lunch is over (14:00); «в обеденное время» lunchtime;
    «с часу до двух» starts at one; «в восьмом часу» is 7:xx (in the evening after
    «вечером» or a day said in the afternoon); dinner time is 18:00; a bare clock time
    after "try" is one; "like" after "at" is "about"; a weekday and its week are one day,
    an hour after them that day's."""
    assert starts(callback(text, now), want)


@pytest.mark.parametrize(
    ("text", "now"),
    [("sorry im at dinner", EN_WEDNESDAY),  # where the caller is, no time
     ("try our other number", EN_WEDNESDAY),
     ("жду с часу на час", RU_MONDAY)],  # any moment, no range
)  # fmt: skip
def test_words_near_a_part_of_the_day_that_name_none(text: str, now: datetime) -> None:
    assert callback(text, now) is None


def test_before_lunch_is_still_the_morning() -> None:
    assert starts(callback("завтра до обеда", RU_MONDAY), "2028-08-22T11:00")


# ---- 2. spans between holidays and toward the weekend ---------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("может между праздниками", "2028-05-02"),
     ("между майскими давайте", "2028-05-02"),
     ("на майских девятого числа с утра", "2028-05-09T10:00"),
     ("на майские праздники пятого", "2028-05-05")],
)  # fmt: skip
def test_a_day_between_or_inside_the_may_holidays(text: str, want: str) -> None:
    """The working days between May Day's days off and Victory Day's (in 2028, 2 to 8
    May); a day said after «на майских» is the one inside them."""
    assert starts(callback(text, RU_TUESDAY), want)


def test_between_the_holidays_in_english_is_the_week_after_christmas() -> None:
    assert starts(timeframe("between the holidays", EN_DECEMBER), "2028-12-26")


@pytest.mark.parametrize(
    ("text", "want"),
    [("ну ближе к выходным", "2028-08-25"),
     ("под выходные наберите", "2028-08-25"),
     ("через недельку в пятницу", "2028-09-01"),  # Friday of next week, not a week on
     ("через две недели во вторник", "2028-09-05")],
)  # fmt: skip
def test_toward_the_weekend_and_a_weekday_of_a_week_ahead(text: str, want: str) -> None:
    assert starts(callback(text, RU_MONDAY), want)


def test_a_week_on_alone_is_still_a_week_on() -> None:
    assert starts(callback("через недельку", RU_MONDAY), "2028-08-28")


@pytest.mark.parametrize(
    ("text", "now", "want"),
    [("в конце месяца", datetime(2028, 8, 29, 12, 0, tzinfo=MSK), "2028-08-30"),
     ("в конце месяца", RU_MONDAY, "2028-08-25")],  # not yet under way: its 25th
)  # fmt: skip
def test_the_end_of_the_month_said_in_it_is_not_today(text: str, now: datetime, want: str) -> None:
    assert starts(callback(text, now), want)


@pytest.mark.parametrize(
    ("text", "want"),
    [("летом лучше говорят в июле", "2029-07"),
     ("осенью наверное в октябре", "2029-10")],
)  # fmt: skip
def test_the_narrower_period_said_later_wins(text: str, want: str) -> None:
    assert starts(timeframe(text, datetime(2028, 12, 10, 12, 0, tzinfo=MSK)), want)


def test_a_narrower_period_set_apart_does_not_win() -> None:
    now = datetime(2028, 12, 10, 12, 0, tzinfo=MSK)
    assert starts(timeframe("летом но не в июле", now), "2029-06")


# ---- 3. a day ruled out, a day said twice ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "now", "want"),
    [("на выходных только не в субботу", RU_MONDAY, "2028-08-27"),
     ("не в субботу, а вообще в выходные", RU_MONDAY, "2028-08-27"),
     ("в начале следующей недели но не в понедельник", RU_MONDAY, "2028-08-29"),
     ("next weekend but not saturday", EN_WEDNESDAY, "2028-03-19"),
     ("any day except thursday", EN_WEDNESDAY, "2028-03-17"),
     ("в любой день кроме вторника", RU_MONDAY, "2028-08-23"),
     ("first thing tuesday the 21st", EN_WEDNESDAY, "2028-03-21T09:00"),
     ("двадцать пятого в пятницу часов в шесть", RU_MONDAY, "2028-08-25T18:00")],
)  # fmt: skip
def test_a_day_ruled_out_or_said_twice(text: str, now: datetime, want: str) -> None:
    """A span starting on a day ruled out starts on the next; "any day but X" is the
    first day from tomorrow that is not X; a date and its weekday are one day, the date's."""
    assert starts(callback(text, now), want)


@pytest.mark.parametrize(
    ("text", "now", "want"),
    [("только не в субботу", RU_MONDAY, None),  # a day refused alone names none
     ("monday", EN_WEDNESDAY, "2028-03-20"),
     ("двадцать пятого во вторник", RU_MONDAY, "2028-08-25")],  # not its weekday: the date
)  # fmt: skip
def test_near_misses_of_a_day_ruled_out_or_said_twice(
    text: str, now: datetime, want: str | None
) -> None:
    got = callback(text, now)
    assert got is None if want is None else starts(got, want)


# ---- 4. vague replies -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["ну как-нибудь на днях", "на днях как-нибудь наберите"])
def test_some_day_soon_with_doubt_names_no_day(text: str) -> None:
    assert callback(text, RU_MONDAY) is None


def test_some_day_soon_alone_is_still_tomorrow() -> None:
    assert starts(callback("давайте на днях", RU_MONDAY), "2028-08-22")


@pytest.mark.parametrize(
    ("text", "now", "want"),
    [("как ребенка в школу отведу тогда и звоните", RU_MONDAY, "2028-09-02"),
     ("когда детей в школу отправим", RU_MONDAY, "2028-09-02"),
     ("как детей в школу отведу", RU_OCTOBER, None),  # the morning school run: no date
     ("в четверг как детей в школу отправлю часов в одиннадцать", RU_MONDAY,
      "2028-08-24T11:00")],  # a day named: the school run is an errand before the hour
)  # fmt: skip
def test_the_school_year_start_said_by_the_childrens_going(
    text: str, now: datetime, want: str | None
) -> None:
    """Said in the weeks before 1 September, the children's going to school is the school
    year's start: the day after its first day. In the school year it is the morning's
    school run, no date."""
    got = callback(text, now)
    assert got is None if want is None else starts(got, want)

"""Round twenty-three: callback times and dates the blind batches of the round showed
on the code before it (each example is a paraphrase written for its class, not a reply
of the eval set): parts of a day said loosely, a caller correcting the time, holiday
weekends, a day refused, a call told of, and a time limit inside a yes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.nlu.polar_questions import step_reply

NY = ZoneInfo("America/New_York")
MSK = ZoneInfo("Europe/Moscow")
WEDNESDAY = datetime(2028, 3, 15, 10, 20, tzinfo=NY)  # tomorrow Thursday the 16th
RU_WEDNESDAY = datetime(2028, 3, 15, 10, 20, tzinfo=MSK)
BEFORE_THANKSGIVING = datetime(2028, 11, 22, 15, 30, tzinfo=NY)  # Thanksgiving the 23rd
LATE_JUNE = datetime(2028, 6, 26, 17, 0, tzinfo=NY)  # the Fourth a Tuesday, Labor Day 4 Sep
MID_NOVEMBER = datetime(2028, 11, 15, 12, 0, tzinfo=NY)
MID_FEBRUARY = datetime(2028, 2, 14, 12, 0, tzinfo=NY)  # Presidents' Day the 21st
LEAD = "lead_qualification.en.yaml"
RU_LEAD = "lead_qualification.ru.yaml"


def callback(text: str, now: datetime = WEDNESDAY, script: str = LEAD) -> str | None:
    """The callback time a reply to "when shall we call you back?" books (None: asked
    again)."""
    value = step_reply(script, "ask_callback", text, now=now)[1]["callback_at"]
    return None if value is None else str(value)


def starts(value: str | None, prefix: str) -> bool:
    return value is not None and value.startswith(prefix)


# ---- 1. parts of a day said loosely ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("end of day is fine", "2028-03-15T17:00"),
     ("close of business today", "2028-03-15T17:00"),
     ("end of the day on friday", "2028-03-17T17:00"),
     ("call me at the end of the day tomorrow", "2028-03-16T17:00"),
     ("lunchtime thursday", "2028-03-16T13:00"),
     ("early this afternoon", "2028-03-15T13:00"),
     ("late tomorrow afternoon", "2028-03-16T16:00"),
     ("first thing tomorrow", "2028-03-16T09:00"),
     ("friday morning first thing", "2028-03-17T09:00"),
     ("next thursday after lunch", "2028-03-23T14:00"),
     ("tomorrow just not before eleven", "2028-03-16T11:00"),
     ("friday but not before noon", "2028-03-17T12:00")],
)  # fmt: skip
def test_a_part_of_the_day_said_loosely(text: str, want: str) -> None:
    """The end of the working day is 17:00, its start ("first thing") 9:00, an early or
    late afternoon 13:00 or 16:00, lunchtime 13:00; "not before eleven" after a day is
    that day's earliest hour; "next thursday" said on a Wednesday is a week on, as
    tomorrow is already "thursday"."""
    assert starts(callback(text), want)


@pytest.mark.parametrize(
    ("text", "want"),
    [("first thing tomorrow like eight", "2028-03-16T08:00"),  # the clock said beside wins
     ("late afternoon around four thirty", "2028-03-15T16:30"),
     ("thursday after lunch", "2028-03-16T14:00"),  # no "next": tomorrow
     ("this coming thursday", "2028-03-16"),
     ("next friday", "2028-03-17")],  # not tomorrow: the coming one
)  # fmt: skip
def test_a_loose_part_of_the_day_yields_to_what_is_said_beside_it(text: str, want: str) -> None:
    assert starts(callback(text), want)


@pytest.mark.parametrize(
    "text",
    ["at the end of the day its my wifes call",
     "first thing id want is a price"],
)  # fmt: skip
def test_the_idioms_are_no_time(text: str) -> None:
    assert callback(text) is None


@pytest.mark.parametrize(
    ("text", "want"),
    [("завтра в конце рабочего дня", "2028-03-16T17:00"),
     ("в пятницу с утра пораньше", "2028-03-17T09:00"),
     ("завтра, но не раньше одиннадцати", "2028-03-16T11:00")],
)  # fmt: skip
def test_a_part_of_the_day_said_loosely_ru(text: str, want: str) -> None:
    assert starts(callback(text, RU_WEDNESDAY, RU_LEAD), want)


# ---- 2. a caller correcting the time -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("wednesday actually no make it thursday at three", "2028-03-16T15:00"),
     ("friday at eleven i mean friday at one", "2028-03-17T13:00"),
     ("monday sorry tuesday", "2028-03-21"),
     ("friday at 2 scratch that at 4", "2028-03-17T16:00"),  # the day corrected is kept
     ("monday no lets say tuesday", "2028-03-21"),
     ("monday or tuesday", "2028-03-20"),  # no correction: the first one offered
     ("thursday at 3 and friday too", "2028-03-16T15:00")],
)  # fmt: skip
def test_the_time_said_after_a_correction_wins(text: str, want: str) -> None:
    assert starts(callback(text), want)


def test_the_time_said_after_a_correction_wins_ru() -> None:
    assert starts(callback("в четверг, ой нет, в пятницу в два", RU_WEDNESDAY, RU_LEAD),
                  "2028-03-17T14:00")


# ---- 3. holiday weekends --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "now", "want"),
    [("probably after the long weekend", LATE_JUNE, "2028-07-05"),
     ("after the fourth of july weekend", LATE_JUNE, "2028-07-05"),
     ("um after the holiday weekend", MID_NOVEMBER, "2028-11-27"),
     ("after thanksgiving weekend", MID_NOVEMBER, "2028-11-27"),
     ("after labor day", LATE_JUNE, "2028-09-05"),  # a holiday named: that one
     ("after the long weekend", MID_FEBRUARY, "2028-02-22")],
)  # fmt: skip
def test_the_nearest_holiday_weekend(text: str, now: datetime, want: str) -> None:
    """"the long weekend" is the nearest coming one: the Fourth of July's in late June,
    Thanksgiving's in November, Presidents' Day's in February."""
    assert step_reply(LEAD, "ask_timeframe", text, now=now)[1]["timeframe"] == want


# ---- 4. a day refused -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["well not tomorrow its thanksgiving",
     "not thursday thursday is thanksgiving",
     "not friday its black friday",
     "just not tomorrow"],
)  # fmt: skip
def test_a_refused_day_is_no_time(text: str) -> None:
    assert callback(text, BEFORE_THANKSGIVING) is None


@pytest.mark.parametrize(
    ("text", "want"),
    [("not tomorrow, monday", "2028-11-27"),
     ("why not tomorrow", "2028-11-23")],
)  # fmt: skip
def test_a_day_said_beside_a_refusal_is_the_time(text: str, want: str) -> None:
    assert starts(callback(text, BEFORE_THANKSGIVING), want)


def test_a_refused_day_ru() -> None:
    assert callback("только не завтра", RU_WEDNESDAY, RU_LEAD) is None
    assert starts(callback("не в пятницу, а в понедельник", RU_WEDNESDAY, RU_LEAD), "2028-03-20")


# ---- 5. a call told of ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["your office already phoned me this week",
     "somebody rang me on monday about this",
     "you people called me three times yesterday"],
)  # fmt: skip
def test_the_time_of_a_call_told_of_is_no_callback_time(text: str) -> None:
    assert callback(text) is None


@pytest.mark.parametrize(
    ("text", "want"),
    [("your guy talked to me last week, call me thursday", "2028-03-16"),
     ("someone called yesterday so try me friday at ten", "2028-03-17T10:00")],
)  # fmt: skip
def test_a_time_asked_beside_a_call_told_of(text: str, want: str) -> None:
    assert starts(callback(text), want)


def test_a_call_told_of_ru() -> None:
    assert callback("мне уже звонили во вторник", RU_WEDNESDAY, RU_LEAD) is None


# ---- 6. a time limit inside a yes -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "branch"),
    [("sure im around until noon", "yes"),
     ("ok i have till midday go ahead", "yes"),
     ("not now call me at noon", "no")],
)  # fmt: skip
def test_a_time_limit_inside_an_agreement_is_no_deferral(text: str, branch: str) -> None:
    assert step_reply(LEAD, "offer_manager", text, now=WEDNESDAY)[0] == branch

"""Calendar periods a caller names without a date: seasons, parts of a month or year,
and public holidays ("перезвоните весной", "в конце месяца", "после праздников").

Pure date arithmetic, no parsing: ``temporal`` reads the words and asks here for the
range. Every function returns ``(first, last)`` days (inclusive), never before
``today``: a period already under way starts today, as "в ноябре" said in November does.

- Seasons are the meteorological ones of the northern hemisphere (the product's
  market): spring March–May, summer June–August, autumn September–November, winter
  December–February.
- Thirds of a month: the beginning is days 1–10, the middle 11–20, the end 21 to the
  last day. The middle and the end *point at* the 15th and the 25th (the value a robot
  books), while the range covers the whole third.
- Parts of a year: the beginning is January, the middle June–July, the end December.
- Parts of a week: the beginning is Monday–Tuesday, the middle Wednesday–Thursday, the
  end Friday–Sunday.
- Holidays (their calendar is ``holidays``'): "after the holidays" is the day after the
  nearest holiday period that is under way or starts within ``HOLIDAY_HORIZON`` days; a
  holiday further away is not what the caller means, so nothing is resolved.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

import bot_engine.nlu.entities.holidays as holidays

Season = Literal["spring", "summer", "autumn", "winter"]
Phase = Literal["start", "middle", "end"]
Span = tuple[date, date]

_SEASON_START: dict[Season, int] = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}

HOLIDAY_HORIZON = 60  # days ahead a holiday may start and still be "the holidays"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    return date(d.year + month0 // 12, month0 % 12 + 1, 1)


def _clip(span: Span, today: date) -> Span:
    return (max(span[0], today), span[1])


def season_span(today: date, season: Season, *, following: bool = False) -> Span:
    """The season's range: the current one from today, else the coming one; with
    ``following`` ("next summer", "следующим летом") the one after a current one."""
    month = _SEASON_START[season]
    for year in (today.year - 1, today.year, today.year + 1):
        first = date(year, month, 1)
        last = _month_end(*divmod_month(year, month + 2))
        if last < today:
            continue
        if following and first <= today:
            continue
        return _clip((first, last), today)
    raise AssertionError("unreachable: a season starts within a year")


_PHASE_MONTH: dict[Phase, int] = {"start": 0, "middle": 1, "end": 2}


def season_phase(today: date, season: Season, phase: Phase) -> Span:
    """One month of a season ("the end of summer" is its last month, "early fall" its
    first), this one's when that month is not over, else the next one's."""
    for following in (False, True):
        first, _ = season_span(today, season, following=following)
        year, month = divmod_month(first.year, _SEASON_START[season] + _PHASE_MONTH[phase])
        if first.month < _SEASON_START[season] and season == "winter":
            year -= 1  # a winter under way started in last year's December
        last = _month_end(year, month)
        if last >= today:
            return _clip((date(year, month, 1), last), today)
    raise AssertionError("unreachable: the next season's month is ahead")


def season_ending(today: date, season: Season) -> bool:
    """Whether ``season`` is in its last month: a plan for it "осенью" said in November
    is for the next one ("этой осенью" still means this one)."""
    return today.month == (_SEASON_START[season] + 1) % 12 + 1


def season_of_year(today: date, season: Season, year: int) -> Span | None:
    """The season that starts in ``year`` ("весной следующего года"); None when over."""
    month = _SEASON_START[season]
    last = _month_end(*divmod_month(year, month + 2))
    return _clip((date(year, month, 1), last), today) if last >= today else None


def year_span(today: date, year: int) -> Span | None:
    """A whole calendar year ("в 2027 году"), from today if under way; None when over."""
    last = date(year, 12, 31)
    return _clip((date(year, 1, 1), last), today) if last >= today else None


_WEEK_THIRDS: dict[Phase, tuple[int, int]] = {"start": (0, 1), "middle": (2, 3), "end": (4, 6)}


def week_phase(today: date, phase: Phase, *, weeks_ahead: int | None) -> Span | None:
    """A part of a week: the start is Monday–Tuesday, the middle Wednesday–Thursday,
    the end Friday–Sunday. Bare ("в начале недели") is this week's or, when over, next
    week's; "this week's" when over is the past: None."""
    first_wd, last_wd = _WEEK_THIRDS[phase]
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead or 0)
    span = (monday + timedelta(days=first_wd), monday + timedelta(days=last_wd))
    if span[1] < today:
        if weeks_ahead is not None:
            return None
        span = (span[0] + timedelta(weeks=1), span[1] + timedelta(weeks=1))
    return _clip(span, today)


def divmod_month(year: int, month: int) -> tuple[int, int]:
    """(year, month) for a month number that may run past December."""
    return year + (month - 1) // 12, (month - 1) % 12 + 1


_THIRDS: dict[Phase, tuple[int, int, int | None]] = {
    "start": (1, 1, 10),  # (first day, the day it points at, last day or None: month end)
    "middle": (11, 15, 20),
    "end": (21, 25, None),
}


def month_phase(today: date, phase: Phase, *, months_ahead: int | None) -> tuple[date, Span] | None:
    """(the day it points at, range) of a third of a month. ``months_ahead`` None means
    "the month" said bare: this month's third, or next month's when it is over. A third
    of "this month" that is over is the past: None. Under way past the day it points at,
    it points at tomorrow while it lasts: "в конце месяца" said on the 28th is not now."""
    ahead = 0 if months_ahead is None else months_ahead
    first_day, point_day, last_day = _THIRDS[phase]
    for _ in range(2):
        month = _add_months(today.replace(day=1), ahead)
        first = month.replace(day=first_day)
        last = month.replace(day=last_day) if last_day else _month_end(month.year, month.month)
        if last >= today:
            point = max(month.replace(day=point_day), min(today + timedelta(days=1), last))
            return point, _clip((first, last), today)
        if months_ahead is not None:
            return None
        ahead += 1
    return None


_YEAR_PARTS: dict[Phase, tuple[int, int]] = {"start": (1, 1), "middle": (6, 7), "end": (12, 12)}


def year_phase(
    today: date, phase: Phase, *, years_ahead: int | None, year: int | None = None
) -> Span | None:
    """Range of a part of a year; bare ("в конце года") is this year's, or next year's
    when it is over; "this year's" or a named ``year``'s when over is the past: None."""
    if year is not None:
        years_ahead = year - today.year
    year = today.year + (years_ahead or 0)
    first_month, last_month = _YEAR_PARTS[phase]
    span = (date(year, first_month, 1), _month_end(year, last_month))
    if span[1] < today:
        if years_ahead is not None:
            return None
        span = (date(year + 1, first_month, 1), _month_end(year + 1, last_month))
    return _clip(span, today)


def _occurrences(today: date, lang: str, name: str) -> list[Span]:
    out = []
    for year in (today.year - 1, today.year, today.year + 1):
        days = holidays.span(lang, name, year)
        if days is not None:
            out.append(days)
    return out


def _names(lang: str, name: str | None) -> list[str]:
    """The holidays ``name`` may be: itself, or (None) every period of days off the
    caller may mean by "the holidays" (in English, only the winter break)."""
    if name is not None:
        group = holidays.GROUPS["ru" if lang == "ru" else "en"].get(name)
        return list(group) if group is not None else [name]
    if lang == "en":
        return ["holidays"]
    return ["new_year", "defender", "women", "may", "russia", "unity"]


def day_after_holiday(today: date, lang: str, name: str | None = None) -> date | None:
    """The day after the named holiday period ("new_year", "may", "christmas"), or after
    the nearest one when ``name`` is None; None when no holiday is near enough."""
    best: date | None = None
    for each in _names(lang, name):
        for first, last in _occurrences(today, lang, each):
            if last < today:
                continue
            if name is None and (first - today).days > HOLIDAY_HORIZON:
                continue
            after = last + timedelta(days=1)
            if best is None or after < best:
                best = after
            break
    return best


# ---- deadlines: "до весны", "by march", "до нового года" ------------------------------
# A deadline is the range from today to the day before the named thing next starts
# ("до весны" said in November ends on the last day of February); ``None`` when that
# day is already past.


def deadline(today: date, last: date) -> Span | None:
    """(today, last) when ``last`` is not in the past."""
    return (today, last) if last >= today else None


def next_season_start(today: date, season: Season) -> date:
    """The first day of the next such season that has not begun ("до осени" said in
    November is before next autumn)."""
    return season_span(today, season, following=True)[0]


def next_month_start(today: date, month: int) -> date:
    """The first day of the next such month that has not begun."""
    year = today.year if month > today.month else today.year + 1
    return date(year, month, 1)


def coming_month_span(today: date, month: int) -> Span:
    """The named month under way or coming ("не позже марта"), from today."""
    year = today.year if month >= today.month else today.year + 1
    return _clip((date(year, month, 1), _month_end(year, month)), today)


def next_holiday_start(today: date, lang: str, name: str | None = None) -> date | None:
    """The first day of the named holiday period that starts after today, or of the
    nearest one starting within ``HOLIDAY_HORIZON`` days when ``name`` is None."""
    days = next_holiday(today, lang, name)
    return days[0] if days is not None else None


def next_holiday(today: date, lang: str, name: str | None = None) -> Span | None:
    """The days of the holiday period ``next_holiday_start`` names."""
    best: Span | None = None
    for each in _names(lang, name):
        for first, last in _occurrences(today, lang, each):
            if first <= today:
                continue
            if name is None and (first - today).days > HOLIDAY_HORIZON:
                break
            if best is None or first < best[0]:
                best = first, last
            break
    return best


def between_holidays(today: date, lang: str) -> Span | None:
    """The working days between two holidays close together, the next such gap not over
    and starting within ``HOLIDAY_HORIZON`` days: in Russia those between the May Day
    days off and Victory Day's («между праздниками», «между майскими»), in the US the days
    between Christmas and New Year's Day ("between the holidays")."""
    for year in (today.year, today.year + 1):
        gap = _may_gap(year) if lang == "ru" else (date(year, 12, 26), date(year, 12, 31))
        if gap is None or gap[1] < today:
            continue
        if (gap[0] - today).days > HOLIDAY_HORIZON:
            return None
        return _clip(gap, today)
    return None


_DAYS_OFF_AFTER = {4: 2, 5: 2, 6: 1}
"""Days off after a holiday on a Friday, a Saturday or a Sunday (to the Monday)."""


def _days_off_around(day: date) -> Span:
    """A Russian public holiday's run of days off: a Friday one with the weekend after
    it, a Monday one with the weekend before, one on a weekend with the Monday it moves
    to (the decrees that move more days are finer than a callback needs)."""
    weekday = day.weekday()
    first = day - timedelta(days=2) if weekday == 0 else day - timedelta(days=weekday == 6)
    return first, day + timedelta(days=_DAYS_OFF_AFTER.get(weekday, 0))


def _may_gap(year: int) -> Span | None:
    """The working days (Monday to Friday) between May Day's days off and Victory Day's."""
    after = _days_off_around(date(year, 5, 1))[1] + timedelta(days=1)
    before = _days_off_around(date(year, 5, 9))[0] - timedelta(days=1)
    days = [after + timedelta(days=n) for n in range((before - after).days + 1)]
    working = [d for d in days if d.weekday() < 5]
    return (working[0], working[-1]) if working else None

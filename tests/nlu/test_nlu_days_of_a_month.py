"""A day of a month counted from its start or end ("the last day of the month", «в
последнюю пятницу месяца», "the first monday of march", "the last business day") and a
half of a month ("the second half of march", «во второй половине марта»). Before, the
first read as nothing (a callback re-asked) and the rest as the coming weekday or the
month's first day: a wrong date in the CRM. The call time is `polar_questions.now_of`:
Tuesday 3 February 2026."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import values


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [("the last day of the month", "en", "2026-02-28"),
     ("um on the last day of next month", "en", "2026-03-31"),
     ("the last friday of the month", "en", "2026-02-27"),
     ("the first monday of march", "en", "2026-03-02"),
     ("the last business day of the month", "en", "2026-02-27"),
     ("the first day of january", "en", "2027-01-01"),
     ("в последний день месяца", "ru", "2026-02-28"),
     ("последнее число следующего месяца", "ru", "2026-03-31"),
     ("в последнюю пятницу месяца", "ru", "2026-02-27"),
     ("ну в первый понедельник марта", "ru", "2026-03-02"),
     ("в последний рабочий день месяца", "ru", "2026-02-27")],
)
def test_a_day_counted_in_its_month(text: str, lang: str, want: str) -> None:
    assert values(text, lang, "date") == [want]


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [("the second half of march", "en", "2026-03-16"),
     ("in the first half of next month", "en", "2026-03-01"),
     ("во второй половине марта", "ru", "2026-03-16"),
     ("в первой половине следующего месяца", "ru", "2026-03-01")],
)
def test_a_half_of_a_month_is_its_first_day(text: str, lang: str, want: str) -> None:
    assert values(text, lang, "date") == [want]


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [("the first of next month", "en", "2026-03-01"),  # as before
     ("первого числа следующего месяца", "ru", "2026-03-01"),
     ("в конце месяца", "ru", "2026-02-25"),
     ("the last week of march", "en", "2026-03-25")],
)
def test_the_neighbours_stay_as_they_were(text: str, lang: str, want: str) -> None:
    assert values(text, lang, "date")[:1] == [want]


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [("the first monday of the month", "en", "2026-03-02"),  # this month's has gone by
     ("в первый понедельник месяца", "ru", "2026-03-02"),
     ("the first day of february", "en", "2027-02-01")],  # a month named: next year's
)
def test_a_day_gone_by_is_the_next_ones(text: str, lang: str, want: str) -> None:
    assert values(text, lang, "date")[:1] == [want]

"""Days of one month said as a range with the month named once («с пятого по десятое
ноября», "from the 25th to the 30th of october"): the range's first day, in that month
(read day by day, the first day took today's month: a wrong date in the CRM); tens said
before an ordinal's unit («двадцать третье», "twenty third") are a day, never an amount;
«на двадцать третье» names a day. Every example fails on the code before; the guards hold
on both. The call time is `polar_questions.now_of`: Tuesday 3 February 2026."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply, values


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [("с пятого по десятое марта", "ru", "2026-03-05"),
     ("ну где-то с двадцатого по двадцать пятое апреля", "ru", "2026-04-20"),
     ("с 25 по 30 апреля", "ru", "2026-04-25"),
     ("с 28 по 3 марта", "ru", "2026-02-28"),
     ("from the 12th to the 16th of march", "en", "2026-03-12"),
     ("between the 10th and the 15th of april", "en", "2026-04-10"),
     ("sometime from the 27th to the 2nd of march", "en", "2026-02-27")],
)
def test_a_day_range_takes_the_month_said_after_it(text: str, lang: str, want: str) -> None:
    assert values(text, lang, "date") == [want]


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [("с марта по май", "ru", ["2026-03-01"]),  # a range of months, as before
     ("с 28 февраля по 3 марта", "ru", ["2026-02-28", "2026-03-03"]),  # each its own month
     ("from march 9 to march 13", "en", ["2026-03-09", "2026-03-13"]),
     ("from march 9 to 13", "en", ["2026-03-09"])],  # the month said first
)
def test_ranges_that_name_each_month_stay_as_they_were(
    text: str, lang: str, want: list[str]
) -> None:
    assert values(text, lang, "date") == want


@pytest.mark.parametrize(
    ("text", "lang"),
    [("на двадцать третье", "ru"), ("сорок пятый размер", "ru"),
     ("у нас двадцать пятая квартира", "ru"), ("twenty third", "en"),
     ("we live at thirty first street", "en")],
)
def test_tens_before_an_ordinal_are_no_amount(text: str, lang: str) -> None:
    assert values(text, lang, "money") == []


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [("двадцать пять тысяч", "ru", 25000), ("сорок пять", "ru", 45),
     ("twenty five hundred", "en", 2500), ("thirty thousand", "en", 30000)],
)
def test_tens_before_a_cardinal_are_still_an_amount(text: str, lang: str, want: int) -> None:
    assert values(text, lang, "money") == [want]


@pytest.mark.parametrize(
    ("text", "want"),
    [("на двадцать третье", "2026-02-23"), ("давайте на пятое", "2026-02-05"),
     ("на пятое марта", "2026-03-05")],  # the last one, with its month, a guard
)
def test_on_a_day_in_the_accusative_is_that_day(text: str, want: str) -> None:
    assert values(text, "ru", "date") == [want]


def test_a_day_range_fills_the_timeframe_and_no_budget() -> None:
    branch, slots = step_reply("lead_qualification.ru.yaml", "ask_timeframe",
                               "наверное с пятнадцатого по двадцатое марта")
    assert branch == "ok"
    assert slots["timeframe"] == "2026-03-15" and slots.get("budget") is None

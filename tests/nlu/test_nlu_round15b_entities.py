"""Round fifteen's second part, entity classes: a weekday "of next week" is that weekday in
the next calendar week (as "tuesday next week" already was); an English year said in two
pairs ("twenty twenty nine") after "in" is that year; where the budget step counts in
thousands, a single digit of thousands, then one of hundreds ("nine five") is a price read
out, as "eleven five" is anywhere; a season, then a
month inside it as the closer guess («весной, скорее всего в апреле»), is the month. Every
example is a paraphrase, in no eval file, and fails on the code before the round; the
guards hold on both."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.nlu.entity_reading import entity_readers
from tests.nlu.polar_questions import step_reply

# Monday, 11 October 2027, 10:00: "next wednesday" and "wednesday of next week" differ.
NOW = {
    "en": datetime(2027, 10, 11, 10, 0, tzinfo=ZoneInfo("America/New_York")),
    "ru": datetime(2027, 10, 11, 10, 0, tzinfo=ZoneInfo("Europe/Moscow")),
}


found, first_date = entity_readers(NOW)


# ---- a weekday of next week -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("wednesday of next week", "2027-10-20"),
        ("maybe thursday of next week", "2027-10-21"),
        ("on the friday of next week", "2027-10-22"),
    ],
)
def test_a_weekday_of_next_week(text: str, want: str) -> None:
    assert first_date(text, "en") == want


def test_next_weekday_keeps_its_convention() -> None:
    assert first_date("next wednesday", "en") == "2027-10-13"
    assert first_date("wednesday next week", "en") == "2027-10-20"


# ---- a year said in two pairs ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("probably in twenty twenty nine", "2029-01-01"),
        ("hopefully in twenty thirty", "2030-01-01"),
    ],
)
def test_a_year_in_two_pairs(text: str, want: str) -> None:
    assert first_date(text, "en") == want


@pytest.mark.parametrize("text", ["in twenty minutes or so", "in twenty twenty we moved"])
def test_no_year_in_other_numbers(text: str) -> None:
    assert not [e for e in found(text, "en", ["date"]) if e.value.startswith("20")
                and e.value[:4] in ("2020", "2040")]


# ---- a price read out from a single digit of thousands, where the step counts in them ----


@pytest.mark.parametrize(
    ("text", "budget"), [("nine five", 9500), ("maybe eight two", 8200), ("about six two", 6200)]
)
def test_a_single_thousand_then_its_hundreds(text: str, budget: int) -> None:
    branch, slots = step_reply("lead_qualification.en.yaml", "ask_budget", text)
    assert (branch, slots["budget"]) == ("ok", budget)


@pytest.mark.parametrize(("text", "budget"), [("six seven", 6000), ("fourteen five", 14500)])
def test_a_fast_range_is_no_price(text: str, budget: int) -> None:
    branch, slots = step_reply("lead_qualification.en.yaml", "ask_budget", text)
    assert (branch, slots["budget"]) == ("ok", budget)


def test_two_digits_alone_stay_two_numbers() -> None:
    assert [e.value for e in found("nine five", "en", ["money"])] == [9, 5]


# ---- a season, then a month inside it ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("весной скорее всего в апреле", "ru", "2028-04-01"),
        ("ну осенью где-то в ноябре", "ru", "2027-11-01"),
        ("in the spring probably april", "en", "2028-04-01"),
    ],
)
def test_a_month_inside_the_season_said(text: str, lang: str, want: str) -> None:
    assert first_date(text, lang) == want


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("летом или в сентябре", "ru", "2028-06-01"),  # another span, not inside: the first
        ("в апреле весной", "ru", "2028-04-01"),
        ("in the summer or july", "en", "2028-06-01"),  # an alternative, no closer guess
    ],
)
def test_a_span_outside_the_season_keeps_the_first(text: str, lang: str, want: str) -> None:
    assert first_date(text, lang) == want

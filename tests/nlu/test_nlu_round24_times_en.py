"""Round twenty-four, English callback times and dates and sums (each example is a
paraphrase written for its class, not a reply of the eval set): offsets said with their
reason, a clock time after a routine, corrections with a reason between, days set by a
holiday, seasons said through someone, and sums in dollar slang or read out as prices."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.nlu.polar_questions import step_reply, values

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 10, 8, 40, tzinfo=NY)
"""A Tuesday morning: Friday the 13th, Thanksgiving Thursday the 26th, Christmas Eve a
Thursday, New Year's Day a Friday."""
LEAD = "lead_qualification.en.yaml"


def slot(step: str, text: str, name: str, **variables: object) -> str | None:
    """The value a reply at ``step`` fills ``name`` with (None: none)."""
    value = step_reply(LEAD, step, text, now=NOW, **variables)[1][name]
    return None if value is None else str(value)


def callback(text: str, step: str = "ask_callback") -> str | None:
    return slot(step, text, "callback_at")


# ---- 1. an offset said with its reason ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("in like ten minutes once i get the kids inside", "2026-11-10T08:50"),
     ("forty minutes im just parking the truck", "2026-11-10T09:20"),
     ("half an hour let me finish breakfast", "2026-11-10T09:10"),
     ("an hour once the roofers leave", "2026-11-10T09:40")],
)  # fmt: skip
def test_an_offset_with_its_reason(text: str, want: str) -> None:
    assert (callback(text) or "").startswith(want)


def test_an_offset_that_counts_a_noun_is_no_time() -> None:
    assert values("we took two weeks vacation", "en", "datetime") == []


# ---- 2. a clock time after a routine -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("friday after i drop the kids at school like nine thirty", "2026-11-13T09:30"),
     ("sunday like ten before church", "2026-11-15T10:00"),
     ("tonight once the baby is asleep nine ish", "2026-11-10T21:00"),
     ("tonight i have like nine errands", "2026-11-10T19:00")],
)  # fmt: skip
def test_a_clock_time_after_a_routine(text: str, want: str) -> None:
    """A hedged or "-ish" hour after a day and what the caller does first is that day's
    hour; "like nine errands" counts errands (the evening alone is booked)."""
    assert (callback(text) or "").startswith(want)


@pytest.mark.parametrize(
    ("text", "want"),
    [("cant talk im on the school run give me till half ten", "2026-11-10T10:30"),
     ("im on shift til six call then", "2026-11-10T18:00")],
)  # fmt: skip
def test_a_no_with_the_hour_the_caller_is_free(text: str, want: str) -> None:
    """"half ten" is 10:30 as the British say it, "til" is "till"."""
    branch, slots = step_reply(LEAD, "convenient", text, now=NOW)
    assert branch == "no"
    assert str(slots["callback_at"]).startswith(want)


def test_half_before_a_sum_or_an_hour_of_time_is_no_half_past() -> None:
    assert values("half five hundred", "en", "datetime") == []
    assert [str(v)[:16] for v in values("half an hour", "en", "datetime")] == [
        "2026-02-03T10:00"]


# ---- 3. corrections ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("eleven fifteen make it eleven thirty actually", "2026-11-10T11:30"),
     ("friday at two no wait my dentist is then so four", "2026-11-13T16:00"),
     ("tomorrow at nine no my kids are ten", "2026-11-11T09:00")],
)  # fmt: skip
def test_a_correction_with_a_reason_between(text: str, want: str) -> None:
    """The hour said after "so" ends the correction; a number in the reason ("my kids are
    ten") corrects nothing."""
    assert (callback(text) or "").startswith(want)


# ---- 4. days set by a holiday ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("the tuesday after new years", "2027-01-05"),
     ("the weekend before thanksgiving", "2026-11-21"),
     ("the weekend before christmas", "2026-12-19"),
     ("the friday after thanksgiving", "2026-11-27"),
     ("after christmas maybe wednesday", "2026-12-30"),
     ("a week from friday", "2026-11-20"),
     ("two days from tomorrow", "2026-11-13"),
     ("after christmas", "2026-12-26")],
)  # fmt: skip
def test_a_day_set_by_a_holiday_or_a_named_day(text: str, want: str) -> None:
    assert (callback(text) or "").startswith(want)


# ---- 5. seasons said through someone ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("we were thinking summer honestly", "2027-06"),
     ("my husband says spring", "2027-03"),
     ("i guess winter", "2026-12")],
)  # fmt: skip
def test_a_season_said_through_someone(text: str, want: str) -> None:
    assert (slot("ask_timeframe", text, "timeframe") or "").startswith(want)


def test_fall_as_a_verb_is_no_season() -> None:
    said = slot("ask_timeframe", "i might fall off the ladder", "timeframe")
    assert said is None or not said.startswith("20")


# ---- 6. sums in slang and read out as prices --------------------------------------


@pytest.mark.parametrize(
    ("text", "budget"),
    [("a buck forty", 140),
     ("about a yard", 100),
     ("two c notes", 200),
     ("three hundred well two fifty", 250),
     ("seventy a cat so one forty total", 140),
     ("we mow the yard ourselves", None)],
)  # fmt: skip
def test_sums_in_the_hundreds(text: str, budget: int | None) -> None:
    """"a buck forty" is 140 where budgets run in the hundreds, "a yard" and "a c note"
    are 100, "well" corrects a sum, a total read out after its parts wins; the garden's
    yard is no sum."""
    assert step_reply(LEAD, "ask_budget", text, now=NOW, min_budget=150)[1]["budget"] == budget


@pytest.mark.parametrize(
    ("text", "branch", "budget"),
    [("sixteen five hundred", "ok", 16500),
     ("nineteen five is what the bank approved", "ok", 19500),
     ("depends on what the bank approves", "unknown", None)],
)  # fmt: skip
def test_sums_in_the_thousands(text: str, branch: str, budget: int | None) -> None:
    """"sixteen five hundred" is its thousands, then its hundreds; a sum named as what the
    bank approved is the budget, the bank's decision alone a don't-know."""
    got, slots = step_reply(LEAD, "ask_budget", text, now=NOW, min_budget=12000)
    assert (got, slots["budget"]) == (branch, budget)


@pytest.mark.parametrize(
    ("text", "budget"),
    [("in march and we could do like 300 a month", 300),
     ("next month the water bill is 200 a month", None)],
)  # fmt: skip
def test_a_monthly_sum_beside_the_timeframe(text: str, budget: int | None) -> None:
    """A sum by the month the caller can pay is the budget; a bill they pay is not."""
    assert slot("ask_timeframe", text, "budget", min_budget=150) == (
        None if budget is None else str(budget))

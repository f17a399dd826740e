"""A caller correcting a value as they say it (`bot_engine/nlu/corrections.py`): the value
the reply ends on, keeping from the one it corrects what it does not say again (the day,
the half of the day, the thousands); a plain "no" before a value, a fallback after an "if"
and a bound ("not before ten") correct nothing. Paraphrases written for the class, not
replies of the eval set."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.nlu.polar_questions import step_reply

EN_NOW = datetime(2027, 10, 7, 12, 15, tzinfo=ZoneInfo("America/New_York"))  # a Thursday
RU_NOW = datetime(2027, 4, 28, 12, 15, tzinfo=ZoneInfo("Europe/Moscow"))  # a Wednesday
EN = "lead_qualification.en.yaml"
RU = "lead_qualification.ru.yaml"


def _slot(script: str, step: str, text: str, slot: str) -> tuple[str | None, object]:
    branch, slots = step_reply(script, step, text, now=EN_NOW if script == EN else RU_NOW)
    return branch, slots[slot]


@pytest.mark.parametrize(
    ("text", "when"),
    [("monday at 2 no sorry make it 3", "2027-10-11T15:00"),
     ("around nine i mean ten", "2027-10-08T10:00"),
     ("tomorrow evening at six actually make that seven", "2027-10-08T19:00"),
     ("the 20th no wait the 21st", "2027-10-21"),
     ("thursday or rather friday", "2027-10-08"),
     ("friday at 11 no thursday", "2027-10-14T11:00"),
     ("next week i mean tuesday", "2027-10-12"),
     ("friday at 8 pm no saturday at 10", "2027-10-09T10:00"),
     # a plain no before the value, a bound: nothing corrected
     ("no call me at five", "2027-10-07T17:00"),
     ("no tomorrow at 4", "2027-10-08T16:00"),
     ("friday no later than noon", "2027-10-08T12:00")],
)  # fmt: skip
def test_english_callback_corrected(text: str, when: str) -> None:
    """A time corrected alone keeps the day and the half of the day ("tomorrow evening at
    six, make that seven": 19:00); a day corrected alone keeps the hour."""
    branch, value = _slot(EN, "ask_callback", text, "callback_at")
    assert branch == "ok"
    assert str(value).startswith(when)


@pytest.mark.parametrize(
    ("text", "when"),
    [("в среду в пять ой нет в шесть", "2027-05-05T18:00"),
     ("послезавтра нет лучше в понедельник", "2027-05-03"),
     ("в понедельник в одиннадцать вернее в двенадцать", "2027-05-03T12:00"),
     ("пятнадцатого то есть шестнадцатого", "2027-05-16"),
     ("завтра в семь вечера нет в полседьмого", "2027-04-29T18:30"),
     ("в девять утра точнее в десять", "2027-04-29T10:00"),
     ("на следующей неделе лучше во вторник", "2027-05-04"),
     # a plain «нет» before the value, a fallback after «если»: nothing corrected
     ("нет в пятницу", "2027-04-30"),
     ("нет давайте завтра в три", "2027-04-29T15:00"),
     ("если в пятницу не выйдет тогда в понедельник", "2027-04-30")],
)  # fmt: skip
def test_russian_callback_corrected(text: str, when: str) -> None:
    """«в среду в пять ой нет в шесть»: Wednesday 18:00; «на следующей неделе, лучше во
    вторник» is the Tuesday of that week."""
    branch, value = _slot(RU, "ask_callback", text, "callback_at")
    assert branch == "ok"
    assert str(value).startswith(when)


@pytest.mark.parametrize(
    ("text", "branch", "when"),
    [("пятого не звоните лучше седьмого", "ok", "2027-05-07"),
     ("в пятницу не звоните а в субботу можно", "ok", "2027-05-01"),
     ("не звоните мне больше", "handler:opt_out", None)],
)  # fmt: skip
def test_call_refused_for_a_day_is_no_opt_out(text: str, branch: str, when: str | None) -> None:
    """«пятого не звоните, лучше седьмого»: a day ruled out for another one, not the
    calls; «не звоните мне больше» still ends them."""
    said, value = _slot(RU, "ask_callback", text, "callback_at")
    assert said == branch
    assert (value is None) if when is None else str(value).startswith(when)


@pytest.mark.parametrize(
    ("script", "text", "when"),
    [(EN, "cant talk call me monday at 9 no make it 10", "2027-10-11T10:00"),
     (RU, "занята я перезвоните в среду нет лучше в пятницу", "2027-04-30")],
)  # fmt: skip
def test_corrected_inside_not_now(script: str, text: str, when: str) -> None:
    """The time a "not now" names, corrected: the slot the callback step would ask for."""
    branch, value = _slot(script, "convenient", text, "callback_at")
    assert branch in ("no", "busy")
    assert str(value).startswith(when)


@pytest.mark.parametrize(
    ("script", "text", "when"),
    [(EN, "in march no wait april", "2028-04"),
     (RU, "в мае нет лучше в июне", "2027-06"),
     (RU, "летом точнее в июле", "2027-07")],
)  # fmt: skip
def test_timeframe_corrected(script: str, text: str, when: str) -> None:
    branch, value = _slot(script, "ask_timeframe", text, "timeframe")
    assert branch == "ok"
    assert str(value).startswith(when)


@pytest.mark.parametrize(
    ("script", "text", "budget"),
    [(EN, "maybe five no six thousand", 6000),
     (EN, "about 20k no scratch that 25k", 25000),
     (EN, "ten grand i mean twelve", 12000),
     (RU, "сорок ой нет пятьдесят", 50000),
     (RU, "тысяч восемьдесят нет семьдесят", 70000),
     (RU, "двести тысяч не потянем а сто потянем", 100000),
     (RU, "полтора миллиона нет два", 2000000),
     # a plain no before the sum: nothing corrected
     (EN, "no more than five thousand", 5000),
     (RU, "нет тысяч сто", 100000)],
)  # fmt: skip
def test_budget_corrected(script: str, text: str, budget: int) -> None:
    """A bare number corrects a sum in thousands in thousands («тысяч восемьдесят нет
    семьдесят»: 70 000; "ten grand i mean twelve": 12 000)."""
    branch, value = _slot(script, "ask_budget", text, "budget")
    assert branch == "ok"
    assert value == budget

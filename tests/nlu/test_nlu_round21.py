"""Round twenty-one: the classes the blind training batches of the round showed on the code
before it (each example is a paraphrase written for its class, not a reply of the eval
set)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot_engine.nlu import extract_entities, given_names
from tests.nlu.polar_questions import step_reply

RU_NOW = datetime(2026, 2, 10, 11, 0, tzinfo=ZoneInfo("Europe/Moscow"))
EN_NOW = datetime(2028, 2, 14, 11, 20, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(
    ("text", "value"),
    [("ну полсотни тысяч наверно", 50000), ("полмильона не больше", 500000),
     ("миллиончик где-то", 1000000), ("два мильона", 2000000), ("червонец максимум", 10000),
     ("лимончик есть", 1000000)],
)  # fmt: skip
def test_russian_sums_said_the_way_people_say_them(text: str, value: int) -> None:
    """«полсотни тысяч» is fifty thousand (it read as a thousand), «мильон» a million,
    «миллиончик» the same million said fondly, «червонец» ten thousand like «десятка»."""
    assert [e.value for e in extract_entities(text, "ru", ["money"], now=RU_NOW)] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [("maybe seven bills", [700]), ("a couple bills tops", [200]),
     ("we got bills to pay", [])],
)  # fmt: skip
def test_bills_are_hundreds_after_a_count(text: str, value: list[int]) -> None:
    assert [e.value for e in extract_entities(text, "en", ["money"], now=EN_NOW)] == value


@pytest.mark.parametrize(
    ("text", "when"),
    [("um like 6 45", "2028-02-14T18:45"), ("like 2 30", "2028-02-14T14:30"),
     ("tomorrow like 8", "2028-02-15T08:00")],
)  # fmt: skip
def test_like_before_a_clock_time_is_about(text: str, when: str) -> None:
    found = extract_entities(text, "en", ["datetime"], now=EN_NOW)
    assert [str(e.value)[:16] for e in found] == [when]


@pytest.mark.parametrize(
    ("text", "when"),
    [("around 3 weeks", "2028-03-06"), ("in like 4 days", "2028-02-18"),
     ("about 2 months", "2028-04-14"), ("like two hours from now", "2028-02-14T13:20")],
)  # fmt: skip
def test_a_span_after_about_is_how_long_not_an_hour(text: str, when: str) -> None:
    """"around 3 weeks" read as three o'clock today; a span after the hour word is a span."""
    found = extract_entities(text, "en", ["datetime"], now=EN_NOW)
    assert [str(e.value)[:len(when)] for e in found] == [when]


def test_an_hour_said_fondly_stays_an_hour() -> None:
    found = extract_entities("послезавтра в девять часиков", "ru", ["datetime"], now=RU_NOW)
    assert [str(e.value)[:16] for e in found] == ["2026-02-12T09:00"]


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [("consent_confirmation.en.yaml", "ask_consent",
      "i already told somebody from your office about it last week", "no_match:retry"),
     ("consent_confirmation.en.yaml", "ask_consent",
      "a lady from your place already asked me that", "no_match:retry"),
     ("consent_confirmation.en.yaml", "ask_consent",
      "i already told a real person from your office last month", "no_match:retry"),
     ("consent_confirmation.en.yaml", "ask_consent", "i already told your operator on the phone",
      "no_match:retry"),
     ("lead_qualification.ru.yaml", "convenient", "чаво ты говоришь", "handler:repeat"),
     ("lead_qualification.ru.yaml", "convenient", "ась чего удобно", "handler:repeat"),
     ("lead_qualification.ru.yaml", "relevant", "громче говори не слышу", "handler:repeat"),
     ("lead_qualification.ru.yaml", "greet", "ась а кто это говорит", "handler:who_is_this"),
     ("lead_qualification.ru.yaml", "greet", "чаво за фирма такая", "handler:who_is_this"),
     ("lead_qualification.en.yaml", "offer_manager", "which company was it again",
      "handler:who_is_this"),
     ("lead_qualification.en.yaml", "ask_budget", "sorry what company did you say",
      "handler:who_is_this"),
     ("lead_qualification.en.yaml", "relevant", "what company is this again say it again",
      "handler:who_is_this"),
     ("lead_qualification.en.yaml", "offer_manager", "the manager from where",
      "handler:who_is_this"),
     ("lead_qualification.ru.yaml", "offer_manager", "а менеджер это кто такой откуда",
      "handler:who_is_this"),
     ("lead_qualification.en.yaml", "offer_manager", "just put me through to a manager",
      "operator"),
     ("lead_qualification.en.yaml", "ask_budget", "say that again please", "handler:repeat")],
)  # fmt: skip
def test_handlers_heard_as_meant(script: str, step: str, text: str, branch: str) -> None:
    """A call told of is no request for a person; the country «ась», «чаво» ask to hear it
    again; a company asked again asks who calls; "a manager from where" asks what he is."""
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "lang", "now", "when"),
    [("after supper sometime", "en", "2027-10-06T16:10:00-04:00", "2027-10-06T19:00"),
     ("after dinner", "en", "2027-10-06T21:30:00-04:00", "2027-10-07T19:00"),
     ("ну после ужина", "ru", "2027-10-06T12:45:00+03:00", "2027-10-06T19:00")],
)  # fmt: skip
def test_after_dinner_is_the_evening(text: str, lang: str, now: str, when: str) -> None:
    """Said alone, like "after lunch": the evening of today, or of tomorrow once it passed."""
    found = extract_entities(text, lang, ["datetime"], now=datetime.fromisoformat(now))
    assert [str(e.value)[:16] for e in found] == [when]


@pytest.mark.parametrize(
    ("said", "asked", "same"),
    [("зинуля", "зинаида", True), ("толик", "анатолий", True), ("люся", "людмила", True),
     ("вовка", "владимир", True), ("петька", "петр", True), ("сима", "серафима", True),
     ("машка", "мария", True), ("вовка", "петр", False), ("генка", "евгений", False)],
)  # fmt: skip
def test_a_name_said_fondly_or_familiarly(said: str, asked: str, same: bool) -> None:
    """«Зинуля», «Толик», «Люся» and the familiar «-ка» («Вовка», «Петька») are the name
    asked; they are no other name."""
    assert given_names.same_name(said, asked, "ru") is same


@pytest.mark.parametrize(
    ("text", "name", "branch"),
    [("ага зинуля это", "Зинаида", "yes"), ("толик слушает", "Анатолий", "yes")],
)  # fmt: skip
def test_a_fond_name_answers_who_is_asked(text: str, name: str, branch: str) -> None:
    assert step_reply("consent_confirmation.ru.yaml", "greet", text, name=name)[0] == branch


@pytest.mark.parametrize(
    ("text", "repeat"),
    [("whoa slow down there", True), ("youre going way too fast for me", True),
     ("could you read that slower", True), ("slow down please honey", True),
     ("things slow down in the winter so sure", False), ("i talk too fast myself", False),
     ("everything is going so fast these days", False)],
)  # fmt: skip
def test_too_fast_to_follow_asks_to_hear_it_again(text: str, repeat: bool) -> None:
    """"slow down", "youre talking too fast": the question again, slower; a thing that slows
    down or the caller's own speed is no such request."""
    got = step_reply("lead_qualification.en.yaml", "relevant", text)[0]
    assert (got == "handler:repeat") is repeat


@pytest.mark.parametrize(
    ("text", "now", "day"),
    [("sometime later this week is fine", "2027-10-05T09:00:00-04:00", "2027-10-06"),
     ("this week", "2027-10-05T09:00:00-04:00", "2027-10-05"),
     ("not this one the weekend after this one", "2027-10-05T09:00:00-04:00", "2027-10-16"),
     ("the weekend after next", "2027-10-05T09:00:00-04:00", "2027-10-16"),
     ("this weekend", "2027-10-05T09:00:00-04:00", "2027-10-09")],
)  # fmt: skip
def test_later_this_week_and_the_weekend_after(text: str, now: str, day: str) -> None:
    """"later this week" is not today; "the weekend after this one" is a week on."""
    found = extract_entities(text, "en", ["datetime"], now=datetime.fromisoformat(now))
    assert [str(e.value)[:10] for e in found] == [day]

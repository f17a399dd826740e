"""Round sixteen's second part, times and amounts: a sigh ("oh") before an amount is no
zero; digits mixed with scale words («2 миллиона 400 тысяч») and a price read out in
digits ("14 5") or as one digit said twice ("six six") where the step counts thousands;
an hour and its minutes before "this afternoon" / "in the morning" / "on friday"; a weekday
said again before its hour; "may" said alone as the month; tax day; «за лето» (within the
season); a question whether the company calls or works at some time, which offers no time;
the Spanish digits on a keypad. Every example is a paraphrase, in no eval file, and fails
on the code before the round; the guards hold on both."""

from __future__ import annotations

import pytest

from bot_engine.nlu import extract_entities
from bot_engine.nlu.keys import spoken_key
from tests.nlu.polar_questions import now_of, step_reply, values

EN_LEAD = "lead_qualification.en.yaml"


def _times(text: str, lang: str) -> list[object]:
    return [e.value for e in extract_entities(text, lang, ["datetime"], now=now_of(lang))]


# ---- a sigh before an amount -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("oh about twelve grand", 12000), ("oh, 20k or so", 20000),
     ("oh like fifteen hundred dollars", 1500), ("oh probably around forty thousand", 40000)],
)
def test_oh_before_an_amount_is_no_zero(text: str, want: int) -> None:
    assert values(text, "en", "money")[0] == want


def test_oh_among_digits_stays_a_zero() -> None:
    assert values("five oh two", "en", "number") == [5, 0, 2]


# ---- digits mixed with scale words ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [("2 миллиона 400 тысяч", "ru", 2_400_000), ("где-то 3 тысячи 500", "ru", 3500),
     ("2 миллиона 500", "ru", 2_500_000), ("1 million 500 thousand", "en", 1_500_000),
     ("about 2 thousand 500 dollars", "en", 2500)],
)
def test_digits_between_scale_words(text: str, lang: str, want: int) -> None:
    assert values(text, lang, "money")[0] == want


def test_digits_after_a_scale_that_count_things_stay_apart() -> None:
    assert values("100 тысяч 2 комнаты", "ru", "money")[0] == 100_000


# ---- thousands and hundreds read out -------------------------------------------------------


@pytest.mark.parametrize(("text", "want"), [("14 5", 14500), ("about 18 5", 18500),
                                            ("like 22 5 tops", 22500)])
def test_a_price_in_digits(text: str, want: int) -> None:
    assert values(text, "en", "money") == [want]


@pytest.mark.parametrize("text", ["12 15", "12 5 bedrooms"])
def test_no_price_in_other_digit_pairs(text: str) -> None:
    assert 12500 not in values(text, "en", "money") and 12150 not in values(text, "en", "money")


@pytest.mark.parametrize(("text", "want"), [("six six", 6600), ("maybe four four", 4400),
                                            ("eight eight", 8800)])
def test_one_digit_said_twice_where_the_step_counts_thousands(text: str, want: int) -> None:
    assert step_reply(EN_LEAD, "ask_budget", text)[1]["budget"] == want


# ---- an hour and its minutes, then the day or the part of the day --------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("two fifteen this afternoon", "2026-02-03T14:15"),
     ("nine forty in the morning", "2026-02-03T09:40"),
     ("ten thirty on friday", "2026-02-06T10:30"),
     ("seven forty five this evening", "2026-02-03T19:45")],
)
def test_hour_and_minutes_before_a_part_of_the_day(text: str, want: str) -> None:
    assert str(_times(text, "en")[0]).startswith(want)


@pytest.mark.parametrize(("text", "want"), [("three this afternoon", "2026-02-03T15:00"),
                                            ("six in the evening", "2026-02-03T18:00")])
def test_an_hour_alone_before_a_part_of_the_day(text: str, want: str) -> None:
    assert str(_times(text, "en")[0]).startswith(want)


def test_a_count_before_a_part_of_the_day_is_no_hour() -> None:
    assert _times("i have twenty five minutes this afternoon", "en")[0] != (
        "2026-02-03T20:00:00-05:00")


# ---- a weekday said again, then its hour ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [("the plumber comes thursday so thursday at four", "en", "2026-02-05T16:00"),
     ("friday is my day off, friday around ten", "en", "2026-02-06T10:00"),
     ("в пятницу выходной, давайте в пятницу в два", "ru", "2026-02-06T14:00")],
)
def test_a_weekday_said_again_keeps_its_hour(text: str, lang: str, want: str) -> None:
    assert [str(v)[:16] for v in _times(text, lang)] == [want]


def test_another_weekday_is_another_time() -> None:
    assert len(_times("monday or maybe tuesday at ten", "en")) == 2


# ---- "may" alone ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["uh may", "probably may", "hmm may or so",
                                  "may, once school is out", "may but it depends on money"])
def test_may_alone_is_the_month(text: str) -> None:
    assert values(text, "en", "date")[0] == "2026-05-01"


@pytest.mark.parametrize("text", ["may i ask who is calling", "we may need it", "may be",
                                  "you may call me later"])
def test_the_verb_may_is_no_month(text: str) -> None:
    assert "2026-05-01" not in values(text, "en", "date")


# ---- tax day ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("after tax day", "2026-04-16"), ("sometime after tax season", "2026-04-16"),
     ("right after taxes", "2026-04-16"), ("on tax day", "2026-04-15")],
)
def test_tax_day(text: str, want: str) -> None:
    assert values(text, "en", "date")[0] == want


def test_tax_day_moves_off_a_weekend() -> None:
    from bot_engine.nlu.entities import holidays

    assert holidays.span("en", "tax_day", 2029) == (
        __import__("datetime").date(2029, 4, 16),) * 2  # 15 April 2029 is a Sunday


# ---- «за лето»: within the season -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("за лето хотим всё сделать", "2026-06"), ("надо успеть за осень", "2026-09"),
     ("ремонт за лето думаем закончить", "2026-06")],
)
def test_within_a_season(text: str, want: str) -> None:
    assert str(values(text, "ru", "date")[0]).startswith(want)


# ---- a question whether the company calls or works then ----------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("вы по субботам работаете?", "ru"), ("а у вас в воскресенье звонят", "ru"),
     ("а вы вечером звоните или нет", "ru"), ("do you guys call on saturday", "en"),
     ("does your office call on sunday", "en"), ("are you open on sunday", "en")],
)
def test_a_question_about_the_companys_hours_offers_no_time(text: str, lang: str) -> None:
    assert _times(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [("перезвоните мне в субботу", "ru"), ("вы позвоните в субботу", "ru"),
     ("can you call me saturday", "en")],
)
def test_a_time_offered_still_counts(text: str, lang: str) -> None:
    assert str(_times(text, lang)[0]).startswith("2026-02-07")


def test_a_time_offered_after_the_question() -> None:
    assert [str(v)[:10] for v in _times("are you open on sunday? saturday is better", "en")] == [
        "2026-02-07"]


# ---- Spanish digits on a keypad ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "key"), [("dos", "2"), ("tres please", "3"),
                                           ("press cinco", "5"), ("cero", "0")])
def test_spanish_digits_name_keys(text: str, key: str) -> None:
    assert spoken_key(text, "en") == key


def test_a_spanish_word_in_a_sentence_is_no_key() -> None:
    assert spoken_key("uno more thing", "en") is None

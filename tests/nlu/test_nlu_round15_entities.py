"""Round fifteen's entity classes: a compound ordinal day after «к» / «до» ("by the twenty
first") is that day, not an hour; the January days off («январские каникулы», "winter
break"); a week said with a vague «как-нибудь» is no time to call back; a slang unit
before its count («косаря три») is about that many thousands; a bare English amount where
the step counts in thousands; a key said next to pressing it; a menu entry chosen by
signing a contract or by maintenance. Every example is a paraphrase, in no eval file, and
fails on the code before the round; the guards hold on both."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot_engine.dialog.menu import choose_words
from bot_engine.nlu.keys import pressed_key
from tests.nlu.entity_reading import entity_readers
from tests.nlu.polar_questions import step_reply

# Tuesday, 12 October 2027, 10:00: a mid autumn morning.
NOW = {
    "en": datetime(2027, 10, 12, 10, 0, tzinfo=ZoneInfo("America/New_York")),
    "ru": datetime(2027, 10, 12, 10, 0, tzinfo=ZoneInfo("Europe/Moscow")),
}


found, first_date = entity_readers(NOW)


# ---- a compound ordinal day is no hour --------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("к двадцать шестому ноября", "ru", "2027-11-26"),
        ("ну к двадцать третьему декабря", "ru", "2027-12-23"),
        ("до двадцать второго ноября", "ru", "2027-11-22"),
        ("к двадцать седьмому", "ru", "2027-10-27"),
        ("ко второму", "ru", "2027-11-02"),
        ("by november twenty second", "en", "2027-11-22"),
        ("before december twenty first", "en", "2027-12-21"),
    ],
)
def test_a_compound_ordinal_day_after_by(text: str, lang: str, want: str) -> None:
    assert first_date(text, lang) == want


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("к двадцати", "ru", "2027-10-12T20:00"),  # the hour itself, no ordinal after it
        ("завтра в двадцать один", "ru", "2027-10-13T21:00"),
    ],
)
def test_a_plain_hour_stays_an_hour(text: str, lang: str, want: str) -> None:
    out = found(text, lang, ["datetime"])
    assert out and str(out[0].value).startswith(want)


def test_a_dative_ordinal_alone_is_no_date() -> None:
    assert found("пятому клиенту звоню", "ru", ["date"]) == []
    assert first_date("by november", "en") == "2027-10-12"  # a deadline still


# ---- the January days off ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("на январских каникулах", "ru", "2028-01-01"),
        ("сразу после январских праздников", "ru", "2028-01-09"),
        ("в январские выходные", "ru", "2028-01-01"),
        ("right after winter break", "en", "2028-01-02"),
        ("sometime over winter break", "en", "2027-12-24"),
    ],
)
def test_the_january_days_off(text: str, lang: str, want: str) -> None:
    assert first_date(text, lang) == want


def test_a_january_thing_is_no_holiday() -> None:
    assert found("январский счёт пришёл", "ru", ["date"]) == []
    assert first_date("in the winter", "en") == "2027-12-01"


# ---- a vague week is no callback time -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("в следующем месяце как нибудь", "ru"),
        ("в ноябре когда-нибудь", "ru"),
        ("на следующей неделе посмотрим", "ru"),
        ("next week at some point", "en"),
        ("next month we'll see", "en"),
    ],
)
def test_a_vague_week_is_no_callback_time(text: str, lang: str) -> None:
    assert found(text, lang, ["datetime"]) == []
    assert found(text, lang, ["date"]), "as a timeframe the span still answers"


def test_a_vague_day_is_still_that_day() -> None:
    out = found("послезавтра как-нибудь", "ru", ["datetime"])
    assert out and str(out[0].value).startswith("2027-10-14")


def test_a_vague_span_at_the_callback_step() -> None:
    branch, slots = step_reply("lead_qualification.ru.yaml", "ask_callback",
                               "на следующей неделе когда-нибудь")
    assert branch != "ok" and slots["callback_at"] is None


# ---- money: a slang unit before its count; thousands by the step's scale ---------------


@pytest.mark.parametrize(
    ("text", "want"),
    [("косарей семь", 7000), ("ну ляма два на всё", 2_000_000), ("тыров пятьдесят", 50_000)],
)
def test_a_slang_unit_before_its_count(text: str, want: int) -> None:
    out = found(text, "ru", ["money"])
    assert [e.value for e in out] == [want]


def test_a_singular_unit_before_a_number_still_adds() -> None:
    assert [e.value for e in found("тысяча двести", "ru", ["money"])] == [1200]
    assert [e.value for e in found("два косаря", "ru", ["money"])] == [2000]


@pytest.mark.parametrize(
    ("text", "budget"),
    [("eleven and a half", 11500), ("maybe nine all in", 9000), ("twelve i think", 12000)],
)
def test_a_bare_amount_counts_in_the_steps_thousands(text: str, budget: int) -> None:
    branch, slots = step_reply("lead_qualification.en.yaml", "ask_budget", text)
    assert (branch, slots["budget"]) == ("ok", budget)


@pytest.mark.parametrize(
    ("text", "budget", "min_budget"),
    [
        ("twelve i think", 12, 0),  # no threshold: no scale to read
        ("eight hundred", 800, 3000),
        ("about forty bucks", 40, 3000),
        ("fifteen", 15, 300),  # a threshold in hundreds
    ],
)
def test_a_said_or_small_scale_keeps_the_amount(text: str, budget: int, min_budget: int) -> None:
    branch, slots = step_reply("lead_qualification.en.yaml", "ask_budget", text,
                               min_budget=min_budget)
    assert (branch, slots["budget"]) == ("ok", budget)


# ---- keys and menu entries ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("один нажимаю давай звони", "ru", "1"),
        ("жму на один", "ru", "1"),
        ("two i'm pressing it now", "en", "2"),
        ("i just hit one go ahead", "en", "1"),
    ],
)
def test_a_key_said_next_to_pressing_it(text: str, lang: str, key: str) -> None:
    assert pressed_key(text, lang) == key


@pytest.mark.parametrize(
    ("text", "lang"),
    [("жму руку тебе", "ru"), ("i hit one of the cones", "en"), ("один звони", "ru")],
)
def test_no_key_without_pressing_it(text: str, lang: str) -> None:
    assert pressed_key(text, lang) is None


def test_one_pressed_at_the_callback_announcement() -> None:
    assert step_reply("callback.ru.yaml", "announce", "один нажала соединяй звони")[0] == "1"


RU_MENU = [{"name": "Отдел продаж"}, {"name": "Бухгалтерия"}, {"name": "Сервисная служба"}]
EN_MENU = [{"name": "Sales"}, {"name": "Billing"}, {"name": "Service"}]


@pytest.mark.parametrize(
    ("items", "text", "index"),
    [
        (RU_MENU, "хочу подписать договор на установку", 0),
        (RU_MENU, "заключаем договор на обслуживание", 0),
        (RU_MENU, "котлу нужно плановое техобслуживание", 2),
        (EN_MENU, "we want to sign up for the yearly plan", 0),
        (EN_MENU, "the furnace is due for maintenance", 2),
    ],
)
def test_a_menu_entry_by_signing_or_maintenance(items: list[dict[str, str]], text: str,
                                                index: int) -> None:
    assert choose_words(items, "name", text) == index


def test_paying_for_a_contract_is_still_billing() -> None:
    assert choose_words(RU_MENU, "name", "хочу оплатить договор") == 1

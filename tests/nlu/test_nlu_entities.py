"""Entities: numbers, money, dates/times relative to the call's clock, phones, names."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot_engine.nlu import Entity, EntityType, extract_entities

MSK = ZoneInfo("Europe/Moscow")
NY = ZoneInfo("America/New_York")
# Saturday, 21 November 2026, 18:25 in Moscow.
NOW = datetime(2026, 11, 21, 18, 25, tzinfo=MSK)


def one(text: str, lang: str, kind: EntityType, now: datetime = NOW) -> Entity:
    found = [e for e in extract_entities(text, lang, [kind], now=now) if e.type == kind]
    assert len(found) == 1, (text, found)
    entity = found[0]
    assert text[entity.start : entity.end] == entity.text
    return entity


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("сто двадцать тысяч", "ru", 120_000),
        ("полтора миллиона", "ru", 1_500_000),
        ("двести пятьдесят к", "ru", 250_000),
        ("120k", "ru", 120_000),
        ("120к", "ru", 120_000),
        ("120 000", "ru", 120_000),
        ("около двухсот тысяч", "ru", 200_000),
        ("сорока семи тысяч пятисот", "ru", 47_500),
        ("двух миллионов трехсот тысяч", "ru", 2_300_000),
        ("два с половиной миллиона", "ru", 2_500_000),
        ("полутора тысяч", "ru", 1_500),
        ("1,5 млн", "ru", 1_500_000),
        ("тысяча", "ru", 1000),
        ("пару тысяч", "ru", 2000),
        ("тысяч пятьдесят", "ru", 50_000),  # colloquial "about fifty thousand"
        ("миллиона два", "ru", 2_000_000),
        ("тысяча пятьсот", "ru", 1500),
        ("тысячу двести", "ru", 1200),
        ("полмиллиона", "ru", 500_000),
        ("около полумиллиона", "ru", 500_000),
        ("ста", "ru", 100),
        ("half a million", "en", 500_000),
        ("one point five million", "en", 1_500_000),
        ("two point two five", "en", 2.25),
        ("two hundred thousand", "en", 200_000),
        ("two hundred and fifty thousand", "en", 250_000),
        ("a hundred", "en", 100),
        ("one and a half million", "en", 1_500_000),
        ("1,500", "en", 1500),
        ("120k", "en", 120_000),
        ("twenty five", "en", 25),
        ("3.5", "en", 3.5),
    ],
)
def test_numbers(text: str, lang: str, value: float) -> None:
    entity = one(text, lang, "number")
    assert entity.value == value
    assert type(entity.value) is type(value)


def test_several_numbers_in_order() -> None:
    found = extract_entities("два три и сорок пять", "ru", ["number"], now=NOW)
    assert [e.value for e in found] == [2, 3, 45]
    assert [e.text for e in found] == ["два", "три", "сорок пять"]


@pytest.mark.parametrize(
    ("text", "lang", "values"),
    [
        ("в районе 300-400 тысяч", "ru", [300_000, 400_000]),
        ("от ста до двухсот тысяч", "ru", [100_000, 200_000]),
        ("two or three thousand", "en", [2000, 3000]),
        ("тысяча пятьсот", "ru", [1500]),
    ],
)
def test_a_range_shares_its_multiplier(text: str, lang: str, values: list[int]) -> None:
    assert [e.value for e in extract_entities(text, lang, ["number"], now=NOW)] == values


def test_a_range_shares_its_currency() -> None:
    found = extract_entities("от ста до двухсот тысяч рублей", "ru", ["money"], now=NOW)
    assert [(e.value, e.unit) for e in found] == [(100_000, "RUB"), (200_000, "RUB")]


def test_integer_skips_fractions() -> None:
    found = extract_entities("полтора или 2", "ru", ["integer"], now=NOW)
    assert [e.value for e in found] == [2]


@pytest.mark.parametrize(
    ("text", "lang", "value", "unit", "span"),
    [
        ("да, бюджет около двухсот тысяч", "ru", 200_000, None, "двухсот тысяч"),
        ("сто двадцать тысяч рублей", "ru", 120_000, "RUB", "сто двадцать тысяч рублей"),
        ("полтора миллиона руб", "ru", 1_500_000, "RUB", "полтора миллиона руб"),
        ("где-то 500 долларов", "ru", 500, "USD", "500 долларов"),
        ("10 000 ₽", "ru", 10_000, "RUB", "10 000 ₽"),
        ("$500", "en", 500, "USD", "$500"),
        ("two hundred thousand dollars", "en", 200_000, "USD", "two hundred thousand dollars"),
        ("about 50k euros", "en", 50_000, "EUR", "50k euros"),
        ("a thousand bucks", "en", 1000, "USD", "a thousand bucks"),
    ],
)
def test_money(text: str, lang: str, value: int, unit: str | None, span: str) -> None:
    entity = one(text, lang, "money")
    assert (entity.value, entity.unit, entity.text) == (value, unit, span)


@pytest.mark.parametrize(
    ("text", "lang", "kind", "value"),
    [
        ("завтра в три", "ru", "datetime", "2026-11-22T15:00:00+03:00"),
        ("завтра в 9", "ru", "datetime", "2026-11-22T09:00:00+03:00"),
        ("завтра в три часа ночи", "ru", "datetime", "2026-11-22T03:00:00+03:00"),
        ("послезавтра утром", "ru", "datetime", "2026-11-23T10:00:00+03:00"),
        ("в понедельник", "ru", "date", "2026-11-23"),
        ("в следующий вторник", "ru", "date", "2026-11-24"),
        ("в субботу", "ru", "date", "2026-11-28"),
        ("через неделю", "ru", "date", "2026-11-28"),
        ("через два часа", "ru", "datetime", "2026-11-21T20:25:00+03:00"),
        ("через 30 минут", "ru", "datetime", "2026-11-21T18:55:00+03:00"),
        ("через полчаса", "ru", "datetime", "2026-11-21T18:55:00+03:00"),
        ("в следующем месяце", "ru", "date", "2026-12-01"),
        ("на следующей неделе", "ru", "date", "2026-11-23"),
        ("25 декабря", "ru", "date", "2026-12-25"),
        ("двадцать пятого декабря", "ru", "date", "2026-12-25"),
        ("5 января", "ru", "date", "2027-01-05"),  # already past this year
        ("25 декабря в 15:30", "ru", "datetime", "2026-12-25T15:30:00+03:00"),
        ("в 8 вечера", "ru", "datetime", "2026-11-21T20:00:00+03:00"),
        ("в 10 утра", "ru", "datetime", "2026-11-22T10:00:00+03:00"),  # 10:00 today is past
        ("в половине третьего", "ru", "datetime", "2026-11-22T14:30:00+03:00"),
        ("перезвоните завтра часов в пять", "ru", "datetime", "2026-11-22T17:00:00+03:00"),
        ("в пятницу в 10 утра", "ru", "datetime", "2026-11-27T10:00:00+03:00"),
        ("сегодня вечером", "ru", "datetime", "2026-11-21T19:00:00+03:00"),
        ("31.12.2026", "ru", "date", "2026-12-31"),
        ("25/12", "ru", "date", "2026-12-25"),
        ("в декабре", "ru", "date", "2026-12-01"),
        ("в начале марта", "ru", "date", "2027-03-01"),
        ("в середине декабря", "ru", "date", "2026-12-15"),
        ("в конце недели", "ru", "date", "2026-11-27"),
        ("15 числа", "ru", "date", "2026-12-15"),
        ("давайте двадцать пятого", "ru", "date", "2026-11-25"),
        ("третьего", "ru", "date", "2026-12-03"),
        ("на 5-е", "ru", "date", "2026-12-05"),
        ("25-го декабря", "ru", "date", "2026-12-25"),
        ("пятого в три", "ru", "datetime", "2026-12-05T15:00:00+03:00"),
        ("завтра с утра", "ru", "datetime", "2026-11-22T10:00:00+03:00"),
        ("в четверг в два", "ru", "datetime", "2026-11-26T14:00:00+03:00"),
        ("в среду после обеда", "ru", "datetime", "2026-11-25T15:00:00+03:00"),
        ("через пару дней", "ru", "date", "2026-11-23"),
        ("через полгода", "ru", "date", "2027-05-21"),
        ("in half a year", "en", "date", "2027-05-21"),
        ("в течение недели", "ru", "date", "2026-11-28"),
        ("через несколько дней", "ru", "date", "2026-11-24"),
        ("через полтора часа", "ru", "datetime", "2026-11-21T19:55:00+03:00"),
        ("через час с половиной", "ru", "datetime", "2026-11-21T19:55:00+03:00"),
        ("завтра до обеда", "ru", "datetime", "2026-11-22T11:00:00+03:00"),
        ("in a few days", "en", "date", "2026-11-24"),
        ("in an hour and a half", "en", "datetime", "2026-11-21T19:55:00+03:00"),
        ("within two weeks", "en", "date", "2026-12-05"),
        ("в десять тридцать", "ru", "datetime", "2026-11-22T10:30:00+03:00"),
        ("тридцать первого декабря", "ru", "date", "2026-12-31"),
        ("next Monday", "en", "date", "2026-11-23"),
        ("tomorrow at 3", "en", "datetime", "2026-11-22T15:00:00+03:00"),
        ("tomorrow at 3 am", "en", "datetime", "2026-11-22T03:00:00+03:00"),
        ("in two weeks", "en", "date", "2026-12-05"),
        ("in 2 hours", "en", "datetime", "2026-11-21T20:25:00+03:00"),
        ("next month", "en", "date", "2026-12-01"),
        ("December 25", "en", "date", "2026-12-25"),
        ("the 25th of December", "en", "date", "2026-12-25"),
        ("Dec 25th at 3 pm", "en", "datetime", "2026-12-25T15:00:00+03:00"),
        ("the day after tomorrow in the morning", "en", "datetime", "2026-11-23T10:00:00+03:00"),
        ("tonight", "en", "datetime", "2026-11-21T19:00:00+03:00"),
        ("at noon on Friday", "en", "datetime", "2026-11-27T12:00:00+03:00"),
        ("2026-12-31", "en", "date", "2026-12-31"),
        ("12/25", "en", "date", "2026-12-25"),
        ("on the 15th", "en", "date", "2026-12-15"),
        ("early December", "en", "date", "2026-12-01"),
        ("at the end of the week", "en", "date", "2026-11-27"),
        ("at 3 o'clock", "en", "datetime", "2026-11-22T15:00:00+03:00"),
        ("at half past two", "en", "datetime", "2026-11-22T14:30:00+03:00"),
        ("in a couple of days", "en", "date", "2026-11-23"),
        ("tomorrow at 5:30 pm", "en", "datetime", "2026-11-22T17:30:00+03:00"),
        ("9am tomorrow", "en", "datetime", "2026-11-22T09:00:00+03:00"),
    ],
)
def test_datetime(text: str, lang: str, kind: str, value: str) -> None:
    found = extract_entities(text, lang, ["datetime"], now=NOW)
    assert [(e.type, e.value) for e in found] == [(kind, value)], text
    assert text[found[0].start : found[0].end] == found[0].text


def test_results_are_in_the_zone_of_now() -> None:
    now = datetime(2026, 7, 1, 9, 0, tzinfo=NY)
    entity = one("tomorrow at 3", "en", "datetime", now=now)
    assert entity.value == "2026-07-02T15:00:00-04:00"
    assert datetime.fromisoformat(entity.value).utcoffset() == now.utcoffset()


def test_a_range_gives_its_start_first() -> None:
    found = extract_entities("завтра с 10 до 12", "ru", ["datetime"], now=NOW)
    assert found[0].value == "2026-11-22T10:00:00+03:00"
    found = extract_entities("tomorrow between 2 and 4", "en", ["datetime"], now=NOW)
    assert found[0].value == "2026-11-22T14:00:00+03:00"


def test_date_and_time_types_split_an_expression() -> None:
    found = extract_entities("завтра в три", "ru", ["date", "time"], now=NOW)
    assert {(e.type, e.value) for e in found} == {("date", "2026-11-22"), ("time", "15:00:00")}


def test_date_only_needs_no_time() -> None:
    assert extract_entities("в понедельник", "ru", ["time"], now=NOW) == []
    assert one("в понедельник", "ru", "date").value == "2026-11-23"


def test_numbers_inside_dates_are_not_numbers() -> None:
    found = extract_entities("завтра в три, бюджет сто тысяч", "ru", ["datetime", "money"], now=NOW)
    assert [(e.type, e.value) for e in found] == [
        ("datetime", "2026-11-22T15:00:00+03:00"),
        ("money", 100_000),
    ]


@pytest.mark.parametrize("text", ["may I call you back", "I sat down", "call me later"])
def test_words_that_only_look_like_dates(text: str) -> None:
    assert extract_entities(text, "en", ["datetime"], now=NOW) == []


def test_dateparser_fallback_reads_forms_the_rules_do_not() -> None:
    # "2026/12/25" is date-shaped but not a form the rules read, so dateparser runs.
    found = extract_entities("давайте 2026/12/25", "ru", ["date"], now=NOW)
    assert [(e.value, e.text) for e in found] == [("2026-12-25", "2026/12/25")]
    found = extract_entities("on 2026/12/25 at 3 pm", "en", ["datetime"], now=NOW)
    assert [e.value for e in found] == ["2026-12-25T15:00:00+03:00"]


def test_spoken_years() -> None:
    text = "двадцать пятого декабря две тысячи двадцать седьмого года"
    assert one(text, "ru", "date").value == "2027-12-25"
    assert one("5 января двадцать седьмого года", "ru", "date").value == "2027-01-05"
    assert one("3 марта 2027 года", "ru", "date").value == "2027-03-03"


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("мой номер +7 916 123-45-67", "ru", "+79161234567"),
        ("8 916 123 45 67", "ru", "+79161234567"),
        ("89161234567", "ru", "+79161234567"),
        (
            "восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь",
            "ru",
            "+79161234567",
        ),
        ("восемь девять один шесть один два три четыре пять шесть семь", "ru", "+79161234567"),
        (
            "плюс семь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь",
            "ru",
            "+79161234567",
        ),
        ("call me at (212) 555-0123", "en", "+12125550123"),
        ("two one two five five five zero one two three", "en", "+12125550123"),
    ],
)
def test_phones(text: str, lang: str, value: str) -> None:
    found = extract_entities(text, lang, ["phone"], now=NOW, region="US" if lang == "en" else "RU")
    assert [e.value for e in found] == [value]
    assert text[found[0].start : found[0].end] == found[0].text


def test_phone_digits_are_not_money() -> None:
    found = extract_entities("+7 916 123-45-67", "ru", ["phone", "money"], now=NOW)
    assert [e.type for e in found] == ["phone"]


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("меня зовут Иван Петров", "ru", "Иван Петров"),
        ("меня зовут иван петров", "ru", "Иван Петров"),
        ("это Мария Сергеевна", "ru", "Мария Сергеевна"),
        ("с Петровым Иваном говорите", "ru", "Петров Иван"),
        ("my name is John Smith", "en", "John Smith"),
        ("my name is john smith", "en", "John Smith"),
        ("this is Anna", "en", "Anna"),
        ("my name's john", "en", "John"),
        ("Yes, I'm John", "en", "John"),
        ("I spoke to Peter Parker yesterday", "en", "Peter Parker"),
    ],
)
def test_names(text: str, lang: str, value: str) -> None:
    assert one(text, lang, "name").value == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [("да, конечно, удобно", "ru"), ("нет спасибо", "ru"), ("yes, sure", "en"), ("", "ru")],
)
def test_no_entities_in_plain_answers(text: str, lang: str) -> None:
    every: list[EntityType] = ["number", "money", "date", "time", "datetime", "phone", "name"]
    assert extract_entities(text, lang, every, now=NOW) == []


@pytest.mark.parametrize("text", ["I'm driving", "this is a bad time", "it's fine", "Да, удобно"])
def test_states_after_weak_cues_are_not_names(text: str) -> None:
    lang = "ru" if not text.isascii() else "en"
    assert extract_entities(text, lang, ["name"], now=NOW) == []


def test_only_requested_types_are_returned() -> None:
    text = "завтра в три, бюджет сто тысяч, меня зовут Иван"
    assert {e.type for e in extract_entities(text, "ru", ["name"], now=NOW)} == {"name"}
    assert extract_entities(text, "ru", [], now=NOW) == []


def test_bad_arguments_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        extract_entities("завтра", "ru", ["date"], now=datetime(2026, 11, 21, 12, 0))
    with pytest.raises(ValueError, match="unknown entity types"):
        extract_entities("завтра", "ru", ["colour"], now=NOW)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="unsupported"):
        extract_entities("завтра", "de", ["date"], now=NOW)


@pytest.mark.parametrize(
    "text",
    [
        "99999999999999999999",
        "32.13.2026",
        "в 99:99",
        "через ноль минут",
        "---",
        "к к к",
        "$",
        "через 99999999 недель",
        "in 5000000 years",
        "31/02",
    ],
)
def test_odd_input_never_crashes(text: str) -> None:
    every: list[EntityType] = ["number", "money", "date", "time", "datetime", "phone", "name"]
    for entity in extract_entities(text, "ru", every, now=NOW):
        assert text[entity.start : entity.end] == entity.text

"""Russian classes of round fifteen, third part: names, menus and times. The name asked for
as the recogniser spells it (an unstressed «о» for «а», «ья» or «иа» for «ия», an «и»
lost after a vowel) and a short form of Таисия; the name, then a question of who is
calling; «я», then a guess at the topic; «не, это не <имя>». A menu entry by the short form
of a contact's name, a position after a filler, a department by its staff in the plural
(«продажники»), a thing out of order for the service. An order to call the one named; a
message in reported speech («скажите, что я согласен»); a relative by marriage who decides
the sum; the budget question echoed with its topic. «В следующий <день>» when that day is
tomorrow; a season is no time to call back. Every example is a paraphrase, in no eval file,
and fails on the code before the round; the guards (in `*_guards` tests) hold after it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot_engine.dialog.menu import choose_words
from bot_engine.nlu import extract_entities
from tests.nlu.polar_questions import answer, step_reply

LEAD, OWN, CALLBACK = "lead_qualification.ru.yaml", "own_manager.ru.yaml", "callback.ru.yaml"


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # the name as the recogniser spells it
        ("олександр слушаю", ("александр",), "yes"),
        ("олексей да", ("алексей",), "yes"),
        ("юлиа слушаю", ("юлия",), "yes"),
        ("лидиа да", ("лидия",), "yes"),
        ("таисья да", ("таисия",), "yes"),
        ("ну тасия это", ("таисия",), "yes"),
        # a short form of Таисия
        ("тася слушает", ("таисия",), "yes"),
        ("да я тая", ("таисия",), "yes"),
        # the name, then who is calling
        ("людмила а это кто звонит", ("людмила",), "yes"),
        ("степан кто интересуется", ("степан",), "yes"),
        # «я», then a guess at the topic
        ("ну я вы насчет окон звоните", ("ольга",), "yes"),
        ("я вы по кровле наверное", ("ольга",), "yes"),
        # «не» for «нет» before «это не <имя>»
        ("не это не галина", ("галина",), "no"),
    ],
)
def test_names(text: str, names: tuple[str, ...], expected: str) -> None:
    assert answer("identity", text, "ru", names) == expected


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("алена слушаю", ("алина",), "no"),  # a name of the dictionary: another person
        ("аркадий это кто", ("аркадий",), "no"),  # who is Arkadiy: not known here
        ("марина ушла", ("марина",), "no"),
        ("сергей слушаю", ("таисия",), "no"),
        ("не это не проблема", ("галина",), None),
    ],
)
def test_names_guards(text: str, names: tuple[str, ...], expected: str | None) -> None:
    assert answer("identity", text, "ru", names) == expected


CONTACTS: list[dict[str, Any]] = [
    {"name": "Кристина Орлова"}, {"name": "Эльвира Шамсутдинова"}, {"name": "Прохор Белов"},
]
DEPARTMENTS: list[dict[str, Any]] = [
    {"name": "Отдел продаж"}, {"name": "Бухгалтерия"}, {"name": "Сервисная служба"},
]


@pytest.mark.parametrize(
    ("items", "text", "index"),
    [
        (CONTACTS, "эля нужна", 1),  # a short form of the given name
        (CONTACTS, "проша", 2),
        (CONTACTS, "ну два", 1),  # a position after a filler
        (CONTACTS, "эээ третий", 2),
        (DEPARTMENTS, "дайте продавцов", 0),  # the staff in the plural
        (DEPARTMENTS, "мне сервисников", 2),
        (DEPARTMENTS, "бухгалтеров", 1),
        (DEPARTMENTS, "котел не включается", 2),  # a thing out of order
        (DEPARTMENTS, "насос у нас не качает", 2),
    ],
)
def test_menu(items: list[dict[str, Any]], text: str, index: int) -> None:
    assert choose_words(items, "name", text) == index


@pytest.mark.parametrize(
    ("items", "text"),
    [
        (CONTACTS, "ну"),
        (CONTACTS, "эльмира"),
        (DEPARTMENTS, "мне кадровика"),
    ],
)
def test_menu_guards(items: list[dict[str, Any]], text: str) -> None:
    assert choose_words(items, "name", text) is None


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (CALLBACK, "announce", "звоните ольге", "yes"),  # the one to call, by name
        (CALLBACK, "announce", "набирай олю", "yes"),
        (OWN, "take_message", "скажите что мы согласны на рассрочку", "ok"),
        (OWN, "take_message", "скажи им что у нас все готово", "ok"),
        (LEAD, "ask_budget", "это теща решает", "unknown"),  # a relative by marriage
        (LEAD, "ask_budget", "свекор у нас решает", "unknown"),
        (LEAD, "ask_budget", "какой бюджет на баню", "handler:repeat"),  # echoed, its topic
        (LEAD, "ask_budget", "какой бюджет для ремонта", "handler:repeat"),
        (LEAD, "ask_callback", "осенью наверное", "no_match:retry"),  # a season
        (LEAD, "ask_callback", "зимой", "no_match:retry"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (CALLBACK, "announce", "звоните завтра", "no"),  # a deferral
        (OWN, "take_message", "скажите что", "handler:repeat"),
        (OWN, "take_message", "скажите что передать", "handler:repeat"),
        (LEAD, "ask_budget", "на баню тысяч триста", "ok"),
        (LEAD, "ask_callback", "в августе", "ok"),
        (LEAD, "ask_callback", "на следующей неделе", "ok"),
        (LEAD, "ask_timeframe", "осенью", "ok"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


MSK = ZoneInfo("Europe/Moscow")
SUNDAY = datetime(2027, 10, 17, 12, 0, tzinfo=MSK)
TUESDAY = datetime(2027, 10, 12, 12, 0, tzinfo=MSK)


def first_date(text: str, now: datetime) -> str:
    found = extract_entities(text, "ru", ["date"], now=now)
    assert found, text
    return str(found[0].value)


@pytest.mark.parametrize(
    ("text", "now", "want"),
    [
        ("давайте в следующий понедельник", SUNDAY, "2027-10-25"),  # tomorrow is «в понедельник»
        ("в следующую среду", TUESDAY, "2027-10-20"),
    ],
)
def test_next_weekday_is_not_tomorrow(text: str, now: datetime, want: str) -> None:
    assert first_date(text, now) == want


@pytest.mark.parametrize(
    ("text", "now", "want"),
    [
        ("в понедельник", SUNDAY, "2027-10-18"),
        ("в следующую субботу", SUNDAY, "2027-10-23"),
        ("в следующее воскресенье", SUNDAY, "2027-10-24"),
        ("в следующий четверг", TUESDAY, "2027-10-14"),
    ],
)
def test_next_weekday_guards(text: str, now: datetime, want: str) -> None:
    assert first_date(text, now) == want

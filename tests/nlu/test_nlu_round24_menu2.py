"""Round twenty-four, the spoken menu again, and two loose sums. A correction between two
listed names (the one after «ой нет», «то есть», "no wait" wins); a first name and surname
run together by the recogniser; the last entry, or an English "second one", by position; a
surname with a consonant more in its first cluster, only where nothing else fits; a trouble
come back after the job is the service's, and «повторная обработка» is no "say it again".
«тыщу-полторы» is no 1001.5 (and «пятихатка» stays in thousands, like «стольник»). Every
example is a paraphrase, in no eval file; the guards hold before and after."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot_engine.dialog.menu import choose_words
from bot_engine.dialog.runtime import runtime_for
from bot_engine.script import load_script_file
from tests.nlu.polar_questions import step_reply

PEOPLE: list[dict[str, Any]] = [
    {"name": "Анна Соколова"}, {"name": "Игорь Лапин"}, {"name": "Игорь Мухин"},
    {"name": "Олег Петрович Гусев"}, {"name": "Марк Шульц"},
]
PEOPLE_EN: list[dict[str, Any]] = [
    {"name": "Laura Kent"}, {"name": "Omar Haddad"}, {"name": "Greta Lind"},
]
DEPARTMENTS: list[dict[str, Any]] = [
    {"name": "Отдел продаж"}, {"name": "Бухгалтерия"}, {"name": "Сервисная служба"},
]
DEPARTMENTS_EN: list[dict[str, Any]] = [
    {"name": "Sales"}, {"name": "Accounting"}, {"name": "Service"},
]
DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"


@pytest.mark.parametrize(
    ("items", "text", "index"),
    [
        # a correction: the name after it wins
        (PEOPLE, "гусева ой нет соколову", 0),
        (PEOPLE, "мухина нет стоп лапина", 1),
        (PEOPLE, "лапина ой нет мухина пожалуйста", 2),
        (PEOPLE, "соколову то есть гусева", 3),
        (PEOPLE, "шульца вернее анну", 0),
        (PEOPLE_EN, "haddad no wait lind", 2),
        # two names run together by the recogniser
        (PEOPLE, "аннасоколова", 0),
        (PEOPLE, "игорьмухин", 2),
        (PEOPLE, "маркшульц", 4),
        # the last one by position; an English ordinal with its "one"
        (PEOPLE, "последнего", 4),
        (PEOPLE, "мне последнего по списку", 4),
        (PEOPLE_EN, "the last one please", 2),
        (PEOPLE_EN, "the second one", 1),
        (PEOPLE, "второго", 1),
        # a consonant more in the surname's first cluster
        (PEOPLE, "гнусева", 3),
        (PEOPLE, "шмульца", 4),
        # a trouble come back after the job is the service's
        (DEPARTMENTS, "после дезинфекции тараканы снова полезли", 2),
        (DEPARTMENTS, "после обработки муравьи опять появились", 2),
        (DEPARTMENTS, "гарантийная повторная дезинсекция", 2),
        (DEPARTMENTS_EN, "the ants came back after the treatment", 2),
        # guards: the other families keep their department
        (DEPARTMENTS, "хочу заказать обработку квартиры", 0),
        (DEPARTMENTS, "опять пришёл счёт на оплату", 1),
    ],
)
def test_menu_choice(items: list[dict[str, Any]], text: str, index: int) -> None:
    assert choose_words(items, "name", text) == index


@pytest.mark.parametrize(
    ("items", "text"),
    [
        # a name not on the list stays no match, corrected to or not
        (PEOPLE, "гусева ой нет ирину"),
        (PEOPLE, "мне ирину"),
        (PEOPLE, "позовите тимура"),
        (PEOPLE, "игорьсидоров"),
        # two Igors: a position before the given name is no choice
        (PEOPLE, "второго игоря"),
        (PEOPLE, "игоря"),
        # the last said in passing is no position
        (PEOPLE, "я в последний день звоню мне ирину"),
        (PEOPLE_EN, "none of them"),
    ],
)
def test_menu_no_choice(items: list[dict[str, Any]], text: str) -> None:
    assert choose_words(items, "name", text) is None


def _menu_handler(text: str) -> str | None:
    script = load_script_file(DIALOGS / "contact_menu.ru.yaml").script
    return runtime_for(script).handlers.match(text).intent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a second job is no "say it again"
        ("повторная обработка по гарантии", None),
        ("нужен повторный выезд", None),
        # guards: said again is still said again
        ("повторите пожалуйста", "repeat"),
        ("можно повторить", "repeat"),
    ],
)
def test_a_second_job_is_no_repeat(text: str, expected: str | None) -> None:
    assert _menu_handler(text) == expected


LEAD_RU = "lead_qualification.ru.yaml"


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("ну пятихатку наверное", 500_000),
        ("тыщу-полторы где-то", 1000),
        ("тысяча полторы", 1000),
        # guards: a fraction before its multiplier, a bare number in thousands
        ("полтора миллиона", 1_500_000),
        ("тысяча с половиной", 1500),
        ("пятьсот", 500_000),
    ],
)
def test_budget_slang_and_ranges(text: str, budget: int) -> None:
    branch, slots = step_reply(LEAD_RU, "ask_budget", text)
    assert (branch, slots["budget"]) == ("ok", budget)

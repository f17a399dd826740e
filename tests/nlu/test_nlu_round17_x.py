"""Classes of round seventeen: names, amounts and menus, in both languages. To "is this X?":
the name asked for as the recogniser slips it (a long name's unstressed vowels, «свитослав»;
"z" for "s", a final "nd" heard as "n", a middle syllable split off, "roz a lynn"), followed
by a greeting, by the caller owning it or by a remark after "<name> here"; a yes with a bad
line's complaint; an ok, then who is calling; a startled "what? oh, yes"; who was asked for,
not caught; «это маша, ...», a child's age, someone away till a time; which company, by
words of the call's own names. Amounts: slang for tens of thousands («сорокет»), an area in
«соток», a total said after the sum or concluded from an earlier one, a clock time glued in
digits ("at 730"). Menus: an entry by a short name in another case («розу»), none of them,
the list asked again, a fault described. Every example is a paraphrase, in no eval file,
and fails on the code before the round; the guards go the other way after it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot_engine.dialog.menu import asks_list_again, choose_words
from bot_engine.nlu import extract_entities
from tests.nlu.polar_questions import answer, step_reply

LEAD_RU, LEAD_EN = "lead_qualification.ru.yaml", "lead_qualification.en.yaml"
CONSENT_RU = "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("lang", "text", "name", "expected"),
    [
        # the name's unstressed vowels misheard, the word a name the dictionary guesses
        ("ru", "владеслав да", "владислав", "yes"),
        ("ru", "ростеслав слушаю", "ростислав", "yes"),
        ("ru", "екатирина да", "екатерина", "yes"),
        ("ru", "маргарета слушаю", "маргарита", "yes"),
        # a middle syllable split off; "z" for "s", a final "nd" heard as "n"
        ("en", "ros a lynn here", "rosalind", "yes"),
        ("en", "rozalind here", "rosalind", "yes"),
        ("en", "christopfer here", "christopher", "yes"),  # one consonant misheard
        # the name, then a greeting
        ("ru", "тамара вечер добрый", "тамара", "yes"),
        ("ru", "геннадий утро доброе", "геннадий", "yes"),
        # the name, then the caller owning it
        ("ru", "людмила это моё имя", "людмила", "yes"),
        ("ru", "аркадий так меня зовут", "аркадий", "yes"),
        ("en", "douglas thats my name yep", "douglas", "yes"),
        ("en", "bernard thats my name yes", "bernard", "yes"),
        # "<name> here", then a remark of the moment
        ("en", "megan here hold on the kettle is going", "megan", "yes"),
        ("en", "tyler here hang on the oven timer", "tyler", "yes"),
        # someone else introduced, a child, someone away till a time
        ("ru", "это петя мне восемь лет а мама в магазине", "ольга", "no"),
        ("ru", "это ирина николаевна соседка", "ольга", "no"),
        ("ru", "мне шесть лет", "ольга", "no"),
        ("en", "im only seven", "megan", "no"),
        ("en", "im eight years old", "megan", "no"),
        ("en", "shell be back on monday", "megan", "no"),
        # another name with a bad line's complaint, or owned
        ("ru", "марина говорите громче", "ольга", "no"),
        ("en", "carla thats my name yes", "rosalind", "no"),
        # a startled "what? oh, yes"
        ("en", "what oh yes speaking", "megan", "yes"),
        ("ru", "что а да это я", "ольга", "yes"),
    ],
)
def test_identity(lang: str, text: str, name: str, expected: str) -> None:
    assert answer("identity", text, lang, (name,)) == expected


@pytest.mark.parametrize(
    ("lang", "text", "name", "expected"),
    [
        ("ru", "да это марина", "святослав", "no"),  # a real other name stays another person
        ("ru", "ростислав да", "святослав", "no"),
        ("ru", "да это станислав", "святослав", "no"),
        ("ru", "алена слушаю", "алина", "no"),  # short names of the dictionary: strictly
        ("ru", "владислав да", "вячеслав", "no"),
        ("ru", "эльмира слушаю", "эльвира", "no"),  # a name of the dictionary: its own
        ("ru", "мирослава слушаю", "мирослав", "no"),  # another ending, another person
        ("en", "danielle here", "daniella", "no"),
        ("en", "jessica thats my name", "megan", "no"),
        ("en", "hes on a fishing trip till the fifteenth", "douglas", "no"),
        ("ru", "ну волентина это", "валентина", "yes"),  # a loose spelling, as before
        ("ru", "марина добрый вечер", "ольга", "no"),
        ("ru", "святослав ушёл", "святослав", "no"),
        ("ru", "тамара слушаю только её нет", "тамара", "no"),
        ("en", "carla here hang on", "megan", "no"),
        ("en", "rosalind here no she isnt", "rosalind", "no"),
    ],
)
def test_identity_guards(lang: str, text: str, name: str, expected: str) -> None:
    assert answer("identity", text, lang, (name,)) == expected


@pytest.mark.parametrize(
    ("script", "text", "branch"),
    [
        # a yes with the bad line's complaint: no repeat
        (LEAD_RU, "ольга слушаю вас плохо слышно говорите громче", "yes"),
        (LEAD_RU, "да ольга только громче говорите плохо слышу", "yes"),
        (LEAD_EN, "yes megan speak up i cant hear you", "yes"),
        (LEAD_EN, "this is megan can you speak up i cant hear you", "yes"),
        # an ok, then who is calling
        (LEAD_EN, "okay who is this", "handler:who_is_this"),
        (LEAD_EN, "ok so whos calling", "handler:who_is_this"),
        (LEAD_RU, "ладно а кто звонит", "handler:who_is_this"),
        (LEAD_RU, "хорошо а кто это", "handler:who_is_this"),
        # who was asked for, not caught
        (LEAD_EN, "who did you say i missed your name", "handler:repeat"),
        # a startled "what? oh, yes"
        (LEAD_EN, "what oh yes this is megan", "yes"),
        # which company, by words of its name
        (CONSENT_RU, "а окна какие", "handler:who_is_this"),
        (LEAD_RU, "какой плюс", "handler:who_is_this"),
        (LEAD_RU, "окна плюс какие ещё", "handler:who_is_this"),
    ],
)
def test_greeting_steps(script: str, text: str, branch: str) -> None:
    assert step_reply(script, "greet", text)[0] == branch


@pytest.mark.parametrize(
    ("script", "text", "branch"),
    [
        (LEAD_RU, "да ольга повторите громче", "handler:repeat"),  # asked again: a repeat
        (LEAD_EN, "i cant hear you speak up", "handler:repeat"),  # no yes, no name
        (LEAD_EN, "yes whos this", "yes"),  # a yes, then who: still a yes
        (LEAD_RU, "да а кто это", "yes"),
        (LEAD_RU, "какая ольга", "no"),  # the name asked for, not the company
        # no word of the company's name: no who-is-this; the phone not caught, asked again
        (LEAD_RU, "какой телефон", "handler:repeat"),
        (LEAD_EN, "what who is this", "handler:who_is_this"),
        (LEAD_RU, "да ольга это я только погромче а то плохо слышу", "yes"),
        (LEAD_RU, "кого вам я не расслышал", "handler:repeat"),
    ],
)
def test_greeting_steps_guards(script: str, text: str, branch: str) -> None:
    assert step_reply(script, "greet", text)[0] == branch


RU_NOW = datetime(2029, 7, 10, 19, 40, tzinfo=ZoneInfo("Europe/Moscow"))
EN_NOW = datetime(2029, 7, 10, 18, 50, tzinfo=ZoneInfo("America/New_York"))


def _values(text: str, lang: str, kind: str) -> list[Any]:
    now = RU_NOW if lang == "ru" else EN_NOW
    return [e.value for e in extract_entities(text, lang, [kind], now=now)  # type: ignore[list-item]
            if e.type == kind]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "ну тридцатник где-то", [30000]),
        ("ru", "двадцатник не больше", [20000]),
        ("ru", "сорокета хватит", [40000]),
        ("ru", "дом сто двадцать метров и участок двенадцать соток бюджет тысяч сорок", [40000]),
        ("ru", "скидка десять процентов а так тысяч пятьдесят", [50000]),
        ("ru", "дача восемь соток", []),  # an area, an age: no sum
        ("ru", "мне семьдесят лет", []),
        ("en", "the credit is three hundred so about two grand", [2000]),
        ("en", "around two thousand total after the four hundred discount", [2000]),
        ("ru", "пятьдесят на камеры и двадцать на монтаж семьдесят тысяч всего", [70000]),
    ],
)
def test_amounts(lang: str, text: str, expected: list[int]) -> None:
    assert _values(text, lang, "money") == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "fifteen hundred or two thousand", [1500, 2000]),  # a choice, not a total
        ("ru", "сотку дам", [100000]),  # «сотка» as money still
        ("ru", "от тридцати до сорока тысяч", [30000, 40000]),
    ],
)
def test_amounts_guards(lang: str, text: str, expected: list[int]) -> None:
    assert _values(text, lang, "money") == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "call me at 830 tonight", "2029-07-10T20:30:00-04:00"),
        ("en", "friday 1015 am", "2029-07-13T10:15:00-04:00"),
        ("en", "thursday around 415 in the afternoon", "2029-07-12T16:15:00-04:00"),
        ("ru", "завтра в 830 утра", "2029-07-11T08:30:00+03:00"),
    ],
)
def test_glued_clock(lang: str, text: str, expected: str) -> None:
    assert _values(text, lang, "datetime") == [expected]


def test_glued_clock_guards() -> None:
    assert _values("at 1200 dollars", "en", "datetime") == []
    assert _values("tomorrow 1500", "en", "datetime") == []  # no time word: a sum or a count


CONTACTS: list[dict[str, Any]] = [
    {"name": "Валентина Крылова"}, {"name": "Станислав Жуков"}, {"name": "Людмила Орлова"},
]
NAMES: list[dict[str, Any]] = [
    {"name": "Розалина Орлова"}, {"name": "Стефания Крылова"}, {"name": "Марина Мамедова"},
]
DEPARTMENTS: list[dict[str, Any]] = [
    {"name": "Отдел продаж"}, {"name": "Бухгалтерия"}, {"name": "Сервисная служба"},
]
DEPARTMENTS_EN: list[dict[str, Any]] = [{"name": "Sales"}, {"name": "Billing"},
                                        {"name": "Service"}]


@pytest.mark.parametrize(
    ("items", "text", "index"),
    [
        (NAMES, "розу давайте", 0),  # the given name clipped, in the accusative
        (NAMES, "мне стефу пожалуйста", 1),
        (DEPARTMENTS, "котёл барахлит", 2),  # a fault described is the service's
        (DEPARTMENTS, "ворота не открываются", 2),
        (DEPARTMENTS, "камера не пишет", 2),
        (DEPARTMENTS, "датчик срабатывает сам по себе", 2),
        (DEPARTMENTS_EN, "the gate wont close", 2),
        (DEPARTMENTS_EN, "the sensor keeps beeping", 2),
    ],
)
def test_menu(items: list[dict[str, Any]], text: str, index: int) -> None:
    assert choose_words(items, "name", text) == index


@pytest.mark.parametrize(
    ("items", "text"),
    [
        (CONTACTS, "ни один из них"),  # none of them, whatever number is said
        (DEPARTMENTS_EN, "none of them two"),
    ],
)
def test_menu_none(items: list[dict[str, Any]], text: str) -> None:
    assert choose_words(items, "name", text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("а кто там был третий", True),
        ("напомните какой был первый", True),
        ("sorry who was the second one again", True),
        ("второй", False),
        ("кто вы такие", False),
    ],
)
def test_menu_list_again(text: str, expected: bool) -> None:
    assert asks_list_again(text) is expected


@pytest.mark.parametrize(
    ("items", "text", "index"),
    [
        (DEPARTMENTS, "мне не нравится цена", 0),  # no fault: a price
        (DEPARTMENTS, "не получается оплатить счёт", 1),  # payment, no device
        (DEPARTMENTS, "не знаю куда мне с этим обратиться", None),
        (CONTACTS, "второго", 1),
        (DEPARTMENTS, "никто не берёт трубку в сервисе", 2),  # nobody there, no refusal
        (NAMES, "маму позовите", None),  # a word, no clipped name
        (CONTACTS, "люду позовите", 2),
    ],
)
def test_menu_guards(items: list[dict[str, Any]], text: str, index: int | None) -> None:
    assert choose_words(items, "name", text) == index


@pytest.mark.parametrize(
    ("asked", "text", "branch"),
    [("Christina", "christian here", "no"),  # two letters swapped into another name
     ("Christian", "yes christina speaking", "no"),
     ("Michael", "yes micheal here", "yes"),  # guards: a spelling of the same name
     ("Brian", "brain here yes", "yes")],
)
def test_letters_swapped_into_a_name_of_its_own(asked: str, text: str, branch: str) -> None:
    assert step_reply("lead_qualification.en.yaml", "greet", text, name=asked)[0] == branch

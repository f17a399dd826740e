"""Round twenty-four: the spoken menu. A department by the caller's need, not its name, by
family (a complaint, a problem, a replacement, an adjustment, a fault or a worker who did not
come is the service's; any payment, transfer, refund or certificate about money is
accounting's; a choice, a sign-up, a price or a new contract is sales'), in Russian and
English, and a post the menu does not hold answers nothing. The list asked for again by a
question of who, whatever entry it mentions. A contact by an affectionate form of the
given name, a short form without its first vowel, a first «э» misheard, a consonant said
twice heard once, a compound surname heard as two words. Every example is a paraphrase, in
no eval file; the guards hold before and after."""

from __future__ import annotations

from typing import Any

import pytest

from bot_engine.dialog.menu import asks_list_again, choose_words

DEPARTMENTS: list[dict[str, Any]] = [
    {"name": "Отдел продаж"}, {"name": "Бухгалтерия"}, {"name": "Сервисная служба"},
]
DEPARTMENTS_EN: list[dict[str, Any]] = [
    {"name": "Sales"}, {"name": "Accounting"}, {"name": "Service"},
]


@pytest.mark.parametrize(
    ("items", "text", "index"),
    [
        # the service: a complaint, a problem, a replacement, a fault, a no-show, an adjustment
        (DEPARTMENTS, "хочу пожаловаться на монтажников", 2),
        (DEPARTMENTS, "у нас проблема с сиделкой", 2),
        (DEPARTMENTS, "сантехник так и не пришёл", 2),
        (DEPARTMENTS, "нужно заменить фильтр", 2),
        (DEPARTMENTS, "окно повело после монтажа что-то не так", 2),
        (DEPARTMENTS, "плитка треснула", 2),
        (DEPARTMENTS, "котёл надо отрегулировать", 2),
        (DEPARTMENTS, "прочистка канализации нужна", 2),
        (DEPARTMENTS_EN, "i want to make a complaint", 2),
        (DEPARTMENTS_EN, "the technician never showed up", 2),
        (DEPARTMENTS_EN, "the gate needs adjusting", 2),
        (DEPARTMENTS_EN, "the door wobbles after the install", 2),
        # accounting: any payment, transfer, refund or certificate about money
        (DEPARTMENTS, "рассчитывался наличкой", 1),
        (DEPARTMENTS, "перевёл деньги а они не дошли", 1),
        (DEPARTMENTS, "у меня переплата получилась", 1),
        (DEPARTMENTS, "справка нужна для вычета", 1),
        (DEPARTMENTS_EN, "i think i overpaid", 1),
        (DEPARTMENTS_EN, "about a bank transfer i made", 1),
        (DEPARTMENTS_EN, "i need a tax certificate", 1),
        # sales: a choice, a sign-up, a price, a new contract
        (DEPARTMENTS, "помогите выбрать газонокосилку", 0),
        (DEPARTMENTS, "насчёт нового договора", 0),
        (DEPARTMENTS, "почём у вас септики", 0),
        (DEPARTMENTS, "подобрать котёл под дом", 0),
        (DEPARTMENTS_EN, "i'd like to choose a model", 0),
        (DEPARTMENTS_EN, "how much is the premium plan", 0),
        (DEPARTMENTS_EN, "about a new contract", 0),
    ],
)
def test_department_by_need(items: list[dict[str, Any]], text: str, index: int) -> None:
    assert choose_words(items, "name", text) == index


@pytest.mark.parametrize(
    ("items", "text", "index"),
    [
        # guards: what the code chose before still holds
        (DEPARTMENTS, "проблема с оплатой", 1),  # a problem, but the payment decides
        (DEPARTMENTS, "по оплате нового договора", 1),  # a new contract, but the payment
        (DEPARTMENTS, "счёт не пришёл", 1),  # a bill not come is no worker not come
        (DEPARTMENTS, "хочу заказать замену окон", 0),  # buying outweighs a replacement
        (DEPARTMENTS, "заключить договор на обслуживание", 0),
        (DEPARTMENTS, "мне купить охрану на дачу", 0),  # security sold, no post
        (DEPARTMENTS_EN, "the heater broke after the install", 2),
        (DEPARTMENTS_EN, "how much do i owe on my bill", 1),
    ],
)
def test_department_by_need_guards(items: list[dict[str, Any]], text: str, index: int) -> None:
    assert choose_words(items, "name", text) == index


@pytest.mark.parametrize(
    ("items", "text"),
    [
        # a post no entry holds: no department, whatever the need
        (DEPARTMENTS, "дайте начальника с жалобой на установщиков"),
        (DEPARTMENTS, "мне юриста по возврату денег"),
        (DEPARTMENTS, "хочу пожаловаться на доктора"),
        (DEPARTMENTS_EN, "i need the director about a refund"),
        (DEPARTMENTS, "не знаю куда мне"),
    ],
)
def test_department_by_need_none(items: list[dict[str, Any]], text: str) -> None:
    assert choose_words(items, "name", text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ещё раз кто там", True),
        ("а кто второй", True),
        ("так кто там первый был", True),
        ("а можно ещё раз кто там по списку", True),
        ("ещё раз какая там последняя", True),
        ("who was on the list again", True),
        ("and who s there again", True),
        # guards: no question of the list
        ("кто там", False),
        ("а кто у вас есть", False),
        ("ещё раз второй", False),
        ("who are you", False),
    ],
)
def test_list_asked_again(text: str, expected: bool) -> None:
    assert asks_list_again(text) is expected


CONTACTS: list[dict[str, Any]] = [
    {"name": "Ульяна Горбунова"}, {"name": "Всеволод Кассиров"}, {"name": "Анастасия Тихая"},
]


@pytest.mark.parametrize(
    ("items", "text", "index"),
    [
        # an affectionate form of the given name, in any case
        ([{"name": "Пелагея Рыбина"}, {"name": "Пётр Ким"}], "пелагеюшку", 0),
        (CONTACTS, "ульянушку позовите", 0),
        ([{"name": "Алёна Бойко"}, {"name": "Пётр Ким"}], "алёнушку можно", 0),
        # a short form without the first vowel of the name
        ([{"name": "Аполлинария Ли"}, {"name": "Пётр Ким"}], "полю позовите", 0),
        ([{"name": "Ефросинья Лаптева"}, {"name": "Пётр Ким"}], "фросе передайте", 0),
        # a first «э» misheard
        ([{"name": "Эвелина Кох"}, {"name": "Пётр Ким"}], "авелину", 0),
        # a consonant said twice across a vowel heard once
        ([{"name": "Пётр Ким"}, {"name": "Всеслав Ильин"}], "вселаву", 1),
        # a compound surname heard as two words
        ([{"name": "Пётр Ким"}, {"name": "Олег Нетудыхата"}], "нету дыхата", 1),
        ([{"name": "Пётр Ким"}, {"name": "Олег Криворучко"}], "мне криво ручко", 1),
    ],
)
def test_contact_by_name_form(items: list[dict[str, Any]], text: str, index: int) -> None:
    assert choose_words(items, "name", text) == index


@pytest.mark.parametrize(
    ("items", "text"),
    [
        # guards: another person, no name
        ([{"name": "Эльвира Шамсутдинова"}, {"name": "Пётр Ким"}], "альмиру"),
        (CONTACTS, "ну"),
        ([{"name": "Эвелина Кох"}, {"name": "Пётр Ким"}], "мне бы ирину"),
        ([{"name": "Мирослава Кох"}, {"name": "Пётр Ким"}], "ярослава"),
        ([{"name": "Лада Кох"}, {"name": "Пётр Ким"}], "ладушки"),  # a word, no name
    ],
)
def test_contact_by_name_form_guards(items: list[dict[str, Any]], text: str) -> None:
    assert choose_words(items, "name", text) is None

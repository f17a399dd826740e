"""Russian classes of round sixteen: names, handlers and amounts. The name asked for, then
«это» and the caller's own yes; a thing the caller will see to («это я подумаю»), no «это
я» of identity; the handlers at entity steps (the line breaking up, the question not
understood after its words, who is calling after a hedge, the matter or the kind of caller
guessed); a sum that waits for an event; a part of a large sum; a deadline named by the
weather; the message in reported speech; who is calling onto the operator's line; a «-слав»
name by its nickname. Every example is a paraphrase, in no eval file, and fails on the code
before the round; the guards (in `*_guards` tests) hold after it."""

from __future__ import annotations

from typing import Any

import pytest

from bot_engine.dialog.menu import choose_words
from bot_engine.nlu.polar import answer_to_offer
from tests.nlu.polar_questions import answer, step_reply

LEAD, OWN = "lead_qualification.ru.yaml", "own_manager.ru.yaml"
CONSENT = "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # the name, «это» and the caller's own yes or speaking
        ("оля это угу", ("ольга",)),
        ("валя это ага", ("валентина",)),
        ("серёжа это да", ("сергей",)),
        ("гена это с дачи говорю", ("геннадий",)),
        # the name said twice, then a question of the caller's own
        ("ну ира я ира а что надо", ("ирина",)),
        ("костя я костя по какому вопросу", ("константин",)),
    ],
)
def test_named_then_yes(text: str, names: tuple[str, ...]) -> None:
    assert answer("identity", text, "ru", names) == "yes"


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("оля это дочка моя", ("ольга",), "no"),  # the one asked for, spoken of
        ("ольга это кто", ("ольга",), "no"),
        ("марина это ее мама говорю", ("марина",), "no"),
        ("ну ира я ира его жена", ("ирина",), "no"),
        ("да это я", ("ольга",), "yes"),
        ("это я а что", ("ольга",), "yes"),
    ],
)
def test_named_then_yes_guards(text: str, names: tuple[str, ...], expected: str) -> None:
    assert answer("identity", text, "ru", names) == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # «это» the thing asked about, «я» the one who will see to it later: no answer yet
        ("consent", "это я ещё посмотрю", None),
        ("consent", "ну это я с мужем обсужу", None),
        ("readback", "это я потом проверю", None),
        # guards: «это я» of identity, and a yes that follows it
        ("identity", "да это я слушаю", "yes"),
        ("consent", "это я согласна", "yes"),
    ],
)
def test_thing_i_will_see_to(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "ru", ("ольга",)) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the line breaking up, then a question word
        (LEAD, "relevant", "обрывается что", "handler:repeat"),
        (CONSENT, "ask_consent", "пропадаете чего", "handler:repeat"),
        # the question not understood or not heard, after its words
        (LEAD, "ask_budget", "на что сумма не слышу вас", "handler:repeat"),
        (LEAD, "ask_budget", "про что сумма не слышу", "handler:repeat"),
        (LEAD, "offer_manager", "с кем связать не поняла вас", "handler:repeat"),
        # the thing asked, then what was asked of it
        (LEAD, "ask_budget", "сумма какая вы сказали", "handler:repeat"),
        (LEAD, "ask_timeframe", "дата какая вы спрашиваете", "handler:repeat"),
        # who is calling asked outright after a hedge
        (LEAD, "ask_budget", "а для чего вам это знать кто вы", "handler:who_is_this"),
        (LEAD, "ask_budget", "зачем вам знать вы кто такие", "handler:who_is_this"),
        # the matter of the call guessed with «по», the kind of caller with «или»
        (LEAD, "ask_callback", "а вы по кредиту что ли", "handler:who_is_this"),
        (LEAD, "ask_budget", "вы по страховке или как", "handler:who_is_this"),
        (LEAD, "ask_callback", "вы по ремонту что ли", "handler:who_is_this"),
        (LEAD, "ask_timeframe", "а вы сами кто дилеры или завод", "handler:who_is_this"),
        (LEAD, "ask_timeframe", "вы дилеры или производитель", "handler:who_is_this"),
        (CONSENT, "ask_consent", "это опрос или нет", "handler:who_is_this"),
        # a sum waiting for an event: don't know
        (LEAD, "ask_budget", "продадим гараж тогда будет понятно", "unknown"),
        (LEAD, "ask_budget", "как зарплату поднимут тогда скажу", "unknown"),
        (LEAD, "ask_budget", "как вернётся муж станет понятно", "unknown"),
        # the message in reported speech, no pronoun after «что»
        (OWN, "take_message", "скажи ему что ключи у соседки", "ok"),
        (OWN, "take_message", "скажите что документы отправила", "ok"),
        (OWN, "take_message", "скажите что деньги пришли спасибо", "ok"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD, "ask_budget", "по моему тысяч сто", "ok"),
        (LEAD, "ask_budget", "не знаю", "unknown"),
        (LEAD, "ask_budget", "зачем вам это знать", "unknown"),
        (LEAD, "offer_manager", "с кем я говорю", "handler:who_is_this"),
        (CONSENT, "ask_consent", "для чего согласие я не поняла", "handler:who_is_this"),
        (OWN, "take_message", "скажите что передать", "handler:repeat"),
        (OWN, "take_message", "скажите что нужно сказать", "handler:repeat"),
        (OWN, "take_message", "передайте что я перезвоню", "ok"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("четверть миллиона примерно", 250000),
        ("ну где то четверть ляма", 250000),
        ("три четверти миллиона рублей", 750000),
    ],
)
def test_part_of_a_sum(text: str, budget: int) -> None:
    assert step_reply(LEAD, "ask_budget", text)[1]["budget"] == budget


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("пол миллиона", 500000),
        ("миллион", 1000000),
    ],
)
def test_part_of_a_sum_guards(text: str, budget: int) -> None:
    assert step_reply(LEAD, "ask_budget", text)[1]["budget"] == budget


@pytest.mark.parametrize(
    ("text", "until"),
    [
        # said on a February morning: the weather that opens a season, as its deadline
        ("до холодов хотим закончить", "2026-11-30"),
        ("к морозам бы успеть", "2026-11-30"),
        ("надо до дождей управиться", "2026-08-31"),
        ("до жары", "2026-05-31"),
    ],
)
def test_weather_deadline(text: str, until: str) -> None:
    assert str(step_reply(LEAD, "ask_timeframe", text)[1]["timeframe"]) == until


def test_weather_deadline_guards() -> None:
    assert str(step_reply(LEAD, "ask_timeframe", "до зимы")[1]["timeframe"]) == "2026-11-30"
    assert step_reply(LEAD, "ask_timeframe", "холодов боимся")[1]["timeframe"] == "холодов боимся"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # who is calling onto the line, asked on the operator's leg: no answer
        ("алло кто там звонит на линию", None),
        ("эй кто это подключился на линии", None),
        # guards
        ("я на линии", "yes"),
        ("занят на линии", "no"),
    ],
)
def test_operator_asks_who_is_on_the_line(text: str, expected: str | None) -> None:
    assert answer_to_offer(text, "ru") == expected


CONTACTS: list[dict[str, Any]] = [
    {"name": "Вячеслав Горин"}, {"name": "Ростислав Титов"}, {"name": "Мирослав Лунин"},
]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("вячика позовите", 0),  # a «-слав» name by its first part and «-ик»
        ("ростика можно", 1),
        ("мирика дайте", 2),
    ],
)
def test_nickname(text: str, index: int) -> None:
    assert choose_words(CONTACTS, "name", text) == index


@pytest.mark.parametrize("text", ["ну", "витя", "вадик"])
def test_nickname_guards(text: str) -> None:
    assert choose_words(CONTACTS, "name", text) is None

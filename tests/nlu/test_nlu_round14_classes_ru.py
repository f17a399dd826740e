"""Russian classes of natural replies found by the fourteenth fresh batch (round fourteen):
a first name before «я», then a remark or a question; the one asked for not here («ольги
тут нету»); a negator over «буду/стану/собираюсь» reaching the yes word; a human declined
beside a yes to «удобно?» or «актуально?»; a question word said twice echoes the question;
«ещё раз» beside who is calling; the robot's own offer asked back («что вы предлагали»);
the subject not understood, or someone else's words to come, asks no repeat; a question
about what the robot said before its question, or what the offer changes, asks what the
call is about; a name, then «что это»; an event of the caller's at a place keeps them busy;
in a menu a verb of buying outweighs the thing bought, complaints and warranty go to the
service, and «отдел» before a department not listed chooses nothing. Every example is a
paraphrase, in no eval file, and fails on the code before the round; the guards (in
`*_guards` tests) go the other way on both."""

from __future__ import annotations

import pytest

from bot_engine.dialog import menu as menus
from tests.nlu.polar_questions import answer, step_reply

LEAD, CONSENT = "lead_qualification.ru.yaml", "consent_confirmation.ru.yaml"
MENU = [{"name": "Отдел продаж"}, {"name": "Бухгалтерия"}, {"name": "Сервисная служба"}]


@pytest.mark.parametrize(
    ("asked", "text", "names", "expected"),
    [
        # a first name (a pet form too) before «я», then a remark or a question
        ("identity", "оля я а вы по какому поводу", ("ольга",), "yes"),
        ("identity", "ну валя я а вы кто", ("валентина",), "yes"),
        ("identity", "таня я только недолго", ("татьяна",), "yes"),
        # the one asked for, in the genitive, is not here
        ("identity", "ольги тут нету", ("ольга",), "no"),
        ("identity", "ольги дома нету", ("ольга",), "no"),
        ("identity", "так марины тут нету", ("марина",), "no"),
        ("identity", "тани нету сейчас", ("татьяна",), "no"),
        # a negator over «буду/стану/собираюсь» reaches the yes word
        ("consent", "нет не стану соглашаться", (), "no"),
        ("consent", "не собираюсь я подтверждать", (), "no"),
        ("consent", "не буду соглашаться я", (), "no"),
        ("consent", "я не стану ничего подтверждать", (), "no"),
        # a human declined beside a yes to the question asked
        ("availability", "удобно только менеджеров не надо", (), "yes"),
        ("availability", "говорите но без операторов", (), "yes"),
        ("relevance", "актуально только без консультантов", (), "yes"),
        # an event of the caller's at a place
        ("availability", "у меня репетиция в клубе", (), "no"),
        ("availability", "у нас инвентаризация на складе", (), "no"),
        ("availability", "у меня консультация в банке", (), "no"),
    ],
)
def test_answers(asked: str, text: str, names: tuple[str, ...], expected: str) -> None:
    assert answer(asked, text, "ru", names) == expected


@pytest.mark.parametrize(
    ("asked", "text", "names", "expected"),
    [
        ("identity", "сергей я а вы кто", ("ольга",), None),  # a name of its own
        ("identity", "сплю я а вы кто", ("ольга",), None),
        ("identity", "оля я её сестра", ("ольга",), "no"),  # who is speaking, after the name
        ("identity", "ну оля я вера", ("ольга",), "no"),  # the caller's own name after «я»
        ("consent", "да буду соглашаться", (), "yes"),
        ("relevance", "нет без менеджеров", (), "no"),
        ("availability", "не надо менеджера", (), "no"),
        ("availability", "у меня дети в школе", (), None),  # someone, not an event
        ("availability", "у меня окна на юг", (), None),  # a direction, not a place
    ],
)
def test_answers_guards(asked: str, text: str, names: tuple[str, ...],
                        expected: str | None) -> None:
    assert answer(asked, text, "ru", names) == expected


LOYALTY = {"purpose": "подключение к программе лояльности"}


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a question word said twice echoes the question
        (LEAD, "greet", "кого-кого вам нужно", "handler:repeat"),
        (LEAD, "relevant", "где где оставляли", "handler:repeat"),
        (LEAD, "convenient", "когда когда удобно", "handler:repeat"),
        (CONSENT, "ask_consent", "что-что согласна ли я", "handler:repeat"),
        # «ещё раз» beside who is calling asks that again
        (LEAD, "convenient", "ещё раз откуда вы", "handler:who_is_this"),
        (LEAD, "ask_callback", "вы ещё раз кто", "handler:who_is_this"),
        (LEAD, "relevant", "что за фирма ещё раз", "handler:who_is_this"),
        (CONSENT, "ask_consent", "ещё раз какой банк", "handler:who_is_this"),
        # the robot's own offer or words asked back
        (LEAD, "offer_manager", "а что вы там предлагали", "handler:repeat"),
        (LEAD, "relevant", "что вы имели в виду", "handler:repeat"),
        (LEAD, "offer_manager", "что вы мне предлагали", "handler:repeat"),
        (CONSENT, "ask_consent", "о чем вы говорили", "handler:repeat"),
        (LEAD, "convenient", "что вы там спрашивали", "handler:repeat"),
        # the subject not understood: the words were heard
        (CONSENT, "ask_consent", "я в этих делах не понимаю", "no_match:retry"),
        (CONSENT, "ask_consent", "не понимаю ничего в этом", "no_match:retry"),
        # someone else's words to come: a yes to the transfer, no repeat
        (LEAD, "offer_manager", "ну давайте посмотрим что он скажет", "yes"),
        (LEAD, "offer_manager", "давайте узнаем что скажут", "yes"),
        # a name, then «что это»
        (LEAD, "greet", "северный капитал что это", "handler:who_is_this"),
        (LEAD, "greet", "окна плюс что это", "handler:who_is_this"),
        # what the offer changes
        (CONSENT, "ask_consent", "и что изменится", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а что меняется", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а что от этого изменится", "handler:who_is_this"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD, "ask_callback", "а кого вы спрашивали ещё раз", "handler:repeat"),
        (LEAD, "ask_callback", "скажите ещё раз", "handler:repeat"),
        (CONSENT, "ask_consent", "не понимаю вас", "handler:repeat"),
        (LEAD, "offer_manager", "что вы сказали", "handler:repeat"),
        (LEAD, "greet", "да что это", "yes"),
        (LEAD, "convenient", "что вы говорили", "handler:repeat"),
        (LEAD, "relevant", "о чем вы спрашиваете", "handler:who_is_this"),
        (LEAD, "offer_manager", "давайте послушаем что расскажут", "yes"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [
        # a question about what the robot said before its question
        ("а какая программа", "handler:who_is_this"),
        ("какая ещё лояльность", "handler:who_is_this"),
        ("что там за программа", "handler:who_is_this"),
    ],
)
def test_the_offer_asked_about(text: str, branch: str) -> None:
    assert step_reply(CONSENT, "ask_consent", text, **LOYALTY)[0] == branch


@pytest.mark.parametrize("text", ["а какие у вас цены", "а какая погода"])
def test_the_offer_asked_about_guards(text: str) -> None:
    assert step_reply(CONSENT, "ask_consent", text, **LOYALTY)[0] != "handler:who_is_this"


@pytest.mark.parametrize(
    ("text", "index"),
    [
        # a verb of buying outweighs the thing bought
        ("заказать ремонт кровли", 0),
        ("хотим заказать покраску и ремонт", 0),
        # complaints and warranty are the service's
        ("у меня претензия по качеству", 2),
        ("гарантийная замена нужна", 2),
        # «отдел» before a department not listed
        ("мне юридический отдел", None),
        ("соедините с отделом маркетинга", None),
    ],
)
def test_menu_purposes(text: str, index: int | None) -> None:
    assert menus.choose_words(MENU, "name", text) == index


@pytest.mark.parametrize(
    ("text", "index"),
    [("заказать ремонт по гарантии", 2), ("отдел продаж", 0), ("мне в отдел", 0),
     ("какой-то отдел", 0)],
)  # fmt: skip
def test_menu_purposes_guards(text: str, index: int | None) -> None:
    assert menus.choose_words(MENU, "name", text) == index


@pytest.mark.parametrize("text", ["тут надо думать", "это нужно думать", "надо думать ещё"])
def test_a_need_to_think_in_the_imperfective_does_not_know_the_budget_yet(text: str) -> None:
    """«надо думать» as «надо подумать»: the caller does not know yet, the step's "don't
    know" intent (it had been re-asked)."""
    assert step_reply(LEAD, "ask_budget", text)[0] == "unknown"

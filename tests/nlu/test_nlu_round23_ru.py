"""Round twenty-three, Russian: the classes the blind batches ru.round23a and ru.round23b
showed on the code before it, apart from times and self-corrections (each example is a
paraphrase written for its class, not a reply of the eval set)."""

from __future__ import annotations

import pytest

from bot_engine.dialog.menu import choose_words
from tests.nlu.polar_questions import answer, step_reply, values

LEAD = "lead_qualification.ru.yaml"
CONSENT = "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("step", "text"),
    [("greet", "соседка у вас заказывала забор"),
     ("greet", "кума у вас брала окна"),
     ("convenient", "мне ваши уже звонили во вторник"),
     ("convenient", "а мне ваш менеджер вчера уже звонил"),
     ("convenient", "так брат у вас брал вот я и оставила номер"),
     ("relevant", "у вас брала подруга в прошлом году"),
     ("relevant", "мне ваши звонили я уже всё сказал"),
     ("relevant", "я же вашей девушке по телефону всё рассказала")],
)  # fmt: skip
def test_a_call_or_a_dealing_told_of_is_no_answer(step: str, text: str) -> None:
    """Someone else's dealing or an earlier call told, nothing more: the question is not
    answered («уже», «брала», the day or «всё сказала» read as nothing)."""
    assert step_reply(LEAD, step, text)[0] == "no_match:retry"


@pytest.mark.parametrize(
    ("step", "text", "branch"),
    [("relevant", "соседка у вас брала так у неё всё потекло не надо нам такого", "no"),
     ("relevant", "сосед у вас брал и нам надо такую же", "yes"),
     ("greet", "да мне ваши уже звонили вчера", "yes"),
     ("convenient", "мне ваши уже звонили сейчас некогда", "no")],
)  # fmt: skip
def test_an_answer_beside_the_story_still_answers(step: str, text: str, branch: str) -> None:
    assert step_reply(LEAD, step, text)[0] == branch


def test_the_thing_itself_refused_at_the_end() -> None:
    assert answer("relevance", "крышу сорвало не надо нам такого", "ru") == "no"
    assert answer("relevance", "крышу сорвало надо такую же", "ru") == "yes"


@pytest.mark.parametrize(
    ("script", "step", "text"),
    [(LEAD, "relevant", "я ничего не оставляла что за заявка"),
     (LEAD, "relevant", "не заказывал я ничего какой ещё замер"),
     (LEAD, "ask_budget", "а для чего вам мой бюджет"),
     (LEAD, "ask_budget", "вам зачем мой бюджет"),
     (LEAD, "offer_manager", "а менеджер с какой компании"),
     (LEAD, "offer_manager", "а специалист откуда"),
     (CONSENT, "ask_consent", "что за данные")],
)  # fmt: skip
def test_what_it_is_about_asks_who_calls(script: str, step: str, text: str) -> None:
    assert step_reply(script, step, text)[0] == "handler:who_is_this"


SCANS = {"purpose": "пересылку заключения и снимков вам на почту"}
XRAY = {"purpose": "рассылку результатов рентгена вам на почту"}


@pytest.mark.parametrize(
    ("purpose", "text", "asks"),
    [(SCANS, "а какие снимки", True), (SCANS, "что за заключение", True),
     (XRAY, "а какие анализы", True), (XRAY, "а какая погода", False),
     (XRAY, "какая разница", False), (XRAY, "а какие у вас цены", False),
     (SCANS, "а какая погода", False)],
)  # fmt: skip
def test_which_thing_a_consent_is_for(purpose: dict[str, str], text: str, asks: bool) -> None:
    """The thing asked about is one the consent is for, in its words or near them in
    meaning (the word vectors: «анализы» near «рентгена»); another thing is no question
    about the call."""
    got = step_reply(CONSENT, "ask_consent", text, **purpose)[0]
    assert (got == "handler:who_is_this") is asks


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "offer_manager", "давайте менеджера", "operator"),
     (LEAD, "ask_budget", "какой бюджет", "handler:repeat"),
     (LEAD, "relevant", "актуально что за вопрос", "yes")],
)  # fmt: skip
def test_what_it_is_about_near_misses(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("я в метро повторите", "handler:repeat"),
     ("тут трактор рядом повторите пожалуйста", "handler:repeat"),
     ("я на огороде не слышно повторите", "handler:repeat"),
     ("я занят повторите потом", "busy"),
     ("я за рулем перезвоните", "busy")],
)  # fmt: skip
def test_say_again_beside_a_place(text: str, branch: str) -> None:
    """A place says why the question was not heard; «повторите» asks for it again unless
    the talk is put off."""
    assert step_reply(LEAD, "convenient", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("можно я попозже нажму", "no_match:retry"),
     ("нажму потом ладно", "no_match:retry"),
     ("давайте я потом нажму", "no_match:retry"),
     ("нажму два", "2"),
     ("нет не согласна", "2"),
     ("согласна", "1")],
)  # fmt: skip
def test_the_press_put_off_is_no_key(text: str, branch: str) -> None:
    assert step_reply(CONSENT, "consent_keypad", text)[0] == branch


@pytest.mark.parametrize(
    ("step", "text", "budget"),
    [("ask_timeframe", "к лету и тыщ девяносто на всё", 90000),
     ("ask_timeframe", "в августе и до трёхсот максимум", 300000),
     ("ask_timeframe", "осенью и не больше ста пятидесяти", 150000),
     ("relevant", "да нужно тыщ на пятьдесят рассчитываем", 50000),
     ("ask_timeframe", "в мае не больше двадцати дней", None),
     ("ask_timeframe", "в июне максимум через две недели", None)],
)  # fmt: skip
def test_a_budget_said_at_another_step(step: str, text: str, budget: int | None) -> None:
    """«тыщ» and a ceiling («до двухсот максимум») are a sum's cues; a ceiling of days is
    not."""
    assert step_reply(LEAD, step, text)[1]["budget"] == budget


@pytest.mark.parametrize(
    "text", ["участок у нас соток шесть", "метров двадцать", "лет десять назад"],
)  # fmt: skip
def test_a_measure_before_its_number_is_no_money(text: str) -> None:
    assert values(text, "ru", "money") == []


@pytest.mark.parametrize(
    ("text", "money"), [("тысяч пять", [5000]), ("за окно сто тысяч", [100000])],
)  # fmt: skip
def test_money_before_a_number_stays(text: str, money: list[int]) -> None:
    assert values(text, "ru", "money") == money


@pytest.mark.parametrize(
    ("text", "branch"),
    [("ну как у соседей", "unknown"), ("как у людей наверное", "unknown"),
     ("как у соседа сто тысяч", "ok"), ("а огород у нас соток восемь", "no_match:retry")],
)  # fmt: skip
def test_budget_by_someone_elses_and_land(text: str, branch: str) -> None:
    assert step_reply(LEAD, "ask_budget", text)[0] == branch


MENU = [{"name": "Фаина Мухаметзянова"}, {"name": "Ростислав Пшеничный"},
        {"name": "Ольга Горобец"}, {"name": "Ирина Белова"},
        {"name": "Пётр Горький"}]


@pytest.mark.parametrize(
    ("text", "index"),
    [("мне фае передайте", 0), ("пшеничнова позовите", 1), ("олю можно", 2),
     ("горькова", 4), ("иру", 3), ("мне фаину", 0)],
)  # fmt: skip
def test_names_at_a_menu(text: str, index: int) -> None:
    """A three-letter short name in another case («фаю», «олю»), an adjective surname's
    «-ого» spelt as heard («пшеничнова»)."""
    assert choose_words(MENU, "name", text) == index


@pytest.mark.parametrize(
    ("step", "text", "branch"),
    [("relevant", "конечно нет", "no"),
     ("relevant", "ну конечно нет", "no"),
     ("relevant", "нет конечно", "no"),
     ("relevant", "конечно", "yes"),
     ("offer_manager", "конечно нет", "no")],
)  # fmt: skip
def test_answer_words_alone_are_not_overruled(step: str, text: str, branch: str) -> None:
    """Answer words and nothing else: the classifier, which learned «конечно» beside facts of
    a yes («конечно актуально, я же записывалась»), does not turn «конечно нет» into one."""
    assert step_reply(LEAD, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "relevant", "да только на работу мне не звоните", "yes"),
     (LEAD, "relevant", "актуально но не звоните после девяти", "yes"),
     (CONSENT, "ask_consent", "да присылайте только не звоните на работу", "yes"),
     (LEAD, "convenient", "не звоните мне на работу я занята", "busy"),
     (LEAD, "relevant", "на работу не звоните пожалуйста", "no_match:retry"),
     (LEAD, "relevant", "не звоните мне больше", "handler:opt_out"),
     (LEAD, "relevant", "не звоните мне больше особенно на работу", "handler:opt_out"),
     (LEAD, "relevant", "не звоните сюда", "handler:opt_out")],
)  # fmt: skip
def test_a_limit_on_the_calls_is_no_opt_out(script: str, step: str, text: str,
                                            branch: str) -> None:
    """«только на работу не звоните», «не звоните после девяти»: when not to call, no end to
    the calls (the reply is read without it); a limit alone answers nothing; an end to the
    calls beside a limit stays one."""
    assert step_reply(script, step, text)[0] == branch

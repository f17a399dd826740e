"""Classes of natural replies found by the third fresh batch, as tables in both languages:
questions that state no fact, who-is-this by its structure, the wrong person said by name
or kinship, set phrases that hold a "нет", negation scope over cues and verbs, where the
caller is as a reason they cannot talk, price questions as hedges, the operator's spoken
answer, relative times and colloquial amounts, and menu choices in any case form."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog import menu as menus
from bot_engine.dialog.engine import Dialog, DialogState
from bot_engine.nlu import IntentMatcher, IntentSpec, builtin_intents, cues, extract_entities
from bot_engine.nlu.inflect import number_of_word
from bot_engine.nlu.polar import asks, polar, question_topic
from bot_engine.nlu.yesno import yes_no
from bot_engine.script.loader import load_script

RU_NOW = datetime(2026, 11, 21, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))
EN_NOW = datetime(2026, 11, 21, 12, 0, tzinfo=ZoneInfo("America/New_York"))
IDENTITY_RU = question_topic("Здравствуйте! Это компания X. Подскажите, это {{ name }}?", "ru")
IDENTITY_EN = question_topic("Hello! This is X. Am I speaking with {{ name }}?", "en")
AVAILABLE_RU = question_topic("Вам удобно сейчас говорить пару минут?", "ru")
AVAILABLE_EN = question_topic("Do you have a couple of minutes to talk?", "en")
CONSENT_RU = question_topic("Вы согласны?", "ru")
CONSENT_EN = question_topic("Do you agree?", "en")
OFFER_RU = question_topic("Соединить вас со специалистом прямо сейчас?", "ru")
READBACK_RU = question_topic("Фиксирую: вы согласны. Всё верно?", "ru")


# --- a reply that opens with a question states no yes-side fact -------------------------


@pytest.mark.parametrize(
    ("text", "lang", "topic"),
    [
        ("кто это мне звонит", "ru", IDENTITY_RU),  # not "это я"
        ("с кем я говорю", "ru", IDENTITY_RU),  # not "могу говорить"
        ("а какие именно данные", "ru", CONSENT_RU),
        ("who am i speaking with", "en", IDENTITY_EN),  # not "speaking"
        ("what happens if i say yes", "en", CONSENT_EN),  # the "yes" is quoted
        ("what exactly is the data", "en", CONSENT_EN),
    ],
)
def test_a_question_is_no_yes(text: str, lang: str, topic: str) -> None:
    assert polar(text, lang, topic).answer is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "lang", "answer"),
    [
        ("где вы раньше были мы уже купили", "ru", "no"),  # a no-side fact after it counts
        ("а почему вы спрашиваете я занят", "ru", "no"),
        ("почему бы и нет", "ru", "yes"),  # idioms that only look like questions
        ("какая разница давайте", "ru", "yes"),
        ("why not", "en", "yes"),
        ("какой иван нет", "ru", "no"),  # the answer closes the rhetorical question
    ],
)
def test_question_shaped_answers(text: str, lang: str, answer: str) -> None:
    assert polar(text, lang).answer == answer, text


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("а кто его спрашивает", "ru", True),
        ("подождите а кто это", "ru", True),
        ("почему бы и нет", "ru", False),
        ("где то через неделю", "ru", False),
        ("what about tomorrow", "en", False),
        ("wait who is this", "en", True),
    ],
)
def test_asks(text: str, lang: str, expected: bool) -> None:
    assert asks(text, lang) is expected


# --- who-is-this by its structure, and the replies it must leave alone -------------------


@pytest.fixture(scope="module")
def handlers_ru() -> IntentMatcher:
    return IntentMatcher(builtin_intents("ru"), "ru", threshold=0.7)


@pytest.fixture(scope="module")
def handlers_en() -> IntentMatcher:
    return IntentMatcher(builtin_intents("en"), "en", threshold=0.7)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("а кто его спрашивает", "who_is_this"),
        ("а кто её спрашивает", "who_is_this"),
        ("а что за обработка", "who_is_this"),
        ("а что за заявка напомните кто вы", "who_is_this"),
        ("а вы из какой фирмы", "who_is_this"),
        ("а это откуда звонят", "who_is_this"),
        ("а вы по какому поводу", "who_is_this"),
        ("а что это значит", "who_is_this"),
        ("а кто будет звонить", "who_is_this"),
        ("уберите мой номер из ваших списков", "opt_out"),
        ("вычеркните меня из списка", "opt_out"),
        ("я запрещаю мне звонить", "opt_out"),
        ("простите что вы спросили", "repeat"),
        ("соедините с отделом продаж", "operator"),
        ("что вы сказали", "repeat"),  # a question about the robot's words is a repeat
    ],
)
def test_handlers_ru(handlers_ru: IntentMatcher, text: str, intent: str) -> None:
    assert handlers_ru.match(text).intent == intent, handlers_ru.match(text)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("where are you calling from", "who_is_this"),
        ("what does that mean", "who_is_this"),
        ("what happens if i say yes", "who_is_this"),
        ("what exactly is the data", "who_is_this"),
        ("id rather speak to a sales person", "operator"),
        ("can i get a person on the line", "operator"),
        ("get me someone from sales", "operator"),
        ("dont bother me again", "opt_out"),
    ],
)
def test_handlers_en(handlers_en: IntentMatcher, text: str, intent: str) -> None:
    assert handlers_en.match(text).intent == intent, handlers_en.match(text)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("а что вы предлагаете", "ru"),  # a question about the product
        ("а сколько это стоит", "ru"),
        ("не знаю", "ru"),
        ("no dont bother", "en"),  # a no, not "don't call me"
        ("what do you charge", "en"),  # a price question
        ("whats it usually cost", "en"),
    ],
)
def test_handlers_stay_silent(
    handlers_ru: IntentMatcher, handlers_en: IntentMatcher, text: str, lang: str
) -> None:
    matcher = handlers_ru if lang == "ru" else handlers_en
    assert matcher.match(text).intent is None, matcher.match(text)


# --- the wrong person, by name and by kinship ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "topic"),
    [
        ("я вообще-то не иван", "ru", IDENTITY_RU),
        ("я не анна", "ru", IDENTITY_RU),
        ("меня зовут не иван", "ru", IDENTITY_RU),
        ("я не иван я петр", "ru", IDENTITY_RU),
        ("я её дочка", "ru", IDENTITY_RU),  # any animate noun after "его/её"
        ("это я его мать", "ru", IDENTITY_RU),
        ("ошибочка вышла", "ru", IDENTITY_RU),
        ("это другой человек", "ru", IDENTITY_RU),
        ("вы перепутали", "ru", IDENTITY_RU),
        ("у меня этот номер уже год иван какой то до меня был", "ru", IDENTITY_RU),
        ("im not john", "en", IDENTITY_EN),
        ("my name isnt john", "en", IDENTITY_EN),
        ("this is his roommate", "en", IDENTITY_EN),
        ("anna is on vacation", "en", IDENTITY_EN),  # a busy fact about a named person
    ],
)
def test_wrong_person(text: str, lang: str, topic: str) -> None:
    reading = polar(text, lang, topic)  # type: ignore[arg-type]
    assert (reading.answer, reading.family) == ("no", "wrong"), reading


@pytest.mark.parametrize(("text", "lang"), [("я не занят", "ru"), ("im not busy", "en")])
def test_not_a_name_is_no_wrong_person(text: str, lang: str) -> None:
    assert polar(text, lang).family != "wrong"


# --- set phrases, negation scope, performatives --------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "topic", "answer"),
    [
        ("да нет проблем", "ru", CONSENT_RU, "yes"),  # "нет" inside a set phrase
        ("нет вопросов", "ru", CONSENT_RU, "yes"),
        ("возражений не имею", "ru", CONSENT_RU, "yes"),  # a noun cue negated after it
        ("не имею возражений", "ru", CONSENT_RU, "yes"),  # ... and over "иметь"
        ("не сейчас я занят", "ru", AVAILABLE_RU, "no"),  # "не" negates "сейчас" only
        ("не сейчас я на работе", "ru", AVAILABLE_RU, "no"),
        ("пусть обрабатывают", "ru", CONSENT_RU, "yes"),  # a permission
        ("я только за", "ru", CONSENT_RU, "yes"),
        ("я передумала", "ru", READBACK_RU, "no"),  # changed mind answers a read-back
        ("нет я просто узнать хотел", "ru", OFFER_RU, "no"),
        ("неохота", "ru", OFFER_RU, "no"),
        ("ну можно попробовать", "ru", OFFER_RU, "yes"),
        ("im not giving consent", "en", CONSENT_EN, "no"),  # over "give" and "my"
        ("i dont give permission", "en", CONSENT_EN, "no"),
        ("im not giving my consent", "en", CONSENT_EN, "no"),
        ("i decline", "en", CONSENT_EN, "no"),
        ("count me out", "en", CONSENT_EN, "no"),
        ("i accept", "en", CONSENT_EN, "yes"),
        ("i suppose", "en", CONSENT_EN, "yes"),
        ("sure no worries", "en", CONSENT_EN, "yes"),
    ],
)
def test_set_phrases_and_scope(text: str, lang: str, topic: str, answer: str) -> None:
    assert polar(text, lang, topic).answer == answer, polar(text, lang, topic)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "lang", "answer"),
    [
        ("принимаю", "ru", "yes"), ("беру", "ru", "yes"), ("соединяй", "ru", "yes"),
        ("отклоняю", "ru", "no"), ("не беру", "ru", "no"), ("отмена", "ru", "no"),
        ("i accept", "en", "yes"), ("put them through", "en", "yes"), ("i decline", "en", "no"),
    ],
)  # fmt: skip
def test_operator_answers_by_particles(text: str, lang: str, answer: str) -> None:
    """The operator's leg reads only particles (`call.transfer`): its verbs are there."""
    assert yes_no(text, lang).answer == answer


# --- where the caller is, what they are doing ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("мы сейчас за столом", "ru"), ("я в очереди стою", "ru"), ("я на даче", "ru"),
        ("мы в гостях", "ru"), ("im at my kids game", "en"),
        ("im at my daughters recital", "en"), ("im on the highway", "en"),
        ("we are sitting down to eat", "en"), ("were at a wedding", "en"),
    ],
)  # fmt: skip
def test_whereabouts_are_busy(text: str, lang: str) -> None:
    assert [h.family for h in cues.read(text, lang)] == ["busy"], text


@pytest.mark.parametrize(
    ("text", "lang"),
    [("я на связи", "ru"), ("мы в процессе выбора", "ru"), ("я на пенсии", "ru"),
     ("im at home", "en"), ("were in the market for one", "en")],
)  # fmt: skip
def test_places_that_are_no_obstacle(text: str, lang: str) -> None:
    assert "busy" not in [h.family for h in cues.read(text, lang)], text


# --- price questions are "don't know yet" --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("а почем у вас кухни", "ru"), ("сколько в среднем выходит", "ru"),
     ("по деньгам пока не понимаю", "ru"), ("what are your prices like", "en"),
     ("whats the going rate", "en"), ("what do you charge", "en"),
     ("need to talk it over with my wife", "en")],
)  # fmt: skip
def test_price_questions_are_hedges(text: str, lang: str) -> None:
    assert cues.hedge(text, lang), text


# --- relative times and colloquial amounts --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("через минут двадцать", "ru", "2026-11-21T12:20:00+03:00"),
        ("через часа два", "ru", "2026-11-21T14:00:00+03:00"),
        ("через час двадцать", "ru", "2026-11-21T13:00:00+03:00"),  # a nominative unit
        ("ближе к вечеру", "ru", "2026-11-21T19:00:00+03:00"),
        ("под вечер", "ru", "2026-11-21T19:00:00+03:00"),
        ("завтра к обеду", "ru", "2026-11-22T13:00:00+03:00"),
        ("через часок", "ru", "2026-11-21T13:00:00+03:00"),
        ("give me an hour", "en", "2026-11-21T13:00:00-05:00"),
        ("give me twenty minutes", "en", "2026-11-21T12:20:00-05:00"),
        ("two hours", "en", "2026-11-21T14:00:00-05:00"),  # a bare duration answers "when?"
    ],
)
def test_relative_times(text: str, lang: str, value: str) -> None:
    now = RU_NOW if lang == "ru" else EN_NOW
    found = extract_entities(text, lang, ["datetime"], now=now)
    assert [e.value for e in found] == [value], found


@pytest.mark.parametrize(
    ("text", "value"),
    [("two weeks from today", "2026-12-05"), ("three months or so", "2027-02-21"),
     ("closer to summer", "2027-06-01"), ("maybe three weeks", "2026-12-12")],
)  # fmt: skip
def test_english_dates(text: str, value: str) -> None:
    found = extract_entities(text, "en", ["date"], now=EN_NOW)
    assert [e.value for e in found] == [value], found


@pytest.mark.parametrize("text", ["two weeks ago", "i have two kids", "three thousand"])
def test_no_stray_english_dates(text: str) -> None:
    assert extract_entities(text, "en", ["date"], now=EN_NOW) == []


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("тысяч на двести", [200000]),
        ("тысяч за триста хотелось бы уложиться", [300000]),
        ("сто пятьдесят где то тысяч", [150000]),
        ("актуально тысяч на двести рассчитываем", [200000]),
        ("сто на тысячу", [100, 1000]),  # a preposition joins no number to a multiplier
        ("два в тысячу", [2, 1000]),
    ],
)
def test_colloquial_amounts(text: str, values: list[int]) -> None:
    found = extract_entities(text, "ru", ["money"], now=RU_NOW)
    assert [e.value for e in found] == values, found


# --- menus: number words and names as said --------------------------------------------------


@pytest.mark.parametrize(
    ("word", "number"),
    [("первую", 1), ("второго", 2), ("третьего", 3), ("третьим", 3), ("двойку", 2),
     ("единичку", 1), ("third", 3), ("два", 2), ("стол", None)],
)  # fmt: skip
def test_number_of_word(word: str, number: int | None) -> None:
    assert number_of_word(word) == number


MENU = [{"name": "Евгения Чулкова"}, {"name": "Дмитрий Масленников"},
        {"name": "Алексей Воронин"}]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "index"),
    [("давайте первую", 0), ("второго", 1), ("третьего пожалуйста", 2),
     ("чулкаву", 0), ("масленикова", 1), ("с ворониным соедините", 2),
     ("никого из них", None)],
)  # fmt: skip
def test_menu_choice(text: str, index: int | None) -> None:
    assert menus.choose_words(MENU, "name", text) == index


# --- built-in patterns run as plain `re`; a tenant's on the linear-time engine ------------


def test_builtin_patterns_are_plain_re_and_tenant_patterns_run_in_linear_time() -> None:
    matcher = IntentMatcher(
        {**builtin_intents("ru"), "mine": IntentSpec(patterns=[r"\bзанят\w*"])}, "ru"
    )
    kinds = {name: isinstance(rx, re.Pattern) for name, rx, _ in matcher._patterns}
    assert kinds["who_is_this"] is True
    assert kinds["mine"] is False  # RE2 (`bot_engine.tenant_regex`)
    assert matcher.match("я занята", only=["mine"]).intent == "mine"


# --- at a step: what the reply answers, given the step ---------------------------------------

STEPS_SCRIPT = """
id: steps
language: ru-RU
intents:
  unknown:
    examples: [не знаю, пока не решили, затрудняюсь ответить, сложно сказать]
handlers:
  who_is_this: {say: "Это компания Икс.", resume: true}
slots: {message: text}
result:
  outcomes: [done]
  fields: {budget: number}
  endings: {hangup: done, error: done}
start: budget
steps:
  budget:
    ask: "Какой бюджет вы рассматриваете?"
    expect: {type: money, save: budget, intents: [unknown]}
    on: {ok: end, unknown: end}
  announce:
    ask: "Соединить? Нажмите 1 или скажите «да»."
    expect: confirm
    on: {yes: end, "1": end, no: end}
  message:
    ask: "Скажите, что передать."
    expect: {type: text, save: message}
    on: {ok: end}
  end: {say: "Спасибо.", outcome: done, hangup: true}
"""


def at_step(step: str, text: str) -> tuple[str, dict[str, object]]:
    """The branch a reply takes at ``step`` (a handler's name for a handler) and the slots."""
    script = load_script(STEPS_SCRIPT).script
    slots: dict[str, object] = {"budget": None, "message": None}
    state = DialogState(script_id=script.id, step=step, waiting="input", slots=slots, now=RU_NOW)
    dialog = Dialog.restore(script, state)
    actions = dialog.handle(ev.UserSaid(text=text, at=RU_NOW))
    branch = next(a.branch for a in actions if isinstance(a, act.Transition))
    return branch.removeprefix("handler:"), dict(dialog.state.slots)


@pytest.mark.parametrize(
    ("text", "branch"),
    [
        ("по деньгам пока не понимаю", "unknown"),  # not the repeat handler's "не понял"
        ("не знаю что вы можете предложить", "unknown"),  # not who-is-this
        ("не понял вопрос", "repeat"),  # no hedge: a request to repeat
    ],
)
def test_dont_know_beats_a_reasking_handler(text: str, branch: str) -> None:
    assert at_step("budget", text)[0] == branch


def test_a_value_with_its_cue_beats_a_dont_know_intent() -> None:
    branch, slots = at_step("budget", "тысяч сто смотря что предложите")
    assert (branch, slots["budget"]) == ("ok", 100000)


@pytest.mark.parametrize(("text", "branch"), [("один", "1"), ("нажимаю единичку", "1"),
                                              ("да", "yes"), ("отмена", "no")])
def test_a_key_said_on_a_confirm_step_with_key_branches(text: str, branch: str) -> None:
    assert at_step("announce", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch", "message"),
    [("что что передать", "repeat", None), ("а что передать", "repeat", None),
     ("передайте что звонил петров", "ok", "передайте что звонил петров")],
)  # fmt: skip
def test_an_echoed_question_is_no_free_text_answer(
    text: str, branch: str, message: str | None
) -> None:
    got, slots = at_step("message", text)
    assert (got, slots["message"]) == (branch, message)

"""Classes of natural replies found by the fourth fresh batch, as tables in both languages:
a later time to "is now good?", first names said alone or said about, the operator's leg,
past request verbs and negated imperfectives, «никаких возражений» and «нет, я возражаю»,
deferrals and hedges, indifference, money slang, short names in menus, "same time
tomorrow", half an hour, seasons in their last month and the operator asked for as "a
human"; and the classes the fifth batch found (round five): an agreement qualified by a
deferral or a later day, a price asked back or a budget said missing as "don't know",
refusals to do what a cue says, negated verbs of saying, bare negated imperatives, the
answer then a question, a wrong number in any order, being somewhere by a verb of position,
short questions about the one asked for, a bare question word as a repeat. Every example
is a paraphrase, not a sentence of the eval set."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot_engine.dialog import menu as menus
from bot_engine.nlu import IntentMatcher, builtin_intents, extract_entities
from bot_engine.nlu.keys import spoken_key
from bot_engine.nlu.polar import answer_to_offer, polar, question_topic
from bot_engine.nlu.yesno import yes_no

RU_NOW = datetime(2026, 11, 21, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))
EN_NOW = datetime(2026, 11, 21, 12, 0, tzinfo=ZoneInfo("America/New_York"))
QUESTIONS = {
    "identity": {"ru": "Здравствуйте! Подскажите, это {{ name }}?",
                 "en": "Hello! Am I speaking with {{ name }}?"},
    "availability": {"ru": "Вам удобно сейчас говорить?", "en": "Is now a good time to talk?"},
    "offer": {"ru": "Соединить вас со специалистом прямо сейчас?",
              "en": "Shall I connect you with a specialist now?"},
    "relevance": {"ru": "Подскажите, ваша заявка ещё актуальна?",
                  "en": "Is your request still relevant?"},
    "consent": {"ru": "Вы согласны на обработку персональных данных?",
                "en": "Do you agree to the processing of your personal data?"},
    "wish": {"ru": "Хотите, чтобы на ваши звонки всегда отвечал этот менеджер?",
             "en": "Do you want one manager to handle all your calls?"},
}  # fmt: skip


def answer(asked: str, text: str, lang: str, names: tuple[str, ...] = ()) -> str | None:
    """The yes/no a reply gives to one of the questions above."""
    return polar(text, lang, question_topic(QUESTIONS[asked][lang], lang), names).answer


# --- a later time to "is now good?" or "shall I connect you now?" is a no ------------------


@pytest.mark.parametrize(
    ("asked", "text", "lang"),
    [
        ("availability", "давайте ближе к вечеру", "ru"),
        ("availability", "наберите через часик", "ru"),
        ("availability", "try me around five", "en"),
        ("offer", "давайте лучше завтра утром", "ru"),
        ("offer", "tomorrow morning would be better", "en"),
    ],
)
def test_a_later_time_to_now_is_a_no(asked: str, text: str, lang: str) -> None:
    assert answer(asked, text, lang) == "no"


# --- first names: the one asked for, a short form, another, or said about ------------------


@pytest.mark.parametrize(
    ("text", "lang", "name", "expected"),
    [
        ("ваня", "ru", "иван", "yes"),  # a short form of the name asked for
        ("саша", "ru", "александр", "yes"),
        ("сергей", "ru", "иван", "no"),  # someone else
        ("johnny", "en", "john", "yes"),
        ("bill", "en", "william", "yes"),
        ("mike", "en", "john", "no"),
        # the name asked for, then something said about that person: someone else answered
        ("анна ушла на обед", "ru", "анна", "no"),
        ("аня в отпуске", "ru", "анна", "no"),
        ("john moved", "en", "john", "no"),
        ("johnny left the company", "en", "john", "no"),
        # ... unless the words say that person is here or coming
        ("анна петровна слушает", "ru", "анна", "yes"),
        ("yeah johnny speaking", "en", "john", "yes"),
        ("анна сейчас подойдет", "ru", "анна", None),
    ],
)
def test_first_names_to_who_answered(text: str, lang: str, name: str,
                                     expected: str | None) -> None:
    assert answer("identity", text, lang, (name,)) == expected


# --- the operator's leg: its answer is read as an answer to an offer ------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("беру", "ru", "yes"),
        ("давай соединяй", "ru", "yes"),
        ("перекинь на другого", "ru", "no"),
        ("отдай кому-нибудь другому", "ru", "no"),
        ("не могу я на совещании", "ru", "no"),
        ("put them through", "en", "yes"),
        ("give it to someone else", "en", "no"),
        ("переведи на кого-нибудь еще", "ru", "no"),  # «ещё» as «другой»
        ("отдай кому-то еще", "ru", "no"),
        ("transfer to somebody else", "en", "no"),
        ("give it to anyone else", "en", "no"),
    ],
)
def test_the_operators_answer(text: str, lang: str, expected: str) -> None:
    assert answer_to_offer(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # someone else told to take the call declines it
        ("нет пускай медсестра возьмёт", "ru", "no"),
        ("пусть дежурный доктор примет", "ru", "no"),
        # who is on the line, or an either-or question, is no answer yet
        ("а кто там на линии", "ru", None),
        ("кто это у нас на линии", "ru", None),
        ("а она повторная или нет", "ru", None),
        ("is she a returning patient or not", "en", None),
        # guards: the call taken, or only "no" at the end of a plain answer
        ("пусть примут", "ru", "yes"),
        ("да пусть он примет", "ru", "yes"),
        ("я на линии", "ru", "yes"),
    ],
)
def test_the_operators_answer_handed_on_or_asked(text: str, lang: str,
                                                 expected: str | None) -> None:
    assert answer_to_offer(text, lang) == expected


# --- verbs and negation: past requests, negated imperfectives, objections -----------------


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("availability", "ну раз уж позвонили говорите", "yes"),  # no request to call later
        ("availability", "раз набрали слушаю", "yes"),
        ("relevance", "мы вообще ничего еще не покупали", "yes"),  # nothing bought: still wanted
        ("relevance", "нет ничего не заказывали еще", "yes"),
        ("consent", "никаких возражений нет", "yes"),
        ("consent", "нет никаких возражений", "yes"),
        ("consent", "нет я возражаю", "no"),  # an answer particle, then a clause of its own
        ("availability", "минутку", None),  # waits: it offers no time to talk
    ],
)
def test_verbs_and_negation(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("asked", "text", "lang"),
    [
        ("availability", "im not really comfortable talking now", "en"),
        ("relevance", "dont call me about this anymore", "en"),  # about this matter: a no
    ],
)
def test_negated_willingness_is_a_no(asked: str, text: str, lang: str) -> None:
    assert answer(asked, text, lang) == "no"


# --- deferring and hedging say neither yes nor no -------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("мы еще подумаем", "ru"), ("как жена скажет", "ru"), ("это у нас муж решает", "ru"),
     ("my wife will decide", "en")],
)  # fmt: skip
def test_deferrals_and_hedges_are_no_answer(text: str, lang: str) -> None:
    assert answer("relevance", text, lang) is None


# --- indifference is a no to a question of what the caller wants ---------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("мне все равно", "ru", "no"),
        ("без разницы", "ru", "no"),
        ("да какая разница", "ru", "no"),
        ("doesnt matter", "en", "no"),
        ("whatever", "en", "no"),
        ("мне не принципиально", "ru", "no"),
        ("no preference", "en", "no"),
        ("anyone is fine", "en", "no"),
        ("я все равно за", "ru", None),  # "anyway", not "I don't care"
        ("i dont mind at all", "en", "yes"),
    ],
)
def test_indifference(text: str, lang: str, expected: str | None) -> None:
    assert answer("wish", text, lang) == expected


def test_indifference_says_nothing_to_is_now_good() -> None:
    assert answer("availability", "мне все равно", "ru") is None


# --- the operator asked for as "a human" ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [("позовите человека", "operator"), ("дайте мне человека", "operator"),
     ("переключите на человека", "operator"), ("дайте человеку сказать", None)],
)  # fmt: skip
def test_a_human_is_the_operator(text: str, intent: str | None) -> None:
    matcher = IntentMatcher(builtin_intents("ru"), "ru", threshold=0.7)
    assert matcher.match(text).intent == intent


# --- keys, times and amounts as said --------------------------------------------------------


def test_a_bare_raz_is_key_one() -> None:
    assert spoken_key("ну раз", "ru") == "1"


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("через пол часа", "ru", "2026-11-21T12:30:00+03:00"),  # "пол часа" is one word
        ("half an hour", "en", "2026-11-21T12:30:00-05:00"),  # a bare duration
        ("same time tomorrow", "en", "2026-11-22T12:00:00-05:00"),
        ("завтра в это же время", "ru", "2026-11-22T12:00:00+03:00"),
    ],
)
def test_times_as_said(text: str, lang: str, value: str) -> None:
    now = RU_NOW if lang == "ru" else EN_NOW
    assert [e.value for e in extract_entities(text, lang, ["datetime"], now=now)] == [value]


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("осенью", "ru", "2027-09-01"),  # said in November: the next autumn
     ("by years end", "en", "2026-12-01")],
)  # fmt: skip
def test_periods_as_said(text: str, lang: str, value: str) -> None:
    now = RU_NOW if lang == "ru" else EN_NOW
    assert [e.value for e in extract_entities(text, lang, ["date"], now=now)] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [("сотка", 100000), ("двести штук", 200000),
     ("штук триста", 300000), ("сотки две", 200000)],  # inverted: about 300 000
)  # fmt: skip
def test_money_slang(text: str, value: int) -> None:
    assert [e.value for e in extract_entities(text, "ru", ["money"], now=RU_NOW)] == [value]


def test_money_slang_is_no_plain_number() -> None:
    assert extract_entities("штук триста", "ru", ["number"], now=RU_NOW) == []


MENU = [{"name": "Ольга Смирнова"}, {"name": "Павел Орлов"}, {"name": "Александр Ким"}]


@pytest.mark.parametrize(("text", "index"),
                         [("олю", 0), ("пашу пожалуйста", 1), ("давайте сашу", 2)])
def test_menu_names_by_short_forms(text: str, index: int) -> None:
    assert menus.choose_words(MENU, "name", text) == index


# --- a set phrase broken by a negation is not said ----------------------------------------


@pytest.mark.parametrize(
    ("asked", "text", "lang", "names", "expected"),
    [
        ("identity", "он сейчас не может подойти", "ru", ("иван",), "no"),  # not «сейчас может»
        ("availability", "я сейчас правда не могу", "ru", (), "no"),
        ("availability", "я сейчас могу", "ru", (), "yes"),
    ],
)
def test_a_negation_inside_a_set_phrase(asked: str, text: str, lang: str,
                                        names: tuple[str, ...], expected: str) -> None:
    assert answer(asked, text, lang, names) == expected


# --- the one who answered speaks for the one asked for, or says where that one is ----------


@pytest.mark.parametrize(
    ("text", "lang", "name", "expected"),
    [
        ("я за него", "ru", "иван", "no"),
        ("я вместо нее отвечаю", "ru", "анна", "no"),
        ("она спит", "ru", "анна", "no"),
        ("im answering for him", "en", "john", "no"),
        ("i am picking up on her behalf", "en", "anna", "no"),
        ("john on the line", "en", "john", "yes"),  # the name, then where: on the line
        ("johnny on the phone", "en", "john", "yes"),
        ("mike on the line", "en", "john", "no"),
    ],
)
def test_speaking_for_someone_else(text: str, lang: str, name: str, expected: str) -> None:
    assert answer("identity", text, lang, (name,)) == expected


@pytest.mark.parametrize(
    ("asked", "text", "lang"),
    [
        ("availability", "я сплю еще", "ru"),
        ("availability", "now is bad", "en"),
        ("availability", "today is rough", "en"),
        ("consent", "im not ready to agree to that", "en"),  # not a bare "agree"
        ("consent", "not willing to do that", "en"),
        ("consent", "we are not prepared to agree", "en"),
    ],
)
def test_unready_and_bad_times_are_a_no(asked: str, text: str, lang: str) -> None:
    assert answer(asked, text, lang) == "no"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("put me through to an agent", "operator"), ("connect me to someone", "operator"),
     ("transfer me to a person please", "operator"), ("put me through", None)],
)  # fmt: skip
def test_put_me_through_to_someone_is_the_operator(text: str, intent: str | None) -> None:
    matcher = IntentMatcher(builtin_intents("en"), "en", threshold=0.7)
    assert matcher.match(text).intent == intent


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("лучше вечерком", "2026-11-21T19:00:00+03:00"),  # the affectionate part of the day
        ("завтра утречком", "2026-11-22T10:00:00+03:00"),
        ("завтра в полдесятого", "2026-11-22T09:30:00+03:00"),  # half past as one word
        ("полвторого", "2026-11-21T13:30:00+03:00"),
        ("в половине первого", "2026-11-21T12:30:00+03:00"),  # half past twelve, not 0:30
        ("в полпервого", "2026-11-21T12:30:00+03:00"),
    ],
)
def test_parts_of_the_day_and_half_hours(text: str, value: str) -> None:
    assert [e.value for e in extract_entities(text, "ru", ["datetime"], now=RU_NOW)] == [value]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("я с ребенком", "no"), ("мы сейчас с клиентом", "no"),  # with someone who needs them
     ("я с удовольствием", "yes"), ("я с вами", None)],
)  # fmt: skip
def test_with_someone_as_a_reason_not_to_talk(text: str, expected: str | None) -> None:
    assert answer("availability", text, "ru") == expected


@pytest.mark.parametrize(
    ("asked", "text", "lang", "expected"),
    [
        ("availability", "i'm all ears", "en", "yes"),
        ("availability", "я весь во внимании", "ru", "yes"),
        ("availability", "sorry gotta run", "en", "no"),  # about to leave
        ("availability", "i have to go", "en", "no"),
        ("availability", "мне бежать надо", "ru", "no"),
        ("availability", "мне пора", "ru", "no"),
        ("offer", "let me think about it first", "en", "no"),  # a deferral, as «я подумаю»
        ("offer", "i'll sleep on it", "en", "no"),
        ("offer", "дайте подумать", "ru", "no"),
        ("offer", "i'd rather get an email", "en", "no"),  # another channel
        ("relevance", "let me think about it", "en", None),  # says nothing of relevance
    ],
)
def test_leaving_listening_and_deferring(asked: str, text: str, lang: str,
                                         expected: str | None) -> None:
    assert answer(asked, text, lang) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("да не надо", "no"), ("да не стоит", "no"), ("да не особо", "no"),  # a filler «да»
     ("да не вопрос", "yes"), ("да конечно", "yes"),
     ("так и быть", "yes"), ("перебьетесь", "no")],
)  # fmt: skip
def test_russian_particles(text: str, expected: str) -> None:
    assert yes_no(text, "ru").answer == expected


@pytest.mark.parametrize(
    ("text", "lang", "name", "expected"),
    [("меня зовут сергей", "ru", "иван", "no"), ("зовут меня ваня", "ru", "иван", "yes"),
     ("my name is mike", "en", "john", "no"), ("yes my name is john smith", "en", "john", "yes"),
     ("не я это", "ru", "иван", "no")],
)  # fmt: skip
def test_my_name_is(text: str, lang: str, name: str, expected: str) -> None:
    assert answer("identity", text, lang, (name,)) == expected


@pytest.mark.parametrize(
    ("asked", "text", "name", "expected"),
    [
        ("relevance", "we scrapped the idea", "", "no"),  # given up on
        ("relevance", "weve moved on", "", "no"),
        ("relevance", "we cant afford it now", "", "no"),
        ("relevance", "yes we can afford it", "", "yes"),
        ("availability", "im slammed right now", "", "no"),
        ("availability", "im unavailable", "", "no"),
        ("identity", "hes unavailable", "john", "no"),  # someone else answered
        ("identity", "in the flesh", "john", "yes"),
        ("consent", "please don't", "", "no"),  # not «please do»
        ("consent", "please do", "", "yes"),
    ],
)
def test_english_idioms(asked: str, text: str, name: str, expected: str) -> None:
    assert answer(asked, text, "en", (name,) if name else ()) == expected


@pytest.mark.parametrize(("text", "expected"), [("please dont", "no"), ("you may", "yes"),
                                                ("no you may not", "no")])
def test_english_particles(text: str, expected: str) -> None:
    assert yes_no(text, "en").answer == expected


@pytest.mark.parametrize(
    ("asked", "text", "lang", "name", "expected"),
    [
        ("identity", "он недоступен", "ru", "иван", "no"),  # said of him: someone else
        ("identity", "он болеет", "ru", "иван", "no"),
        ("identity", "собственной персоной", "ru", "иван", "yes"),
        ("availability", "у меня ребенок болеет", "ru", "", "no"),
        ("availability", "my kid is sick", "en", "", "no"),
        ("availability", "im not sick", "en", "", "yes"),
        ("relevance", "мы уже определились", "ru", "", "no"),  # decided: done
        ("relevance", "еще не определились", "ru", "", "yes"),  # not yet: still
        ("relevance", "квартиру продали", "ru", "", "no"),
        ("relevance", "смотрим разные варианты", "ru", "", "yes"),
    ],
)
def test_illness_decisions_and_options(asked: str, text: str, lang: str, name: str,
                                       expected: str) -> None:
    assert answer(asked, text, lang, (name,) if name else ()) == expected


# --- round five: what the fifth fresh batch missed, by class (paraphrases) -----------------

STEPS_SCRIPT = """
id: classes
language: {lang}
intents:
  unknown: {{examples: [{hedges}]}}
result:
  outcomes: [done]
  fields: {{budget: number, callback_at: datetime}}
  endings: {{hangup: done, error: done}}
start: convenient
steps:
  convenient:
    ask: "{convenient}"
    expect: {{type: confirm, also: {{callback_at: datetime}}}}
    on: {{yes: budget, no: bye}}
  budget:
    ask: "{budget}"
    expect: {{type: money, save: budget, intents: [unknown]}}
    on: {{ok: bye, unknown: bye2}}
  bye: {{say: "Bye.", outcome: done, hangup: true}}
  bye2: {{say: "Bye!", outcome: done, hangup: true}}
"""
_STEP_TEXTS = {
    "ru": {"lang": "ru-RU", "hedges": "не знаю, пока не решили, сложно сказать, зависит от цены",
           "convenient": "Вам удобно сейчас говорить?", "budget": "Какой у вас бюджет?"},
    "en": {"lang": "en-US", "hedges": "i do not know, not sure yet, hard to say, depends",
           "convenient": "Is now a good time to talk?", "budget": "What budget do you have?"},
}  # fmt: skip


def branch_at(lang: str, step: str, text: str) -> str | None:
    from bot_engine.dialog import actions as act
    from bot_engine.dialog import events as ev
    from bot_engine.dialog.engine import Dialog, DialogState
    from bot_engine.script.loader import load_script

    script = load_script(STEPS_SCRIPT.format(**_STEP_TEXTS[lang])).script
    now = RU_NOW if lang == "ru" else EN_NOW
    state = DialogState(script_id=script.id, step=step, waiting="input",
                        slots={name: None for name in script.result.fields}, now=now)
    actions = Dialog.restore(script, state).handle(ev.UserSaid(text=text, at=now))
    return next((a.branch for a in actions if isinstance(a, act.Transition)
                 and a.from_step == step), None)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ok lets do it tomorrow", "en"),  # an agreement that names a later time
        ("sure lets talk on monday", "en"),
        ("i have time on thursday", "en"),
        ("давайте в понедельник поговорим", "ru"),
    ],
)
def test_an_agreement_with_a_later_time_defers(text: str, lang: str) -> None:
    assert branch_at(lang, "convenient", text) == "no"


@pytest.mark.parametrize(
    ("asked", "text", "lang"),
    [
        ("availability", "sure but later", "en"),  # an agreement qualified by a deferral
        ("availability", "lets do it later", "en"),
        ("offer", "ok but some other day", "en"),
        ("offer", "another week maybe", "en"),
        ("availability", "давайте но попозже", "ru"),
    ],
)
def test_a_deferral_qualifies_an_agreement(asked: str, text: str, lang: str) -> None:
    assert answer(asked, text, lang) == "no"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("what do these normally go for", "en"),  # a question asked back, no value
        ("what would something like that run", "en"),
        ("а сколько такое обычно выходит", "ru"),
        ("we never set a budget", "en"),  # negation over a noun's qualifiers
        ("theres no fixed figure", "en"),
        ("конкретной суммы нет", "ru"),
        ("бюджет не обсуждали", "ru"),
    ],
)
def test_dont_know_as_a_question_or_a_missing_budget(text: str, lang: str) -> None:
    assert branch_at(lang, "budget", text) == "unknown"


@pytest.mark.parametrize(("text", "lang"), [("about five grand", "en"),
                                             ("тысяч двести", "ru")])
def test_a_budget_is_still_a_budget(text: str, lang: str) -> None:
    assert branch_at(lang, "budget", text) == "ok"


@pytest.mark.parametrize(
    ("asked", "text", "lang", "expected"),
    [
        ("consent", "we refuse to agree", "en", "no"),  # a refusal to do what the cue says
        ("consent", "i decline to give consent", "en", "no"),
        ("consent", "why not sure go ahead", "en", "yes"),  # the set phrase keeps its "not"
        ("consent", "i never said yes to that", "en", "no"),  # a negated verb of saying
        ("relevance", "we didnt ask for anything", "en", "no"),
        ("relevance", "too late we already moved on", "en", "no"),
        ("relevance", "sorry that ship has sailed", "en", "no"),
        ("wish", "не переводите", "ru", "no"),  # a bare negated imperative
        ("wish", "нет не меняйте ничего", "ru", "no"),
        ("offer", "переведите меня на него", "ru", "yes"),
        ("offer", "набирай клиента", "ru", "yes"),  # an order to call the third party
        ("offer", "позвоните мне завтра", "ru", "no"),  # a call back to me defers
    ],
)
def test_refusals_negated_sayings_and_imperatives(asked: str, text: str, lang: str,
                                                 expected: str) -> None:
    assert answer(asked, text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "name", "expected"),
    [
        ("you reached her", "en", "anna", "yes"),
        ("youve found the right person", "en", "anna", "yes"),
        ("ну я а в чем дело", "ru", "иван", "yes"),  # the answer, then a question
        ("я а кто спрашивает", "ru", "иван", "yes"),
        ("номер у вас неверный", "ru", "иван", "no"),  # the number said wrong, any order
        ("вы неправильный номер набрали", "ru", "иван", "no"),
    ],
)
def test_identity_answers_and_wrong_numbers(text: str, lang: str, name: str,
                                            expected: str) -> None:
    assert answer("identity", text, lang, (name,)) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [("стою в пробке на мосту", "ru"), ("сижу у нотариуса", "ru"),
     ("im sitting at the vet", "en"), ("were stuck at the border", "en")],
)
def test_being_somewhere_by_a_verb_of_position_is_busy(text: str, lang: str) -> None:
    assert answer("availability", text, lang) == "no"


@pytest.mark.parametrize(
    ("text", "lang", "intent"),
    [
        ("who wants her", "en", "who_is_this"),  # a short question about the one asked for
        ("and you are", "en", "who_is_this"),
        ("why not lets go", "en", None),  # "why not" is an answer, not a question
        ("get me a real human being", "en", "operator"),
        ("can i get a live one", "en", "operator"),
        ("а зачем она вам", "ru", "who_is_this"),
        ("сколько-сколько", "ru", "repeat"),  # a bare question word asks again
        ("во сколько простите", "ru", "repeat"),
        ("when sorry", "en", "repeat"),
    ],
)
def test_handlers_by_structure(text: str, lang: str, intent: str | None) -> None:
    assert IntentMatcher(builtin_intents(lang), lang).match(text).intent == intent


@pytest.mark.parametrize(
    ("asked", "text", "lang", "expected"),
    [
        ("relevance", "the bathroom is finished", "en", "no"),  # done as a state
        ("relevance", "its all done", "en", "no"),
        ("relevance", "it isnt finished yet", "en", "yes"),  # not done: still
        ("relevance", "we did it ourselves in the end", "en", "no"),
        ("relevance", "we gave up on the idea", "en", "no"),
        ("relevance", "probably not", "en", "no"),
        ("relevance", "i dont recall requesting that", "en", "no"),
        ("relevance", "sort of", "en", None),  # no "sorted" in it
        ("relevance", "стройку закончили", "ru", "no"),
        ("relevance", "пока не закончили", "ru", "yes"),
        ("offer", "were fine thank you", "en", "no"),  # a polite no to an offer
        ("offer", "yeah im ready", "en", "yes"),
        ("offer", "by email please", "en", "no"),  # another channel
        ("offer", "лучше в телеграм", "ru", "no"),
        ("consent", "sure you can", "en", "yes"),
        ("availability", "not the ideal time", "en", "no"),
        ("availability", "weve got guests over", "en", "no"),
        ("identity", "she is at church", "en", "no"),  # said of the one asked for
        ("identity", "hes deceased", "en", "no"),
    ],
)
def test_states_polite_noes_and_channels(asked: str, text: str, lang: str,
                                         expected: str | None) -> None:
    assert answer(asked, text, lang, ("john",) if asked == "identity" else ()) == expected


@pytest.mark.parametrize(
    "text",
    ["haven't got a clue", "search me", "you tell me", "still working on it",
     "id prefer not to say", "tbd", "whats usual for that"],
)
def test_more_ways_to_not_know_a_budget(text: str) -> None:
    assert branch_at("en", "budget", text) == "unknown"


@pytest.mark.parametrize(("text", "lang"), [("we dont have one", "en"), ("у нас одна", "ru")])
def test_the_pronoun_one_is_no_budget(text: str, lang: str) -> None:
    assert branch_at(lang, "budget", text) != "ok"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("which request", "who_is_this"), ("what inquiry is this", "who_is_this"),
     ("find me somebody to talk to", "operator")],
)
def test_what_the_call_is_about_and_a_person(text: str, intent: str) -> None:
    assert IntentMatcher(builtin_intents("en"), "en").match(text).intent == intent


# --- round six: mechanisms rather than words ----------------------------------------------


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # a negated statement nobody wrote down answers with its polarity
        ("identity", "i dont know anyone by that name", "no"),
        ("identity", "never met the guy", "no"),
        ("identity", "he cant come to the phone", "no"),
        ("availability", "this aint a good moment", "no"),
        ("availability", "i wont be able to talk now", "no"),
        ("consent", "i wont", "no"),
        ("relevance", "we wont be needing that", "no"),
        ("availability", "i really cant", "no"),  # "really" intensifies the negation
        ("consent", "i dont see a problem", "yes"),  # a negated refusal is still a yes
        ("relevance", "nothing signed yet", "yes"),  # not done yet: still on
        ("relevance", "i dont know", None),  # a hedge says nothing either way
    ],
)
def test_a_negated_statement_answers_with_its_polarity(asked: str, text: str,
                                                       expected: str | None) -> None:
    assert answer(asked, text, "en", ("john",) if asked == "identity" else ()) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hes sleeping", "no"),  # the one asked for is in some state: someone else answered
        ("she is napping right now", "no"),
        ("hes away on business", "no"),
        ("john here what is it regarding", "yes"),  # the name, then a question
        ("johnny speaking whats going on", "yes"),
    ],
)
def test_the_one_asked_for_in_some_state_or_answering_and_asking(text: str,
                                                                 expected: str) -> None:
    assert answer("identity", text, "en", ("john",)) == expected


@pytest.mark.parametrize(
    ("asked", "text"),
    [("relevance", "my son took care of it"), ("relevance", "the landlord dealt with it"),
     ("availability", "gotta get back to work")],
)
def test_irregular_pasts_and_obligations(asked: str, text: str) -> None:
    assert answer(asked, text, "en") == "no"


@pytest.mark.parametrize(
    "text",
    ["we didnt get that far", "we aint decided", "havent priced it out",
     "we didnt budget anything", "im not gonna give a number", "hmm thats a good question",
     "let me think about that"],
)
def test_a_negation_without_a_value_does_not_know_the_budget(text: str) -> None:
    assert branch_at("en", "budget", text) == "unknown"


@pytest.mark.parametrize("text", ["not more than ten grand", "no more than 8000"])
def test_a_negated_bound_is_still_a_budget(text: str) -> None:
    assert branch_at("en", "budget", text) == "ok"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("what did you ask me", "repeat"), ("sorry whats the question", "repeat"),
     ("what did you just say", "repeat"), ("what are you asking", "repeat"),
     ("i wanna talk this over with a rep", "operator"),
     ("id rather discuss this with an agent", "operator"),
     ("whats this regarding", "who_is_this")],
)
def test_questions_about_the_robots_words_and_a_person_after_an_object(text: str,
                                                                       intent: str) -> None:
    assert IntentMatcher(builtin_intents("en"), "en").match(text).intent == intent


def test_declining_a_salesman_is_no_operator_request() -> None:
    assert branch_at("en", "convenient", "i dont wanna talk to a salesman") != "operator"


@pytest.mark.parametrize(
    ("text", "value", "until"),
    [
        ("by june", "2026-11-21", "2027-06-30"),  # "by": that month included
        ("by fall", "2026-11-21", "2026-11-30"),
        ("by next month", "2026-11-21", "2026-12-31"),
        ("the end of summer", "2027-08-01", "2027-08-31"),  # a season's phase: one month
        ("early fall", "2027-09-01", "2027-09-30"),
        ("в конце лета", "2027-08-01", "2027-08-31"),
    ],
)
def test_by_a_period_and_a_phase_of_a_season(text: str, value: str, until: str) -> None:
    lang = "ru" if text[0] > "z" else "en"
    now = RU_NOW if lang == "ru" else EN_NOW
    found = extract_entities(text, lang, ["date"], now=now)
    assert [(str(e.value), str(e.until)) for e in found] == [(value, until)]


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("not today maybe friday", "en", "2026-11-27"), ("not monday tuesday", "en", "2026-11-24"),
     ("не завтра а в среду", "ru", "2026-11-25")],
)
def test_a_time_ruled_out_gives_way_to_the_next(text: str, lang: str, value: str) -> None:
    now = RU_NOW if lang == "ru" else EN_NOW
    assert [str(e.value) for e in extract_entities(text, lang, ["date"], now=now)] == [value]


@pytest.mark.parametrize(
    ("text", "normalized"),
    [("hes workin", "hes working"), ("speakin", "speaking"), ("nothin yet", "nothing yet"),
     ("just fixin dinner", "just fixing dinner"), ("martin speaking", "martin speaking"),
     ("im martin", "im martin"), ("again", "again"), ("idk", "i dont know"),
     ("maybe tmrw", "maybe tomorrow"), ("not rn", "not right now"), ("who dis", "who this")],
)
def test_casual_and_texting_spellings(text: str, normalized: str) -> None:
    from bot_engine.nlu.text import normalize

    assert normalize(text, "en") == normalized


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [("identity", "hes workin", "no"), ("availability", "im drivin", "no"),
     ("identity", "speakin", "yes"), ("relevance", "we decided to keep the old one", "no")],
)
def test_dropped_g_and_keeping_the_old_one(asked: str, text: str, expected: str) -> None:
    assert answer(asked, text, "en", ("john",) if asked == "identity" else ()) == expected


@pytest.mark.parametrize(
    ("text", "lang", "intent"),
    [("wait what", "en", "repeat"), ("who dis", "en", "who_is_this"),
     ("можно человека живого", "ru", "operator")],
)
def test_short_handlers_in_casual_forms(text: str, lang: str, intent: str) -> None:
    assert IntentMatcher(builtin_intents(lang), lang).match(text).intent == intent


@pytest.mark.parametrize("text", ["idk man", "gotta ask the wife"])
def test_casual_dont_knows(text: str) -> None:
    assert branch_at("en", "budget", text) == "unknown"


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [("relevance", "we got quotes and went elsewhere", "no"),
     ("relevance", "its too pricey for us", "no"),
     ("identity", "john yes who is this", "yes"),  # the name, a yes, then a question
     ("identity", "john and his wife are away", "no")],  # said about him: not him
)
def test_elsewhere_too_expensive_and_a_name_before_a_question(asked: str, text: str,
                                                              expected: str | None) -> None:
    assert answer(asked, text, "en", ("john",) if asked == "identity" else ()) == expected


def test_getting_quotes_first_is_a_dont_know() -> None:
    assert branch_at("en", "budget", "we need to get a few quotes first") == "unknown"


def test_missing_what_was_said_is_a_repeat() -> None:
    assert IntentMatcher(builtin_intents("en"), "en").match("sorry i missed that").intent == (
        "repeat")


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [("identity", "johnny who", "no"),  # the name asked back: nobody by that name here
     ("availability", "i have to grab my daughter from school", "no"),  # an obligation
     ("availability", "sorry gotta feed the dog", "no")],
)
def test_a_name_asked_back_and_an_obligation(asked: str, text: str, expected: str) -> None:
    assert answer(asked, text, "en", ("john",) if asked == "identity" else ()) == expected


def test_a_relative_taking_care_of_money_is_a_dont_know() -> None:
    assert branch_at("en", "budget", "my husband takes care of the finances") == "unknown"

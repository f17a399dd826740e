"""The general mechanisms behind understanding natural replies, as tables in both languages:
recogniser repairs, polar facts by lemma with negation scope, question topics, hedges,
keypad prompts read as yes/no, colloquial numbers, and negation around author patterns."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot_engine.nlu import IntentMatcher, IntentSpec, cues, extract_entities, normalize
from bot_engine.nlu.keys import keys_for_answers
from bot_engine.nlu.polar import polar, question_topic

# --- normalization: what a phone line and a recogniser do to short answers ------------


@pytest.mark.parametrize(
    ("text", "lang", "normalized"),
    [
        ("не-а, это не иван", "ru", "неа это не иван"),
        ("незнаю", "ru", "не знаю"),
        ("непротив", "ru", "не против"),
        ("неудобно", "ru", "неудобно"),  # a dictionary word stays whole
        ("о кей", "ru", "окей"),
        ("конешно", "ru", "конечно"),
        ("щас не могу", "ru", "сейчас не могу"),
        ("октуально", "ru", "актуально"),
        ("я обедаю, пере звоните", "ru", "я обедаю перезвоните"),
        ("дааа", "ru", "да"),
        ("нууу дааа", "ru", "да"),
        ("можно можно", "ru", "можно"),
        ("no pe", "en", "nope"),
        ("yea who's this", "en", "yeah whos this"),
        ("dunno", "en", "dont know"),
        ("noooo", "en", "no"),
        ("ummm yes", "en", "yes"),
    ],
)
def test_recogniser_slips_are_repaired(text: str, lang: str, normalized: str) -> None:
    assert normalize(text, lang) == normalized


# --- polar facts by lemma ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "answer", "family"),
    [
        # any word form, any order, negation a few words away
        ("ничего против не имею", "ru", "yes", "agree"),
        ("ничего не имею против", "ru", "yes", "agree"),
        ("согласия не даю", "ru", "no", "refuse"),
        ("не самое лучшее время", "ru", "no", "busy"),
        ("не очень удобно", "ru", "no", "busy"),
        ("нет времени", "ru", "no", "busy"),
        ("времени нет совсем", "ru", "no", "busy"),
        ("возражений нет", "ru", "yes", "agree"),
        ("ещё не купили", "ru", "yes", "still"),
        ("нам уже поставили", "ru", "no", "done"),
        ("мы решили пока не делать", "ru", "no", "done"),
        ("пока не решили", "ru", None, None),  # not "decided not to": an order matters
        ("я никогда не соглашался", "ru", "no", "refuse"),  # negative concord: one "no"
        ("нет я не буду ничего подтверждать", "ru", "no", "refuse"),
        ("сейчас неподходящее время", "ru", "no", "busy"),  # a negative prefix
        ("у меня сейчас встреча", "ru", "no", "busy"),
        ("ребёнка укладываю", "ru", "no", "busy"),  # a first-person activity
        ("мы ищем", "ru", "yes", "still"),  # searching is no activity that keeps you busy
        ("лучше вечером", "ru", "no", "later"),
        ("я сам позвоню", "ru", "no", "channel"),
        ("i don't mind", "en", "yes", "agree"),
        ("no objection", "en", "yes", "agree"),
        ("no i didn't agree", "en", "no", "refuse"),
        ("im not comfortable with that", "en", "no", "refuse"),
        ("not a good time", "en", "no", "busy"),
        ("yes it's a good time", "en", "yes", "available"),
        ("no longer interested", "en", "no", "done"),
        ("we haven't bought it yet", "en", "yes", "still"),
        ("we just had one installed last week", "en", "no", "done"),
        ("this evening would be better", "en", "no", "later"),
        ("lets talk later", "en", "no", "later"),
        ("im cooking dinner", "en", "no", "busy"),
        ("i'm about to get on a plane", "en", "no", "busy"),
        ("as long as its quick", "en", "yes", "available"),
        ("it's an inconvenient moment", "en", "no", "busy"),
    ],
)
def test_polar_facts_are_read_by_lemma(
    text: str, lang: str, answer: str | None, family: str | None
) -> None:
    hits = cues.read(text, lang)
    if answer is None:
        assert not {h.answer for h in hits}
    else:
        assert (hits[0].answer, hits[0].family) == (answer, family)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("он на работе", "ru"), ("она в командировке", "ru"), ("he's at work right now", "en"),
     ("she's away", "en")],
)
def test_a_busy_third_person_is_someone_else(text: str, lang: str) -> None:
    assert "wrong" in {h.family for h in cues.read(text, lang)}
    assert polar(text, lang, "identity").answer == "no"


# --- what the question asks ------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "lang", "topic"),
    [
        ("Здравствуйте! Это компания {{ company }}. Подскажите, это {{ name }}?", "ru",
         "identity"),
        ("{{ name }}, вы оставляли заявку. Вам удобно сейчас говорить пару минут?", "ru",
         "availability"),
        ("Ваша заявка ещё актуальна?", "ru", "relevance"),
        ("Вы согласны?", "ru", "consent"),
        ("Спасибо! Фиксирую: вы согласны на {{ purpose }}. Всё верно?", "ru", "readback"),
        ("Соединить вас с менеджером прямо сейчас?", "ru", "offer"),
        ("Hello! This is {{ company }}. Am I speaking with {{ name }}?", "en", "identity"),
        ("Do you have a couple of minutes to talk?", "en", "availability"),
        ("Are you still interested in {{ product }}?", "en", "relevance"),
        ("Do you agree?", "en", "consent"),
        ("Just to confirm: you agree to {{ purpose }}. Is that right?", "en", "readback"),
        ("Would you like me to connect you with a manager right now?", "en", "offer"),
        ("Вы уже получили посылку?", "ru", None),
    ],
)
def test_a_yes_no_question_has_a_topic(question: str, lang: str, topic: str | None) -> None:
    assert question_topic(question, lang) == topic


@pytest.mark.parametrize(
    ("text", "lang", "topic", "answer"),
    [
        ("я за рулём", "ru", "availability", "no"),
        ("я за рулём", "ru", "consent", None),  # being busy is no refusal
        ("перезвоните позже", "ru", "consent", None),
        ("уже купили", "ru", "relevance", "no"),
        ("уже купили", "ru", "consent", None),
        ("i'm driving", "en", "availability", "no"),
        ("i'm driving", "en", "consent", None),
        ("just email me", "en", "offer", "no"),
        ("just email me", "en", "relevance", None),
    ],
)
def test_facts_answer_only_the_questions_they_answer(
    text: str, lang: str, topic: str, answer: str | None
) -> None:
    assert polar(text, lang, topic).answer == answer


# --- hedges ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "hedge"),
    [
        ("пока не считали", "ru", True), ("незнаю", "ru", True), ("как получится", "ru", True),
        ("жена этим занимается", "ru", True), ("смотря что предложите", "ru", True),
        ("понятия не имею", "ru", True), ("знаю", "ru", False), ("двести тысяч", "ru", False),
        ("my wife handles the money", "en", True), ("what do these usually cost", "en", True),
        ("we haven't really talked about it", "en", True), ("havent got a number yet", "en", True),
        ("i know exactly", "en", False), ("about five thousand", "en", False),
    ],
)
def test_hedges(text: str, lang: str, hedge: bool) -> None:
    assert cues.hedge(text, lang) is hedge


# --- keypad prompts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "lang", "keys"),
    [
        ("Если вы согласны, нажмите один. Если не согласны, нажмите два.", "ru",
         {"yes": "1", "no": "2"}),
        ("If you agree, press one. If you don't agree, press two.", "en",
         {"yes": "1", "no": "2"}),
        ("Press 1 to confirm. Press 2 to cancel.", "en", {"yes": "1", "no": "2"}),
        ("Нажмите 1 или 2.", "ru", {}),
        ("Для отдела продаж нажмите один. Для поддержки нажмите два.", "ru", {}),
    ],
)
def test_a_keypad_prompt_says_which_key_is_yes(
    prompt: str, lang: str, keys: dict[str, str]
) -> None:
    assert keys_for_answers(prompt, lang) == keys


# --- numbers said the colloquial way ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "kind", "value"),
    [
        ("um a couple thousand", "en", "money", 2000),
        ("under a grand", "en", "money", 1000),
        ("a few grand", "en", "money", 3000),
        ("через полчасика", "ru", "datetime", "2026-11-21T12:30:00+03:00"),
        ("через часик", "ru", "datetime", "2026-11-21T13:00:00+03:00"),
        ("минуток через десять", "ru", "datetime", "2026-11-21T12:10:00+03:00"),
    ],
)
def test_colloquial_amounts(text: str, lang: str, kind: str, value: object) -> None:
    now = datetime(2026, 11, 21, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    found = extract_entities(text, lang, (kind,), now=now)  # type: ignore[arg-type]
    assert found and found[0].value == value


# --- author patterns and negation -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "intent"),
    [("да я занят", "ru", "busy"), ("да я не занят", "ru", None),
     ("не звоните мне", "ru", "stop"), ("im busy", "en", "busy"), ("im not busy", "en", None),
     ("dont call me", "en", "stop")],
)
def test_a_pattern_says_nothing_right_after_a_negator(
    text: str, lang: str, intent: str | None
) -> None:
    matcher = IntentMatcher({
        "busy": IntentSpec(patterns=[r"\bзанят", r"\bbusy\b"]),
        "stop": IntentSpec(patterns=[r"\bне звоните\b", r"\b(dont|do not) call\b"]),
    }, lang)
    assert matcher.match(text).intent == intent

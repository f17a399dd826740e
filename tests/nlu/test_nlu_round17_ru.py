"""Russian yes/no classes found by the twenty-second fresh batch (round seventeen): to
«удобно говорить?» a leave spent at home or staying in anyway is a yes, a shift of one's
own or something rising or arriving to be seen to a no; to «актуально?» a break-in near,
the place left unattended is a yes, the old one still serving, done by the family, enough
as it is a no; to an offer of a call, staying on the line, taking it at once, being right
at the place is a yes, and a third party to be called «пока не поздно»; to a consent, a
yes on a long ground, «пусть видят, что…», all that was said agreed; forbidden by someone,
another thing meant, the carrier changed are a no, not a request for an operator; «а если
я передумаю» asks about the offer. Every example is a paraphrase in another setting, in no
eval file, and fails on the code before the round; the guards go the other way."""

from __future__ import annotations

import pytest

from bot_engine.nlu.polar import answer_to_offer
from tests.nlu.polar_questions import answer, step_reply

LEAD, CONSENT, CALLBACK = ("lead_qualification.ru.yaml", "consent_confirmation.ru.yaml",
                           "callback.ru.yaml")


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # to «удобно говорить?»: a leave at home, staying in anyway
        ("availability", "я в отпуске по уходу дома сижу", "yes"),
        ("availability", "я в отгуле сегодня дома валяюсь", "yes"),
        ("availability", "ну давайте в такой ливень никуда не поеду", "yes"),
        # a shift of one's own, something rising or arriving to be seen to
        ("availability", "у меня смена в цеху", "no"),
        ("availability", "у нас сейчас смена в типографии", "no"),
        ("availability", "опара подходит блины затеваю", "no"),
        ("availability", "у меня очередь подходит к окошку", "no"),
        ("availability", "автобус мой подошёл", "no"),
        # to «актуально?»: a break-in near, the place unattended
        ("relevance", "у соседей по даче сарай взломали", "yes"),
        ("relevance", "на нашей улице уже три дома обнесли", "yes"),
        ("relevance", "к знакомым воры через окно влезли", "yes"),
        ("relevance", "дача всю зиму пустует", "yes"),
        ("relevance", "дом без присмотра стоит пока мы в городе", "yes"),
        # the old one still serving, done by the family, enough as it is
        ("relevance", "старый котёл у нас в подвале исправно работает", "no"),
        ("relevance", "старая проводка в доме нормально работает", "no"),
        ("relevance", "насос как часы работает", "no"),
        ("relevance", "кондиционер работает без нареканий", "no"),
        ("relevance", "брат сам нам антенну повесил", "no"),
        ("relevance", "сосед сам кабель нам провёл", "no"),
        ("relevance", "нам и этого хватает", "no"),
        # to an offer of a call: staying on the line, the caller right at the place
        ("offer", "ага повисю на линии", "yes"),
        ("offer", "ну я повисю подожду", "yes"),
        ("offer", "я повисю", "yes"),
        ("offer", "я как раз в гараже могу рассказать что где", "yes"),
        ("offer", "да я как раз на огороде покажу", "yes"),
        # to a consent: a yes on a long ground, let them see
        ("consent", "ну раз без этого абонемент в бассейн мне не продлят то пусть", "yes"),
        ("consent", "я на работу в банк устраиваюсь пусть видят что долгов нет", "yes"),
        ("consent", "страховку оформляю пусть смотрят что я без аварий езжу", "yes"),
        # forbidden by someone
        ("consent", "жена запретила соглашаться на такое", "no"),
        ("consent", "мне свекровь запретила давать согласие на такое", "no"),
        ("consent", "нет нам начальник запрещает соглашаться на рассылки", "no"),
        # to a read-back: another thing meant
        ("readback", "я имела в виду другой номер", "no"),
        ("readback", "я думала вы про другое согласие", "no"),
        ("readback", "я соглашалась на другие письма", "no"),
    ],
)
def test_answers(asked: str, text: str, expected: str) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("availability", "я в отпуске на море", "no"),
        ("availability", "да подходит", "yes"),
        ("availability", "смена закончилась можно говорить", "yes"),
        ("relevance", "старый котёл плохо работает", "yes"),
        ("relevance", "нам не хватает тепла", None),
        ("offer", "нет я на даче", "no"),
        ("offer", "я на даче давайте завтра", "no"),
        ("offer", "я в машине не могу", "no"),
        ("offer", "давайте я перезвоню я в машине", "no"),
        ("consent", "пусть муж посмотрит", None),
        ("consent", "раз так то не надо", "no"),
        ("readback", "да я про другое думала но всё верно", "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the operator taking the transferred call at once, whatever place it is about
        ("давай её на дачу", "yes"),
        ("беру клиента на огород", "yes"),
        ("давай её в гараж", "yes"),
        ("беру его в деревню", "yes"),
        # guards
        ("нет я на даче", "no"),
        ("не могу я в гараже", "no"),
    ],
)
def test_operator_answer(text: str, expected: str | None) -> None:
    assert answer_to_offer(text, "ru") == expected


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        # told to call the third party before it is too late
        (CALLBACK, "announce", "давайте наберите её пока не остыла", "yes"),
        (CALLBACK, "announce", "ну давай перезвони клиенту пока он на связи", "yes"),
        (CALLBACK, "announce", "давай набери её пока она на месте", "yes"),
        # the carrier changed is no request for an operator
        (CONSENT, "ask_consent", "нет я оператора скоро сменю", "no"),
        (CONSENT, "ask_consent", "я менять оператора собираюсь так что нет", "no"),
        # all that was said agreed
        (CONSENT, "ask_consent", "согласен со всем что вы перечислили", "yes"),
        (CONSENT, "ask_consent", "всё что вы сказали верно согласен", "yes"),
        # a change of mind asks about the offer
        (CONSENT, "ask_consent", "а если вдруг передумаю", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а если я потом отзову", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а если мы позже передумаем", "handler:who_is_this"),
    ],
)
def test_at_step(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        (CALLBACK, "announce", "перезвоните ему потом", "no"),
        (CONSENT, "ask_consent", "соедините с оператором", "handler:operator"),
        (CONSENT, "ask_consent", "повторите всё что вы сказали", "handler:repeat"),
        (CONSENT, "ask_consent", "а что вы сказали", "handler:repeat"),
    ],
)
def test_at_step_guards(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch

"""Russian classes of indirect answers (round fourteen, second part): the trouble still
there or nothing done so far is a yes to «актуально?»; serviced, set right, moved out or
the landlord's call is a no; a refusal denied («не откажусь») agrees; the phone or the plan
kept as it is refuses a consent; a busy place; the key that accepts, said in words on the
operator's leg, and a talk with another client that declines it; a person asked for in a
diminutive; a carrier is no person; not the caller's decision is a don't-know; a refusal
already said, or a rude manager, is a no; a free day is time to talk, a feast or a dying
phone is not; the trouble again or staying is still on, working now or another's home is
done; the plan kept as it is refuses a change, the change wanted or «почему бы не ...»
agrees; a work phone answered is no one asked for; on the operator's leg, on the way to
the phone keeps the offer open; «продублируйте» asks to repeat; «а вы из горгаза что
ли» and what the offered plan holds ask who is calling; «отключите от рассылки» opts out;
a break or just the right time is time to talk, not the place for it is no; «проехали»
is done, «куда ж мы денемся» and «звучит неплохо» agree; not interested, nothing to
change or too dear refuses a change; a manager praised is kept, anyone at all is not; on
the operator's leg the accepting key said alone («единичку») takes the call; a person after
a yes or by trade («да, с мастером соедините») asks for the operator; «не подскажу»,
«решение за хозяином» do not know.
Every example is a
paraphrase, in no eval file, and fails on the code before the round; the guards go the
other way on both."""

from __future__ import annotations

import pytest

from bot_engine.nlu.polar import answer_to_offer
from tests.nlu.polar_questions import answer, step_reply

LEAD, CONSENT = "lead_qualification.ru.yaml", "consent_confirmation.ru.yaml"
OWN = "own_manager.ru.yaml"


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # the trouble goes on: a yes to «актуально?»
        ("relevance", "колонка всё время тухнет", "yes"),
        ("relevance", "батареи в спальне еле тёплые", "yes"),
        ("relevance", "в зале радиаторы ледяные", "yes"),
        ("relevance", "котёл барахлит с осени", "yes"),
        ("relevance", "в котельной пахнет газом", "yes"),
        # nothing done so far
        ("relevance", "замерщик так и не приехал", "yes"),
        ("relevance", "сантехник так и не появился", "yes"),
        ("relevance", "ответа от них так и нет", "yes"),
        ("relevance", "котёл никто ни разу не обслуживал", "yes"),
        # serviced or set right by someone
        ("relevance", "газовики обслуживают нас по договору", "no"),
        ("relevance", "мастер в пятницу всё наладил", "no"),
        ("relevance", "сосед сам прочистил котёл", "no"),
        ("relevance", "этим управляющая компания занимается", "no"),
        # moved out, the boiler taken out, the landlord's call
        ("relevance", "мы съехали в прошлом месяце", "no"),
        ("relevance", "живём теперь у дочери", "no"),
        ("relevance", "котёл сняли весной", "no"),
        ("relevance", "газовую колонку сняли и выкинули", "no"),
        ("relevance", "хозяин квартиры сам решает", "no"),
        # a refusal denied agrees
        ("consent", "пожалуй не откажусь", "yes"),
        ("consent", "пожалуй не откажемся", "yes"),
        ("consent", "не откажусь пожалуй", "yes"),
        # the phone or the plan kept as it is
        ("consent", "у меня кнопочная звонилка", "no"),
        ("consent", "мне и на старом тарифе нормально", "no"),
        ("consent", "этой симкой я не пользуюсь", "no"),
        ("consent", "у меня корпоративная симка", "no"),
        # a busy place
        ("availability", "стою на морозе жду такси", "no"),
        ("availability", "на морозе стою с коляской", "no"),
        ("availability", "в операционной я", "no"),
        # a refusal already said
        ("readback", "так я ведь отказался", "no"),
        ("readback", "я ж отказалась вообще-то", "no"),
        ("readback", "так я уже отказалась", "no"),
    ],
)
def test_answers(asked: str, text: str, expected: str) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("consent", "отказываюсь наотрез", "no"),
        ("relevance", "ещё не обслуживали", "yes"),
        ("relevance", "котёл надо почистить", None),
        ("availability", "свободен говорите", "yes"),
        ("readback", "всё верно записали", "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the accepting key said in words, a talk with another client
        ("нажму единицу", "yes"),
        ("нажму первую", "yes"),
        ("жму первую кнопку", "yes"),
        ("у меня клиентка в кабинете", "no"),
        ("у меня клиентка на замере", "no"),
        ("сижу с клиенткой", "no"),
    ],
)
def test_operator_leg(text: str, expected: str) -> None:
    assert answer_to_offer(text, "ru") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("нажимаю двойку", None), ("секундочку погоди", None), ("беру её", "yes")],
)
def test_operator_leg_guards(text: str, expected: str | None) -> None:
    assert answer_to_offer(text, "ru") == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a person asked for in a diminutive is no yes
        (LEAD, "convenient", "соедините с человечком", "handler:operator"),
        (LEAD, "offer_manager", "а человечка можно", "operator"),
        (LEAD, "relevant", "мне бы человечка", "handler:operator"),
        # a carrier is no person
        (CONSENT, "ask_consent", "перехожу к другому оператору", "no"),
        (CONSENT, "ask_consent", "я уже к другому оператору ушла", "no"),
        (CONSENT, "ask_consent", "нет ухожу к другому оператору", "no"),
        # not the caller's decision
        (LEAD, "ask_budget", "плачу не я", "unknown"),
        (LEAD, "ask_budget", "это не я плачу", "unknown"),
        (LEAD, "ask_budget", "так не я плачу", "unknown"),
        (LEAD, "ask_budget", "плачу-то не я", "unknown"),
        # a rude manager is no one to keep
        (OWN, "ask_keep", "он мне нагрубил", "no"),
        (OWN, "ask_keep", "хамил он мне", "no"),
        (OWN, "ask_keep", "он хамил по телефону", "no"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD, "convenient", "соедините с другим оператором", "handler:operator"),
        (LEAD, "ask_budget", "я решаю тысяч сорок", "ok"),
        (OWN, "ask_keep", "да он вежливый", "yes"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # a free day or a free spell
        ("availability", "у меня выходной", "yes"),
        ("availability", "я уже освободилась", "yes"),
        ("availability", "дома на диване", "yes"),
        # a feast, a dying phone
        ("availability", "у нас застолье", "no"),
        ("availability", "телефон разряжается", "no"),
        ("offer", "у меня батарея садится", "no"),
        # the trouble again, or staying
        ("relevance", "опять сломался", "yes"),
        ("relevance", "котёл опять шумит", "yes"),
        ("relevance", "ничего не изменилось", "yes"),
        ("relevance", "проблема осталась", "yes"),
        ("relevance", "вопрос открыт", "yes"),
        # it works now, the master has been, not the caller's home
        ("relevance", "всё работает нормально", "no"),
        ("relevance", "мастер уже был", "no"),
        ("relevance", "квартира не моя", "no"),
        ("relevance", "сдали квартиру", "no"),
        ("relevance", "съехали от родителей", "no"),
        # the plan kept as it is
        ("consent", "мне удобнее по старинке", "no"),
        ("consent", "меня всё устраивает как есть", "no"),
        ("consent", "оставьте старый тариф", "no"),
        ("consent", "мне старый нравится", "no"),
        ("consent", "интернетом не пользуюсь", "no"),
        # the change wanted already, or told to go on
        ("consent", "давно хотел поменять", "yes"),
        ("consent", "я сам хотел перейти", "yes"),
        ("consent", "переводите на новый", "yes"),
        ("consent", "мне без разницы переводите", "yes"),
        # «почему бы не ...» agrees
        ("consent", "а почему бы не попробовать", "yes"),
        ("consent", "почему бы не перейти", "yes"),
        ("consent", "ну почему бы и не подключить", "yes"),
        # a work phone answered
        ("identity", "это служебный телефон", "no"),
        ("identity", "это рабочий номер офиса", "no"),
        ("identity", "это общий телефон", "no"),
    ],
)
def test_more_answers(asked: str, text: str, expected: str) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("consent", "мне старый не нравится", None),
        ("consent", "почему бы не отказаться", None),
        ("consent", "не переводите", "no"),
        ("relevance", "хотели поменять котёл", "yes"),
        ("availability", "я в отпуске", "no"),
    ],
)
def test_more_answers_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize("text", ["сейчас иду", "да-да секунду", "да иду", "ага секундочку"])
def test_operator_leg_waits(text: str) -> None:
    assert answer_to_offer(text, "ru") is None


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [(LEAD, "relevant", "продублируйте"), (LEAD, "relevant", "скажите снова"),
     (LEAD, "relevant", "я прослушал")],
)
def test_repeat_asked(script_file: str, step: str, text: str) -> None:
    assert step_reply(script_file, step, text)[0] == "handler:repeat"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # asked whether the call comes from some place
        (LEAD, "greet", "а вы из горгаза что ли", "handler:who_is_this"),
        (LEAD, "greet", "так это из поликлиники что ли", "handler:who_is_this"),
        (LEAD, "convenient", "вы из водоканала или как", "handler:who_is_this"),
        # what the offered plan holds
        (CONSENT, "ask_consent", "а что в этом тарифе", "handler:who_is_this"),
        (CONSENT, "ask_consent", "что там в тарифе входит", "handler:who_is_this"),
        (CONSENT, "ask_consent", "что в новом предложении", "handler:who_is_this"),
        # cut off from the calls
        (LEAD, "convenient", "отключите меня от рассылки", "handler:opt_out"),
        (CONSENT, "ask_consent", "отключите мой номер от обзвона", "handler:opt_out"),
        (LEAD, "relevant", "отключите нас от рекламы", "handler:opt_out"),
    ],
)
def test_handlers(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # a break is time to talk, but no time to take a call
        ("availability", "у меня сейчас перерыв", "yes"),
        ("availability", "как раз перерыв обеденный", "yes"),
        ("availability", "у меня перерыв на кофе", "yes"),
        ("availability", "нет у меня перерыв кончается", "no"),
    ],
)
def test_a_break(asked: str, text: str, expected: str) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # just the right time, a free slot
        ("availability", "сейчас в самый раз", "yes"),
        ("availability", "как раз есть окошко", "yes"),
        ("availability", "как раз выдалось окошко", "yes"),
        # not in the place or state for it
        ("offer", "я сейчас не в том месте", "no"),
        ("offer", "мы не в том положении сейчас", "no"),
        ("offer", "я не в том состоянии", "no"),
        # past it
        ("relevance", "проехали", "no"),
        ("relevance", "поезд ушёл", "no"),
        ("relevance", "забудьте про заявку", "no"),
        # nowhere else to go
        ("relevance", "куда ж мы денемся", "yes"),
        ("relevance", "куда нам деваться", "yes"),
        ("consent", "куда я денусь", "yes"),
        # it sounds good
        ("consent", "звучит неплохо", "yes"),
        ("consent", "звучит заманчиво", "yes"),
        ("offer", "звучит разумно", "yes"),
        # not interested, nothing to change, too dear
        ("consent", "меня это не интересует", "no"),
        ("consent", "ничего не меняйте", "no"),
        ("consent", "мне дорого будет", "no"),
        ("consent", "новый дороже", "no"),
    ],
)
def test_idioms(asked: str, text: str, expected: str) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("text", "branch"),
    [
        # the manager praised is kept; anyone at all is no one kept
        ("он хороший специалист", "yes"),
        ("она толковый менеджер", "yes"),
        ("он грамотный парень", "yes"),
        ("любой пусть отвечает", "no"),
        ("любой пусть берёт", "no"),
        ("да любой пусть отвечает", "no"),
    ],
)
def test_keep_the_manager(text: str, branch: str) -> None:
    assert step_reply(OWN, "ask_keep", text)[0] == branch


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [("consent", "совсем не дорого", None), ("consent", "мне не дорого", None),
     ("relevance", "ещё не проехали", "yes")],
)
def test_idioms_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    "text", ["единичку", "ну один", "цифра один", "первую кнопку", "ставлю единицу"],
)
def test_operator_leg_key_alone(text: str) -> None:
    # the key the whisper names («Нажмите 1»), said alone, takes the call
    assert answer_to_offer(text, "ru") == "yes"


@pytest.mark.parametrize("text", ["двойка", "нажимаю", "два"])
def test_operator_leg_key_alone_guards(text: str) -> None:
    assert answer_to_offer(text, "ru") is None


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a person asked for after a yes, or by trade, is no yes
        (LEAD, "relevant", "да только с человеком", "handler:operator"),
        (LEAD, "convenient", "а с человеком можно", "handler:operator"),
        (LEAD, "greet", "живые у вас есть", "handler:operator"),
        (LEAD, "relevant", "да с мастером соедините", "handler:operator"),
        (LEAD, "convenient", "хочу поговорить с инженером", "handler:operator"),
        (CONSENT, "ask_consent", "да с юристом вашим свяжите", "handler:operator"),
        # not the caller's to say: a don't-know
        (LEAD, "ask_budget", "ой не подскажу", "unknown"),
        (LEAD, "ask_budget", "вам не подскажу", "unknown"),
        (LEAD, "ask_budget", "решение за хозяином", "unknown"),
    ],
)
def test_person_and_dont_know(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

"""Russian handler replies of round seventeen, in the caller's own words: who is calling
asked through the call's own words (the company's name echoed, «а вы сами-то откуда», «это
страховая что ли опять»), a person asked for against a bot («ты бот, давай человека»,
«позовите старшего»), calls refused by a threat or by «забудьте про меня», the question
asked again («погодите, чего», «о чём вы спросили», «говорите чётче»); and the other way, a
manager or an operator named inside an answer is no request for one («менеджеру вашему я
уже всё сказал», «сто тысяч оператору так и передайте»). Every example is a paraphrase in
another setting, in no eval file, and fails on the code before the round; the guards hold
on both."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply

LEAD, CONSENT = "lead_qualification.ru.yaml", "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("script", "step", "text", "company", "branch"),
    [
        # the company's own name, echoed with a doubt or a question
        (LEAD, "greet", "теплоград какой теплоград", "Теплоград", "handler:who_is_this"),
        (LEAD, "relevant", "какой ещё теплоград", "Теплоград", "handler:who_is_this"),
        (CONSENT, "ask_consent", "улыбка это стоматология на вокзальной что ли",
         "Стоматология Улыбка", "handler:who_is_this"),
        (LEAD, "ask_timeframe", "а вы точно теплоград не жулики", "Теплоград",
         "handler:who_is_this"),
    ],
)
def test_company_echoed(script: str, step: str, text: str, company: str, branch: str) -> None:
    assert step_reply(script, step, text, company=company)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        # who, whence and what, in the caller's own words
        (LEAD, "ask_budget", "а вы сами то откуда будете", "handler:who_is_this"),
        (CONSENT, "ask_consent", "вы та контора что у метро буклеты раздавала",
         "handler:who_is_this"),
        (LEAD, "relevant", "а вы там сами работаете или колл центр какой", "handler:who_is_this"),
        (LEAD, "convenient", "это коллекторы штоли опять", "handler:who_is_this"),
        (CONSENT, "ask_consent", "это официально от поликлиники или кто", "handler:who_is_this"),
        (LEAD, "convenient", "а разговор то вообще про что звонок", "handler:who_is_this"),
        (LEAD, "relevant", "а вы насчёт чего звоните мне в выходной", "handler:who_is_this"),
        (CONSENT, "greet", "а что там такое стряслось", "handler:who_is_this"),
        (LEAD, "ask_timeframe", "а кому она понадобилась", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а кто снимает то", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а что снимать то собираетесь", "handler:who_is_this"),
        (CONSENT, "ask_consent", "куда попадут эти снимки", "handler:who_is_this"),
        (LEAD, "ask_budget", "телефон мой что в какой то вашей базе", "handler:who_is_this"),
        (LEAD, "relevant", "а заявку кто подавал муж что ли", "handler:who_is_this"),
        (CONSENT, "ask_consent", "что за рассылка я не поняла", "handler:who_is_this"),
        (LEAD, "offer_manager", "а специалист это кто у вас такой", "handler:who_is_this"),
        (LEAD, "offer_manager", "а кто там ваш консультант", "handler:who_is_this"),
        # a person against the machine
        (LEAD, "convenient", "ты бот что ли давай человека", "handler:operator"),
        (CONSENT, "greet", "вы робот позовите кого нибудь", "handler:operator"),
        (LEAD, "ask_budget", "позовите главного", "handler:operator"),
        (LEAD, "relevant", "слышь переключи на живого", "handler:operator"),
        (LEAD, "ask_timeframe", "эй соедини с кем нибудь", "handler:operator"),
        (CONSENT, "ask_consent", "мне бы поговорить с завучем", "handler:operator"),
        (CONSENT, "ask_consent", "соедините с учителем", "handler:operator"),
        (LEAD, "greet", "нужен человек а не программа", "handler:operator"),
        (LEAD, "convenient", "бот этот не нужен мне сотрудник нужен", "handler:operator"),
        (CONSENT, "greet", "не хочу с ботом общаться", "handler:operator"),
        (LEAD, "ask_callback", "есть у вас люди хоть какие", "handler:operator"),
        (CONSENT, "ask_consent", "пусть человек позвонит и всё растолкует", "handler:operator"),
        # calls refused: forgotten, threatened, wished gone, the data deleted
        (LEAD, "relevant", "забудьте обо мне", "handler:opt_out"),
        (LEAD, "ask_budget", "забудьте меня пожалуйста", "handler:opt_out"),
        (CONSENT, "greet", "ещё раз позвоните в прокуратуру пожалуюсь", "handler:opt_out"),
        (LEAD, "convenient", "чтоб больше я вас не слышала никогда", "handler:opt_out"),
        (LEAD, "ask_timeframe", "чтобы больше звонков от вас не было", "handler:opt_out"),
        (CONSENT, "ask_consent", "сотрите все мои данные", "handler:opt_out"),
        (LEAD, "relevant", "уберите оттуда мой телефон", "handler:opt_out"),
        (LEAD, "greet", "исключите меня совсем", "handler:opt_out"),
        (LEAD, "convenient", "достали уже своими звонками", "handler:opt_out"),
        (LEAD, "offer_manager", "никаких консультантов и звонков", "handler:opt_out"),
        (CONSENT, "ask_consent", "никаких снимков и звонков не надо", "handler:opt_out"),
        # the question asked again or said better
        (LEAD, "ask_timeframe", "подождите чего", "handler:repeat"),
        (CONSENT, "ask_consent", "ещё разок что вы спросили у меня", "handler:repeat"),
        (LEAD, "relevant", "что вы спросили насчёт сроков", "handler:repeat"),
        (LEAD, "convenient", "говорите внятнее пожалуйста", "handler:repeat"),
        (LEAD, "ask_timeframe", "помедленнее я не успеваю", "handler:repeat"),
        (LEAD, "ask_budget", "пропустила вопрос извините", "handler:repeat"),
        (LEAD, "ask_timeframe", "погодите как", "handler:repeat"),
        (LEAD, "offer_manager", "кого соединить то", "handler:repeat"),
        (CONSENT, "greet", "как как ольга кто", "handler:repeat"),
        # a manager or an operator named inside an answer: no request for one
        (LEAD, "convenient", "оператору вашему я уже всё сказала но давайте", "yes"),
        (LEAD, "relevant", "нет вашему оператору я уже объяснял что не нужно", "no"),
        (LEAD, "relevant", "да нужно менеджер ваш тоже спрашивал", "yes"),
        (LEAD, "greet", "нет не туда попали а оператор ваш видно цифры перепутал", "no"),
        (LEAD, "ask_budget", "смотря какие окна менеджер ваш ничего не сказал", "unknown"),
    ],
)
def test_at_step(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch


def test_amount_told_to_manager() -> None:
    branch, slots = step_reply(LEAD, "ask_budget", "сто двадцать тысяч оператору так и скажите")
    assert branch == "ok"
    assert slots["budget"] == 120000


def test_time_for_manager_to_call() -> None:
    branch, slots = step_reply(LEAD, "ask_callback", "в понедельник с утра пусть менеджер наберёт")
    assert branch == "ok"
    assert slots["callback_at"] is not None


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        # still a request for a person
        (LEAD, "convenient", "соедините с менеджером", "handler:operator"),
        (LEAD, "ask_budget", "дайте оператора", "handler:operator"),
        (LEAD, "relevant", "к оператору переведите", "handler:operator"),
        (LEAD, "ask_budget", "мне нужен оператор я же вам говорил", "handler:operator"),
        (LEAD, "ask_budget", "мне бы с менеджером поговорить", "handler:operator"),
        # a human declined, the machine not named
        (LEAD, "offer_manager", "нет менеджер не нужен", "no"),
        # a hearing word, no call refused; a repeat not wanted
        (LEAD, "convenient", "да слышу вас хорошо", "yes"),
        # no company word, no doubt: no who-is-this
        (LEAD, "relevant", "да актуально", "yes"),
        (LEAD, "convenient", "да говорите", "yes"),
        # the company named without a doubt
        (LEAD, "relevant", "да окна плюс мне уже звонили актуально", "yes"),
        # calls only until a date
        (LEAD, "relevant", "нет не нужно уже", "no"),
    ],
)
def test_guards(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch

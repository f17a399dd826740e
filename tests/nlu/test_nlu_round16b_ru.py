"""Russian classes of natural replies found by the twenty-first fresh batch (round sixteen,
second part): who is calling asked as a doubt of the company's kind («вы точно
риелторы»), as «а какой салон», «кто вы» at the end, «напомните, откуда вы», why the
consent is wanted or what the messages will be about; opt-out asked politely («прошу
больше не беспокоить») or with «сюда»; to a consent for reminders, loyalty said as a fact
(«я к вам каждый год езжу», «купила у вас машину») agrees and a fact of leaving («машину
продал», «обслуживаюсь у знакомого», «ноги моей у вас не будет») refuses; to «удобно
говорить?» a situation (idle in a queue, a passenger) is a yes, a job at hand (a workman
at home, an interview, paying at a till) a no; to «актуально?» progress toward the thing
(materials on the plot, the old one lost) is a yes, done by the family or chosen another
way a no. Every example is a paraphrase, in no eval file, and fails on the code before the
round; the guards go the other way after it."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD, CONSENT = "lead_qualification.ru.yaml", "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        # who is calling: the company's kind doubted, the company asked, «кто вы» last
        (LEAD, "ask_budget", "а вы вообще монтажники или перекупщики", "handler:who_is_this"),
        (LEAD, "ask_budget", "вы правда сантехники", "handler:who_is_this"),
        (LEAD, "relevant", "вы точно кровельщики", "handler:who_is_this"),
        (LEAD, "ask_budget", "а вы реально застройщики", "handler:who_is_this"),
        (CONSENT, "greet", "а какой сервис", "handler:who_is_this"),
        (CONSENT, "greet", "а какой автосервис", "handler:who_is_this"),
        (LEAD, "ask_callback", "какая компания ещё раз повторите", "handler:who_is_this"),
        (LEAD, "ask_callback", "что за фирма повторите", "handler:who_is_this"),
        (LEAD, "convenient", "я где только не оставлял а вы кто", "handler:who_is_this"),
        (LEAD, "ask_timeframe", "подскажите ещё раз откуда вы", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а про что сообщать будете", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а о чём информировать-то станете", "handler:who_is_this"),
        # opt-out with «сюда»
        (CONSENT, "greet", "не надо сюда трезвонить", "handler:opt_out"),
        (LEAD, "greet", "не стоит сюда звонить никогда", "handler:opt_out"),
    ],
)
def test_handlers(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [
        (LEAD, "ask_callback", "повторите пожалуйста", "handler:repeat"),
        (CONSENT, "ask_consent", "нет не надо", "no"),
        (LEAD, "offer_manager", "вы точно перезвоните", "no"),
        (LEAD, "relevant", "вы точно уверены", "yes"),
        (CONSENT, "ask_consent", "а про что напоминания", "handler:who_is_this"),
    ],
)
def test_handlers_guards(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch

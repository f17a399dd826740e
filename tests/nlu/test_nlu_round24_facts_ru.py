"""Round twenty-four, Russian, second wave: handlers a role or a noise misleads, and the
facts of a need still present or already met (each example is a paraphrase written for
its class, not a reply of the eval set)."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply

LEAD = "lead_qualification.ru.yaml"
CONSENT = "consent_confirmation.ru.yaml"
BUGS = {"product": "дезинсекцию", "company": "ДезКонтроль"}
TYRES = {"product": "зимнюю резину с шиномонтажом", "company": "ЗимКолесо"}


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "offer_manager", "а специалист этот от какой фирмы", "handler:who_is_this"),
     (LEAD, "relevant", "соедините с менеджером", "handler:operator"),
     (LEAD, "relevant", "ваш консультант мне уже всё рассказал",
      "no_match:retry"),
     (LEAD, "convenient", "с вами уже моя жена говорила", "no_match:retry"),
     (CONSENT, "read_back", "нет подождите я сперва со своим юристом посоветуюсь", "no"),
     (CONSENT, "read_back", "да я ж уже сказал", "yes"),
     (CONSENT, "ask_consent", "помедленнее пожалуйста я пишу", "handler:repeat"),
     (LEAD, "greet", "тут собака лает что вы сказали", "handler:repeat")],
)  # fmt: skip
def test_a_role_or_a_noise_that_asks_nothing_else(script: str, step: str, text: str,
                                                  branch: str) -> None:
    """Whose the offered person is asks who calls; the caller's own boss to be asked, or
    the robot's people told of, asks no operator; the pace asked for writing down and a
    noise that drowned whom was asked ask again; «я ж уже сказал» confirms a read-back."""
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch", "product"),
    [("огород так и стоит неполотый а сорняки уже пошли", "yes", BUGS),
     ("на кухне снова тараканов видела", "yes", BUGS),
     ("кота уже два раза с блохами из подвала приносили", "yes", BUGS),
     ("у меня старые покрышки все потрескались", "yes", TYRES),
     ("резина лежит а поставить некому", "yes", TYRES),
     ("свекровь пилит уже езжу на лысой", "yes", TYRES),
     ("сосед мне свой комплект отдал", "no", TYRES),
     ("я на зиму машину в гараж поставил езжу на автобусе", "no", TYRES)],
)  # fmt: skip
def test_the_need_still_present_or_met(text: str, branch: str,
                                       product: dict[str, str]) -> None:
    """To «актуально?»: the trouble back again, the job not done, the old thing worn out,
    no hands to do it, the family nagging: a yes; the thing got through one's own people or
    not needed this season: a no."""
    assert step_reply(LEAD, "relevant", text, **product)[0] == branch

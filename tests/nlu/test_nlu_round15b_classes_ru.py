"""Russian classes of natural replies found by the sixteenth fresh batch (round fifteen,
second part): a question of who is calling after «постойте» / «погоди» wins over a time
read from nothing; what the offer is («а какие сообщения») or the company said again
(«какой салон ещё раз») asks who is calling, as does «что за» and a name split in three
by the recogniser; «что?», then the noise that drowned the question, asks to repeat; the
pause fillers alone («ну это самое короче») are no reply for the memory to recall; a sum
put off until after a calculation or an inspection («после <чего-то> скажу») is unknown.
Every example is a paraphrase, in no eval file, and fails on the code before the round;
the guards (in `*_guards` tests) go the other way after it."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply

LEAD, CONSENT = "lead_qualification.ru.yaml", "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # «постойте», «погоди» before a question of who is calling
        (LEAD, "ask_timeframe", "постойте а откуда вы звоните", "handler:who_is_this"),
        (LEAD, "ask_timeframe", "погоди а что за контора", "handler:who_is_this"),
        # what the offer is, or the company said again
        (CONSENT, "ask_consent", "а какие сообщения", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а какие уведомления", "handler:who_is_this"),
        (CONSENT, "ask_consent", "какой салон ещё раз", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а какой магазин еще раз", "handler:who_is_this"),
        (LEAD, "convenient", "а что за окна плюс сервис", "handler:who_is_this"),
        # «что?», then the noise that drowned the question
        (CONSENT, "ask_consent", "что извините дети кричат", "handler:repeat"),
        (LEAD, "relevant", "а что у соседей дрель сверлит", "handler:repeat"),
        (LEAD, "convenient", "как простите тут трактор гудит", "handler:repeat"),
        # pause fillers only: nothing to recall
        (LEAD, "relevant", "ну как бы вот", "no_match:retry"),
        (LEAD, "convenient", "как бы так", "no_match:retry"),
        # a sum put off until after something is done
        (LEAD, "ask_budget", "после расчета мощности скажу", "unknown"),
        (LEAD, "ask_budget", "после визита будет ясно", "unknown"),
        (LEAD, "ask_budget", "после обмеров будет понятно", "unknown"),
        (LEAD, "ask_budget", "после проекта скажу", "unknown"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD, "convenient", "а ребенок плачет", "no"),  # busy: no «что?» before the noise
        (LEAD, "ask_timeframe", "постойте в марте", "ok"),
        (CONSENT, "ask_consent", "ну типа да", "yes"),
        (LEAD, "ask_budget", "после ремонта тысяч четыреста", "ok"),
        (CONSENT, "ask_consent", "повторите еще раз", "handler:repeat"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

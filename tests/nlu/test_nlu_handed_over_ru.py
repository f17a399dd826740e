"""Someone fetching the one asked for, to «Это Иван?»: «мам, тебя к телефону», «пап, это
тебя», «не вешайте трубку, сейчас подойдёт». Before, the first read as a yes (the robot
went on with whoever held the phone) and the others as a no (a wrong person); the question
now waits for the one who comes to the phone. Answers stay answers."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply

LEAD = "lead_qualification.ru.yaml"


@pytest.mark.parametrize(
    "text",
    ["мам тебя к телефону", "пап это тебя", "не вешайте трубку сейчас подойдёт",
     "наташ тебя спрашивают", "ой бабуль тебя к трубке", "сейчас он подойдёт не вешайте трубку",
     "щас дам ему трубку", "минутку передаю трубку", "сейчас позову"],
)
def test_the_phone_handed_over_waits_for_the_one_asked_for(text: str) -> None:
    assert step_reply(LEAD, "greet", text)[0] == "no_match:retry"


@pytest.mark.parametrize(
    ("text", "want"),
    [("да это я", "yes"), ("нет его нет", "no"), ("да это вам", "yes"),
     ("нет я вас позову", "no"), ("его нет дома", "no")],
)
def test_answers_stay_answers(text: str, want: str) -> None:
    assert step_reply(LEAD, "greet", text)[0] == want

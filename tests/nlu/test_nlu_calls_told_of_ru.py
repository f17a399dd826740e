"""A call told of by an indefinite «кто-то» («из офиса мне уже звонил кто-то») is no
question of who is calling: before, its words («кто», «звонил») read as «кто звонит», and
the robot introduced itself again instead of asking its question again. A «кто» that asks
still asks."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply

LEAD = "lead_qualification.ru.yaml"


@pytest.mark.parametrize(
    "text",
    ["из офиса мне уже звонил кто-то", "кто-то мне от вас уже звонил",
     "мне уже кто-нибудь звонил от вас или нет", "вроде кто-то уже звонил по этому поводу"],
)
def test_a_call_told_of_asks_nothing(text: str) -> None:
    assert step_reply(LEAD, "convenient", text)[0] != "handler:who_is_this"


@pytest.mark.parametrize(
    "text", ["мне кто-то уже звонил а кто вы", "кто мне звонил", "кто звонит",
             "вам кто-то звонил а вы кто"],
)
def test_a_who_that_asks_still_asks(text: str) -> None:
    assert step_reply(LEAD, "convenient", text)[0] == "handler:who_is_this"

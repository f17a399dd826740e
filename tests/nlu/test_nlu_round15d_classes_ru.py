"""Russian classes of natural replies to yes/no questions found by the eighteenth fresh
batch (round fifteen, fourth part): to «удобно говорить?» a busy-sounding place with a go
ahead («в пробке стою, поговорим») or a short free spell («можно, пока суп варится», «пока
жена в магазине») says yes; to «актуально?» the thing worn or failing («заржавел», «не
закрывается», «надо менять»), a reason concluded with the need («так что надо») or something
done beside while the thing offered stays as it was («крышу перекрыли, а водосток старый»)
says yes, the property sold or let says no; to a consent no longer being a client («перешли в
другую клинику», «больше не ходим») says no. Every example is a paraphrase, in no eval file,
and fails on the code before the part; the guards (in `*_guards` tests) go the other way."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # a busy-sounding place, then a go ahead
        ("availability", "я в очереди в поликлинике стою давайте", "yes"),
        ("availability", "я у врача в коридоре сижу давайте", "yes"),
        ("availability", "еду в электричке поговорим", "yes"),
        # a short free spell
        ("availability", "можно пока чай заваривается", "yes"),
        ("availability", "можно пока суп варится", "yes"),
        ("availability", "пару минут есть пока жена в душе", "yes"),
        # worn or failing
        ("relevance", "дверь в гараже перекосило", "yes"),
        ("relevance", "окно на кухне не закрывается толком", "yes"),
        ("relevance", "трубы проржавели", "yes"),
        ("relevance", "крышу пора менять", "yes"),
        # a reason concluded with the need, or done beside while the thing stays as it was
        ("relevance", "спина болит ведра носить поэтому нужно", "yes"),
        ("relevance", "крышу перекрыли а водосток старый", "yes"),
        ("relevance", "у всех давно автоматика а мы всё руками", "yes"),
        # sold or let
        ("relevance", "дом в аренду сдали на лето", "no"),
        ("relevance", "офис отдали в аренду", "no"),
        # no longer a client
        ("consent", "мы уже не ходим к вам в клинику", "no"),
        ("consent", "я перешла к другому тренеру", "no"),
        ("consent", "сын в вашем клубе больше не занимается", "no"),
    ],
)
def test_answers(asked: str, text: str, expected: str) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("availability", "я за рулем давайте я перезвоню", "no"),
        ("availability", "я на совещании давайте потом", "no"),
        ("availability", "я на работе поговорим вечером", "no"),
        ("availability", "давайте пока не надо", None),
        ("relevance", "всё сделали так что не надо", "no"),
        ("relevance", "не надо ничего менять", "no"),
        ("consent", "да мы всё ещё учимся у вас", "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "ru") == expected

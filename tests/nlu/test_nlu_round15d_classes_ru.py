"""Russian classes of natural replies to yes/no questions found by the eighteenth fresh
batch (round fifteen, fourth part): to «удобно говорить?» a busy-sounding place with a go
ahead («в пробке стою, поговорим») or a short free spell («можно, пока суп варится») says
yes, a stove stoked or a load carried is busy and «не с руки» not convenient; to
«актуально?» the thing worn or failing («заржавел», «не закрывается», «надо менять»), a
reason concluded with the need («так что надо») or something done beside while the thing
offered stays as it was («крышу перекрыли, а водосток старый») says yes, the property sold
or let or the same done for all by the management says no; to a consent no longer being a
client («перешли к другому тренеру», «больше не ходим») says no; the request the caller
cites denied («когда это я заявку оставлял»), and at a consent who sees the record or where
it is kept, ask who is calling; louder for the hard of hearing, or what was said with its
noun («сколько часов вы сказали»), asks again. Every example is a paraphrase, in no eval
file, and fails on the code before the part; the guards (in `*_guards` tests) go the other
way after it."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD, CONSENT = "lead_qualification.ru.yaml", "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # a busy-sounding place, then a go ahead
        ("availability", "я в очереди в поликлинике стою давайте", "yes"),
        ("availability", "я у врача в коридоре сижу давайте", "yes"),
        ("availability", "еду в электричке поговорим", "yes"),
        # a steam room, stoking, carrying; not handy
        ("availability", "печка растапливается мне надо следить", "no"),
        ("availability", "мне не с руки сейчас", "no"),
        ("availability", "сейчас не сподручно", "no"),
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
        # the same for all from the management: the need met another way
        ("relevance", "правление в снт делает всем счётчики", "no"),
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


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the request the caller cites denied
        (LEAD, "convenient", "где же это я заполнял анкету", "handler:who_is_this"),
        (LEAD, "relevant", "когда это мы подавали запрос", "handler:who_is_this"),
        # said again: louder for a hard of hearing caller, or what was said with its noun
        (LEAD, "relevant", "говорите погромче я туговат на ухо", "handler:repeat"),
        (LEAD, "relevant", "какой номер вы сказали", "handler:repeat"),
        (LEAD, "convenient", "сколько часов вы сказали", "handler:repeat"),
        # at a consent: who sees it, where or how long it is kept
        (CONSENT, "ask_consent", "а кто будет видеть эти фотографии", "handler:who_is_this"),
        (CONSENT, "ask_consent", "сколько будут храниться данные", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а у кого будут храниться записи", "handler:who_is_this"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD, "relevant", "да я оставлял заявку", "yes"),
        (CONSENT, "ask_consent", "да пусть хранятся", "yes"),
        (CONSENT, "ask_consent", "а какая компания вы сказали", "handler:who_is_this"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

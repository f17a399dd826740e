"""Round twenty-four: replies whose opening answer word what follows reverses
(`bot_engine.nlu.openers`), and the manager chosen or passed over at the end of a reply to
«хотите, чтобы всегда отвечал этот менеджер?». Each example is a paraphrase written for its
class, not a reply of the eval set; the near-misses of the other answer must not change."""

from __future__ import annotations

import pytest

from bot_engine import nlu
from tests.nlu.polar_questions import step_reply

LEAD = "lead_qualification.ru.yaml"
CONSENT = "consent_confirmation.ru.yaml"
OWN = "own_manager.ru.yaml"
CALLBACK = "callback.ru.yaml"
LEAD_EN = "lead_qualification.en.yaml"
CONSENT_EN = "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "offer_manager", "нет а почему соединяйте конечно", "yes"),
     (CALLBACK, "announce", "нет почему соединяй", "yes"),
     (CONSENT, "greet", "нет почему я ольга", "yes"),
     (CONSENT, "greet", "нет почему это я и есть", "yes"),
     (CONSENT, "ask_consent", "нет а чего мне бояться пишите", "yes"),
     (CONSENT, "ask_consent", "нет ну а что тут такого согласна", "yes"),
     (LEAD_EN, "convenient", "no why not go ahead", "yes"),
     (LEAD_EN, "offer_manager", "nah why not put me through", "yes"),
     # near-misses: «почему-то», a question of why, a plain refusal
     (LEAD, "convenient", "нет почему то не хочется", "no"),
     (LEAD, "offer_manager", "нет почему-то не хочу", "no"),
     (LEAD, "convenient", "нет почему я должна с вами разговаривать", "no"),
     (LEAD, "offer_manager", "нет не соединяйте", "no")],
)  # fmt: skip
def test_no_why_before_a_go_ahead(script: str, step: str, text: str, branch: str) -> None:
    """«нет, почему, давайте»: the «нет» answers a worry heard in the question, the go-ahead
    after it the question; «нет, почему-то не хочется» and «нет, почему я должна» stay no."""
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "answer"),
    [("нет почему принимаю давай", "yes"),
     ("нет почему беру", "yes"),
     ("нет не беру", "no")],
)  # fmt: skip
def test_no_why_on_the_operators_leg(text: str, answer: str) -> None:
    assert nlu.answer_to_offer(text, "ru") == answer


@pytest.mark.parametrize(
    ("script", "text", "branch"),
    [(LEAD, "нет вы не отвлекаете", "yes"),
     (LEAD, "нет нисколько не мешаете", "yes"),
     (LEAD, "нет что вы совсем не отвлекаете", "yes"),
     (LEAD_EN, "nah youre not bothering me", "yes"),
     (LEAD_EN, "no youre not interrupting anything", "yes"),
     (LEAD_EN, "no no you are not bothering me at all", "yes"),
     # near-misses: the bother said
     (LEAD, "да отвлекаете немного я на совещании", "no"),
     (LEAD, "нет не отвлекаете но давайте попозже", "no")],
)  # fmt: skip
def test_the_bother_denied(script: str, text: str, branch: str) -> None:
    """«нет, не отвлекаете» to «удобно говорить?»: the no denies the bother the question
    apologises for."""
    assert step_reply(script, "convenient", text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "offer_manager", "да я бы но у меня обед заканчивается", "no"),
     (CALLBACK, "announce", "да я бы взял но у меня другой клиент на линии", "no"),
     (LEAD, "offer_manager", "я бы с радостью но за рулём сейчас", "no"),
     (LEAD_EN, "offer_manager", "yeah i would love to but im about to board a plane", "no"),
     (LEAD_EN, "convenient", "i would but the baby just woke up", "no"),
     # near-misses: the wish granted
     (LEAD, "offer_manager", "да я бы но ладно давайте соединяйте", "yes"),
     (LEAD_EN, "offer_manager", "yes i would like that", "yes")],
)  # fmt: skip
def test_a_wish_its_reason_undoes(script: str, step: str, text: str, branch: str) -> None:
    """«да я бы, но клиент у кассы»: the «да» opens a wish the reason after «но» undoes."""
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "text", "branch"),
    [(LEAD, "да какой удобно я на работе", "no"),
     (LEAD, "ой да куда там я с ребёнком в поликлинике", "no"),
     (LEAD, "да какое там соседи сверлят", "no"),
     (LEAD_EN, "yeah right like i have time for this", "no"),
     (LEAD_EN, "yeah right as if im free", "no"),
     # near-misses: «какая разница», «какое угодно», "right now"
     (LEAD, "да какая разница говорите", "yes"),
     (LEAD, "да какое угодно время подойдёт говорите", "yes"),
     (LEAD_EN, "yeah right now is fine", "yes")],
)  # fmt: skip
def test_scorn_for_the_question(script: str, text: str, branch: str) -> None:
    """«да какое удобно, дети орут», "yeah right like i have time": a rhetorical no."""
    assert step_reply(script, "convenient", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("да со мной ваш менеджер уже говорил всё решили", "no"),
     ("да мне уже звонили от вас всё обсудили", "no"),
     ("он мне уже всё объяснил", "no"),
     # near-misses: the talk not done, a person asked for
     ("да мы ещё не всё обсудили соединяйте", "yes"),
     ("да мне менеджер ваш звонил соедините с ним", "operator")],
)  # fmt: skip
def test_a_talk_already_had(text: str, branch: str) -> None:
    """«да, мне ваш менеджер звонил, мы уже всё обсудили» to «соединить с менеджером?»."""
    assert step_reply(LEAD, "offer_manager", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "keep"),
    [("он мне скидку сделал давайте его", True),
     ("он мне в прошлый раз всё быстро сделал оставьте его", True),
     ("толковый не то что предыдущий", True),
     ("нет почему пускай он и дальше отвечает", True),
     ("его вечно нет на месте лучше другого", False),
     ("он мне не понравился лучше любого", False),
     ("до него не дозвониться лучше кто свободен", False),
     # near-misses
     ("оставьте меня в покое", False),
     ("не надо его", False),
     ("да оставьте его за мной", True)],
)  # fmt: skip
def test_the_manager_chosen_at_the_end(text: str, keep: bool) -> None:
    """To «хотите, чтобы всегда отвечал этот менеджер?», the end of the reply chooses him or
    anyone else; the reason before it («сделал», «свободен») is no answer of its own."""
    branch, slots = step_reply(OWN, "ask_keep", text)
    assert branch == ("yes" if keep else "no")
    assert slots["keep_manager"] is keep

"""Russian classes of natural replies found by the fifteenth fresh batch (round fifteen):
the name asked for, then «это», or a yes, the name and «только проснулся» (it is them); a
person asked for by their role at the place, before or after the verb or with no verb
(«с доктором свяжите», «нам бы с регистратурой»); what was asked, then not heard or not
understood («во сколько вы сказали, не расслышала»), or a slower voice asked for; to
«актуально?» a symptom or a doctor's verdict says yes, content with what one has, treated
elsewhere or no interest says no; to a consent the offer's verb as an order says yes, taken
elsewhere or kept as it is says no, a decision put off with «ладно» says nothing, the price
or the robot's own name asked about asks who is calling; an examination first leaves the
budget unknown; staying on the line said twice is a yes to the transfer; the manager who
knows the case, «пусть он», is kept. Every example is a paraphrase, in no eval file, and
fails on the code before the round; the guards (in `*_guards` tests) go the other way
after it."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD, CONSENT = "lead_qualification.ru.yaml", "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("asked", "text", "names", "expected"),
    [
        # the name asked for (a pet form too), then «это»: it is them
        ("identity", "оля это", ("ольга",), "yes"),
        ("identity", "ну таня это", ("татьяна",), "yes"),
        ("identity", "валя это", ("валентина",), "yes"),
        # a yes, the name asked for, then the one who answered has just woken up
        ("identity", "да оля только встала", ("ольга",), "yes"),
        ("identity", "ага дима только что проснулся", ("дмитрий",), "yes"),
        # the trouble the treatment is for goes on, or a doctor said it must be done
        ("relevance", "жевать совсем нечем", (), "yes"),
        ("relevance", "зуб ноет третью неделю", (), "yes"),
        ("relevance", "коронка опять выпала", (), "yes"),
        ("relevance", "мост надоел уже", (), "yes"),
        ("relevance", "стоматолог говорит что имплант нужно ставить", (), "yes"),
        ("relevance", "хирург сказал удалять придется", (), "yes"),
        # content with what the caller has, seen to elsewhere, or no interest
        ("relevance", "у нас зубы свои все", (), "no"),
        ("relevance", "у меня протез и мне хорошо", (), "no"),
        ("relevance", "я записана к другому стоматологу", (), "no"),
        ("relevance", "я таким не интересуюсь", (), "no"),
        ("relevance", "нам и так хорошо", (), "no"),
        # the offer's own verb as an order
        ("consent", "продлите тогда", (), "yes"),
        ("consent", "переоформляйте", (), "yes"),
        # taken, or to be taken, elsewhere
        ("consent", "я уже продлил в другой компании", (), "no"),
        ("consent", "нет возьму другую страховку", (), "no"),
        ("consent", "куплю в другом месте", (), "no"),
        ("consent", "в другой фирме уже продлила", (), "no"),
        # the thing named, then left as it is
        ("consent", "эта карта у меня для зарплаты пусть так и остается", (), "no"),
        # the decision put off, then «ладно»: no yes
        ("consent", "я позже решу хорошо", (), None),
        ("consent", "сама подумаю ладно", (), None),
    ],
)
def test_answers(asked: str, text: str, names: tuple[str, ...], expected: str) -> None:
    assert answer(asked, text, "ru", names) == expected


@pytest.mark.parametrize(
    ("asked", "text", "names", "expected"),
    [
        ("identity", "света это", ("ольга",), None),  # a name of its own: no yes
        ("identity", "оля это её сестра", ("ольга",), "no"),  # who speaks, after the name
        ("identity", "дима только проснулся", ("дмитрий",), "no"),  # said of him, no yes
        ("identity", "ну света это", ("ольга",), None),
        ("relevance", "врач сказал что не надо ставить", (), "no"),
        ("relevance", "я интересуюсь", (), "yes"),
        ("consent", "ну пусть так и будет", (), "yes"),  # so be it
        ("consent", "да возьму", (), "yes"),
        ("consent", "ладно", (), "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, names: tuple[str, ...],
                        expected: str | None) -> None:
    assert answer(asked, text, "ru", names) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a person by their role at the place, the verb after, before or left out
        (LEAD, "relevant", "с доктором свяжите", "handler:operator"),
        (LEAD, "convenient", "с хирургом соедините пожалуйста", "handler:operator"),
        (CONSENT, "ask_consent", "переключите на страхового агента", "handler:operator"),
        (CONSENT, "ask_consent", "свяжите меня с юристом", "handler:operator"),
        (LEAD, "relevant", "нам бы с регистратурой", "handler:operator"),
        (LEAD, "relevant", "позовите доктора", "handler:operator"),
        (LEAD, "convenient", "дайте стоматолога", "handler:operator"),
        (LEAD, "ask_budget", "мне с доктором лучше", "handler:operator"),
        (LEAD, "ask_budget", "насчёт денег лучше с администратором", "handler:operator"),
        # what was asked, then not heard or not understood
        (LEAD, "ask_budget", "какая сумма не расслышала", "handler:repeat"),
        (LEAD, "ask_callback", "во сколько вы сказали не разобрала", "handler:repeat"),
        (LEAD, "relevant", "что вы там сказали не уловил", "handler:repeat"),
        # to a consent, the offer's price or the robot's own name asked about
        (CONSENT, "ask_consent", "почем это теперь будет", "handler:who_is_this"),
        (CONSENT, "ask_consent", "и сколько это будет стоить", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а вы правда окна плюс", "handler:who_is_this"),
        # an examination first, the sum after it
        (LEAD, "ask_budget", "после обследования скажу", "unknown"),
        # staying on the line, said twice over
        (LEAD, "offer_manager", "на связи не кладу трубку", "yes"),
        # a slower voice asked for
        (CONSENT, "ask_consent", "можно помедленнее", "handler:repeat"),
        (LEAD, "relevant", "не так быстро пожалуйста", "handler:repeat"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD, "relevant", "я с доктором поговорю сначала", "no_match:retry"),
        (LEAD, "relevant", "хочу к врачу", "yes"),  # to the doctor, no one asked for
        (LEAD, "offer_manager", "да соедините", "yes"),
        (LEAD, "relevant", "актуально мне с мужем посоветоваться надо", "yes"),
        (LEAD, "ask_budget", "не знаю пока", "unknown"),
        (CONSENT, "ask_consent", "согласна я всё поняла", "yes"),
        (CONSENT, "ask_consent", "это точно бесплатно", "yes"),  # not a name the robot said
        (LEAD, "relevant", "да сколько стоит", "yes"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch", "keep"),
    [
        # the one offered already knows the case: kept
        ("она в моём заказе уже разобралась пусть она", "yes", True),
        ("он в моей проблеме разобрался пусть он ведет", "yes", True),
    ],
)
def test_the_manager_kept(text: str, branch: str, keep: bool) -> None:
    got, slots = step_reply("own_manager.ru.yaml", "ask_keep", text)
    assert (got, slots.get("keep_manager")) == (branch, keep)


@pytest.mark.parametrize("text", ["пусть другой", "нет пусть сменят"])
def test_the_manager_kept_guards(text: str) -> None:
    assert step_reply("own_manager.ru.yaml", "ask_keep", text)[0] != "yes"

"""Russian classes of natural replies to yes/no questions found by the seventeenth fresh
batch (round fifteen, third part): to «актуально?» the trouble the product solves said as
going on (flooded, overflowing, making do with buckets or candles meanwhile, fed up with how
it goes, a new place that lacks the thing) says yes; the need met another way (a shared or
public supply coming, someone near who did it, already at work for a month) or the property
no longer theirs says no; to «удобно говорить?» now rather than later, or idle anyway, says
yes, a noisy or hands-busy task says no; to a consent a yes through its reason, a no through
a fact (the account deleted) or «нетушки»; a read-back taken back («передумала») is a no; a
living or proper person asked for wants a human; how the caller was found, what is sold, and
at a consent why, what if refused, or whether it is compulsory, ask who is calling. Every
example is a paraphrase, in no eval file, and fails on the code before the round; the
guards (in `*_guards` tests) go the other way after it."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import answer, step_reply

LEAD, CONSENT = "lead_qualification.ru.yaml", "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        # the trouble going on
        ("relevance", "подвал опять затапливает каждую весну", "yes"),
        ("relevance", "ливневка переполнена после каждого дождя", "yes"),
        ("relevance", "у нас вода в погребе стоит", "yes"),
        # making do meanwhile
        ("relevance", "пока с канистрами за водой ходим", "yes"),
        ("relevance", "со свечками сидим когда свет отключают", "yes"),
        # fed up with how it goes
        ("relevance", "воду каждый раз возим из колодца надоело", "yes"),
        ("relevance", "старый роутер все время виснет замучились", "yes"),
        # a new place that lacks the thing
        ("relevance", "переехали в новую квартиру интернета нет", "yes"),
        ("relevance", "баню построили а печки пока нет", "yes"),
        # a shared or public supply coming
        ("relevance", "скоро нас к газу подключат", "no"),
        ("relevance", "мы скоро к общей скважине подключимся", "no"),
        # done by someone near, or already at work
        ("relevance", "соседи нам сами выкопали траншею", "no"),
        ("relevance", "уже всё работает вторую неделю", "no"),
        ("relevance", "котёл стоит уже полгода как", "no"),
        # no longer theirs
        ("relevance", "квартиру сыну отдали мы теперь за городом", "no"),
        ("relevance", "развелись машину бывшему оставила", "no"),
        # now rather than later, idle anyway
        ("availability", "лучше сейчас потом не смогу", "yes"),
        ("availability", "да я всё равно в машине сижу жену жду", "yes"),
        ("availability", "да я всё равно лежу", "yes"),
        # a noisy or hands-busy task
        ("availability", "я газон кошу", "no"),
        ("availability", "я дрова колю", "no"),
        # a consent's reason, or a fact that refuses it
        ("consent", "мне скрывать нечего", "yes"),
        ("consent", "я аккаунт уже удалил", "no"),
        ("consent", "ну нетушки", "no"),
        ("consent", "нетушки спасибо", "no"),
    ],
)
def test_answers(asked: str, text: str, expected: str) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("relevance", "надоели вы со своими звонками", None),  # fed up with the calls
        ("relevance", "переехали проблем нет", "no"),  # what there is none of: the trouble
        ("availability", "давайте не сейчас", "no"),
        ("availability", "сейчас не могу давайте потом", "no"),
        ("readback", "нет не передумала", "yes"),
        ("consent", "я всё равно всем пользуюсь так что давайте", "yes"),
    ],
)
def test_answers_guards(asked: str, text: str, expected: str | None) -> None:
    assert answer(asked, text, "ru") == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a living or proper person
        (LEAD, "convenient", "робот что ли давай живого", "handler:operator"),
        (LEAD, "relevant", "мне бы настоящего человека", "handler:operator"),
        # what is sold, how the caller was found
        (LEAD, "convenient", "а чего вы там рекламируете", "handler:who_is_this"),
        (LEAD, "relevant", "а как вы на нас вышли", "handler:who_is_this"),
        # at a consent: what if refused, whether it is compulsory
        (CONSENT, "ask_consent", "а если не соглашусь карту заблокируют", "handler:who_is_this"),
        (CONSENT, "ask_consent", "а это обязательное условие", "handler:who_is_this"),
        (CONSENT, "ask_consent", "обязательно ли соглашаться", "handler:who_is_this"),
        # a read-back taken back
        (CONSENT, "read_back", "не мы уже передумали", "no"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD, "relevant", "а вы что предлагаете интересно", "yes"),  # curious: a yes
        (CONSENT, "ask_consent", "а почему бы и нет", "yes"),
        (CONSENT, "ask_consent", "да конечно обязательно", "yes"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

"""Classes of the global handlers found by round thirteen's batch (`bench/nlu_eval/
*.round13.yaml`) and by probes after its first classes, at the steps of the shipped
scripts, in both languages where the class exists in both: who is calling (whom one has
the honour of, who is looking for her, why they need to know, who the person offered is,
the caller not understood, how they know, why they ask or call, what the matter is, whose
number, "do i know you"); opting out (forbidding calls here, «отстаньте» closing a reply,
no calls ever, "nah leave us alone", don't call about this with no answer before it, calls
refused by their noun, a threat); a person (the machine refused in either order or named
as a question, someone at all, the head, a bare "agent"); the line, not the words («плохо
слышу», «говорите громче» alone, "speak up", "louder"). The guards go the other way: an
answer that only borrows a handler's word ("i repeat", «повторяю», "im a real person",
«громче» after a yes), the idiom «кто ж его знает» / "who knows" / "what do you reckon",
the manager's later work («пусть менеджер рассчитает»). Every example is a paraphrase, in
no eval file, and fails on the code before the round; the `*_guards` tests hold on both."""

from __future__ import annotations

import pytest

from tests.nlu.polar_questions import step_reply

LEAD_RU, LEAD_EN = "lead_qualification.ru.yaml", "lead_qualification.en.yaml"
CONSENT_RU, CONSENT_EN = "consent_confirmation.ru.yaml", "consent_confirmation.en.yaml"


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [
        (LEAD_RU, "greet", "простите а с кем имею дело"),
        (LEAD_RU, "greet", "смотря кто её просит"),
        (LEAD_RU, "greet", "а кто его разыскивает"),
        (LEAD_RU, "convenient", "я не поняла кто это звонит"),
        (LEAD_RU, "offer_manager", "а специалист это кто такой"),
        (LEAD_EN, "relevant", "how did you guys know about it"),
        (LEAD_EN, "ask_budget", "how come you know about that"),
        (LEAD_EN, "relevant", "why are you even asking me"),
        (LEAD_EN, "convenient", "why do you keep calling me"),
        # what the matter is, whose number, the name asked; the call named in the question
        (LEAD_RU, "greet", "а в чём дело"),
        (LEAD_RU, "greet", "что случилось то"),
        (LEAD_RU, "relevant", "в связи с чем звонок"),
        (CONSENT_RU, "ask_consent", "а чей это номер"),
        (LEAD_RU, "convenient", "назовитесь"),
        (LEAD_EN, "relevant", "identify yourself"),
        (LEAD_EN, "greet", "do i know you"),
        (LEAD_EN, "ask_callback", "what are you calling about"),
        (LEAD_EN, "ask_callback", "whats this call for"),
        (LEAD_RU, "relevant", "а вы чьих будете"),
        (LEAD_EN, "convenient", "whos this calling me"),
        (LEAD_EN, "convenient", "wait where are you calling me from"),
        (LEAD_EN, "convenient", "who told you to call me"),
    ],
)
def test_who_is_calling(script_file: str, step: str, text: str) -> None:
    assert step_reply(script_file, step, text)[0] == "handler:who_is_this"


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [
        (LEAD_RU, "convenient", "я запрещаю сюда названивать"),
        (LEAD_RU, "relevant", "я запрещаю на этот номер звонить"),
        (CONSENT_RU, "ask_consent", "нет отстаньте уже"),
        (LEAD_EN, "convenient", "nah leave us alone"),
        (LEAD_EN, "relevant", "dont call me about it again"),
        (LEAD_EN, "ask_callback", "no phone calls ever"),
        # calls refused by their noun, the number forgotten, a threat
        (LEAD_RU, "greet", "звонки мне не нужны"),
        (LEAD_RU, "relevant", "я против ваших звонков"),
        (LEAD_RU, "greet", "забудьте мой телефон"),
        (LEAD_RU, "convenient", "заблокирую вас"),
        (LEAD_RU, "greet", "прекращайте звонить"),
        (LEAD_EN, "convenient", "put me on your dnc list"),
        (LEAD_EN, "relevant", "ill block you"),
        (LEAD_EN, "greet", "take my name off"),
        (LEAD_EN, "relevant", "get our number off please"),
    ],
)
def test_opting_out(script_file: str, step: str, text: str) -> None:
    assert step_reply(script_file, step, text)[0] == "handler:opt_out"


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [
        (LEAD_RU, "convenient", "не желаю с автоматом разговаривать"),
        (LEAD_RU, "relevant", "это машина что ли я с ней говорить не стану"),
        (LEAD_RU, "greet", "переведите на того кто у вас главный"),
        (LEAD_EN, "greet", "agent now"),
        (LEAD_EN, "relevant", "i wont speak with a computer"),
        (CONSENT_EN, "ask_consent", "im not consenting to anything with a machine"),
        # the machine named as a question, someone at all, the head
        (LEAD_RU, "greet", "вы бот"),
        (LEAD_RU, "relevant", "это автоответчик что ли"),
        (LEAD_EN, "convenient", "are you a bot"),
        (LEAD_EN, "relevant", "is this a machine"),
        (LEAD_RU, "convenient", "переключите меня на человека"),
        (LEAD_RU, "relevant", "соедините с кем нибудь"),
        (LEAD_RU, "ask_budget", "дайте руководителя"),
        (LEAD_EN, "greet", "can i get a person"),
        (LEAD_RU, "greet", "мне с человеком надо"),
        (LEAD_EN, "convenient", "put someone on"),
    ],
)
def test_asking_for_a_person(script_file: str, step: str, text: str) -> None:
    # the consent scripts say they cannot transfer and resume: the handler still answers
    assert step_reply(script_file, step, text)[0] == "handler:operator"


@pytest.mark.parametrize(
    ("script_file", "step", "text"),
    [
        (LEAD_RU, "ask_timeframe", "ой плохо слышу"),
        (LEAD_EN, "convenient", "could you speak up a bit"),
        (LEAD_EN, "relevant", "a bit louder"),
        (LEAD_RU, "greet", "говорите громче"),
        (LEAD_RU, "relevant", "прерывается"),
        (LEAD_RU, "convenient", "что вы там говорите"),
        # the robot's words asked again on a "don't know" step: no hedge
        (LEAD_RU, "ask_budget", "что что вы сказали"),
        (LEAD_RU, "ask_budget", "вы что то сказали"),
    ],
)
def test_asking_again(script_file: str, step: str, text: str) -> None:
    assert step_reply(script_file, step, text)[0] == "handler:repeat"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (LEAD_EN, "greet", "yes im a real person its marcus", "yes"),
        (LEAD_RU, "ask_callback", "завтра к обеду повторяю к обеду", "ok"),
        (LEAD_RU, "convenient", "да кто его там знает", "no_match:retry"),
        (LEAD_RU, "relevant", "ну кто ж его знает то", "no_match:retry"),
        (LEAD_EN, "relevant", "who knows what the landlord wants", "no_match:retry"),
        (CONSENT_EN, "ask_consent", "well what do you reckon", "no_match:retry"),
        (LEAD_RU, "ask_budget", "пусть менеджер рассчитает тогда скажу", "unknown"),
    ],
)
def test_handler_words_in_answers(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # an answer before it keeps "about this" a no to this question only
        (LEAD_EN, "relevant", "no and dont call me about this again", "no"),
        (LEAD_RU, "relevant", "нет и не звоните нам по этому поводу", "no"),
        (LEAD_RU, "greet", "алло а кто это мне звонит", "handler:who_is_this"),
        (LEAD_EN, "convenient", "yes i have time i repeat yes", "yes"),
        (LEAD_EN, "greet", "yeah marcus i repeat its marcus", "yes"),
        (LEAD_EN, "greet", "could i talk to a real person maybe", "handler:operator"),
        (LEAD_RU, "offer_manager", "не надо менеджера", "no"),
        # a yes with «громче» in it still answers; «главное» is no head of anything
        (LEAD_RU, "greet", "да это я только говорите громче", "yes"),
        (LEAD_RU, "relevant", "да актуально можно главное спросить", "yes"),
    ],
)
def test_handler_words_in_answers_guards(script_file: str, step: str, text: str,
                                         branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

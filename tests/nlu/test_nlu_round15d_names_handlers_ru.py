"""Russian classes of round fifteen, fourth part: names, handlers, keys and amounts. The
name asked for as the recogniser spells its unstressed vowels: «я», «е» and «а» after a
consonant inside the name sound alike («светослав», «светаслав» for Святослав), and
«анжелина» is the recogniser's Ангелина. Every example is a paraphrase, in no eval file,
and fails on the code before the round; the guards (in `*_guards` tests) hold after it."""

from __future__ import annotations

import pytest

from bot_engine.dialog.runtime import runtime_for
from bot_engine.nlu.polar import answer_to_offer
from bot_engine.script import load_script_file
from tests.nlu.polar_questions import DIALOGS, answer, step_reply


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # «я», «е», «а» after a consonant inside the name
        ("светослав слушаю", ("святослав",), "yes"),
        ("светаслав да это я", ("святослав",), "yes"),
        ("вичеслав да", ("вячеслав",), "yes"),
        # the recogniser's spelling of Ангелина
        ("анжелина слушает", ("ангелина",), "yes"),
    ],
)
def test_names(text: str, names: tuple[str, ...], expected: str) -> None:
    assert answer("identity", text, "ru", names) == expected


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("алена слушаю", ("алина",), "no"),  # a name of the dictionary: another person
        ("валентина да", ("валентин",), "no"),  # the ending keeps its vowel
        ("станислав да", ("святослав",), "no"),
        ("владислав да", ("вячеслав",), "no"),
    ],
)
def test_names_guards(text: str, names: tuple[str, ...], expected: str | None) -> None:
    assert answer("identity", text, "ru", names) == expected


LEAD, OWN = "lead_qualification.ru.yaml", "own_manager.ru.yaml"
CONSENT = "consent_confirmation.ru.yaml"


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # a digit word as the recogniser spells its unstressed «о»
        (CONSENT, "consent_keypad", "адно", "1"),
        (CONSENT, "consent_keypad", "ну адну", "1"),
        # calls refused as such
        (CONSENT, "greet", "мы отказываемся от любых звонков", "handler:opt_out"),
        (CONSENT, "ask_consent", "отказываюсь от обзвона вашего", "handler:opt_out"),
        # a call declined for another channel: a no, not an opt-out
        (LEAD, "offer_manager", "не нужно звонить лучше напишите", "no"),
        (LEAD, "offer_manager", "не надо мне звонить а в вотсап скиньте", "no"),
    ],
)
def test_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (CONSENT, "consent_keypad", "два", "2"),
        (LEAD, "offer_manager", "не надо мне звонить", "handler:opt_out"),
        (LEAD, "offer_manager", "не надо звонить больше никогда", "handler:opt_out"),
        (LEAD, "offer_manager", "не хочу звонков", "handler:opt_out"),
    ],
)
def test_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the operator declines and hands the call to someone else
        ("нет соединяй с олегом", "no"),
        ("неа лучше переведи на галину", "no"),
        # guards
        ("да соединяй", "yes"),
        ("переключай", "yes"),
    ],
)
def test_warm_transfer_handed_on(text: str, expected: str) -> None:
    assert answer_to_offer(text, "ru") == expected


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # the caller insists it is them
        ("да я же тамара кто же еще", ("тамара",), "yes"),
        ("так я ж степан", ("степан",), "yes"),
        # the name asked for corrected to another
        ("нет не галина а алина", ("галина",), "no"),
        ("не олег а игорь", ("олег",), "no"),
        # nobody of that name here, in the plural of a short form
        ("нет у нас никаких маш", ("мария",), "no"),
        # a place answers and asks where the call goes
        ("это детская поликлиника куда вы звоните", ("ирина",), "no"),
    ],
)
def test_identity(text: str, names: tuple[str, ...], expected: str) -> None:
    assert answer("identity", text, "ru", names) == expected


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("не галина а галя", ("галина",), None),  # a short form is no correction
        ("я ж ирина", ("тамара",), None),
    ],
)
def test_identity_guards(text: str, names: tuple[str, ...], expected: str | None) -> None:
    assert answer("identity", text, "ru", names) == expected


@pytest.mark.parametrize(
    ("text", "branch"),
    [
        # the company named doubted, a kind of caller guessed
        ("что за окна плюс впервые слышу", "handler:who_is_this"),
        ("а вы мошенники или кто", "handler:who_is_this"),
        ("это банк что ли", "handler:who_is_this"),
        # what?, then the noise that drowned the question
        ("что простите шумно тут", "handler:repeat"),
        ("чего у меня стройка", "handler:repeat"),
        # the line checked over a noise: no question about the caller
        ("алло кто там сопит", "no_match:retry"),
        ("кто это там трещит", "no_match:retry"),
    ],
)
def test_greet_handlers(text: str, branch: str) -> None:
    assert step_reply(LEAD, "greet", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [
        ("кто там", "handler:who_is_this"),
        ("кто это звонит", "handler:who_is_this"),
        ("что за окна плюс", "handler:who_is_this"),
    ],
)
def test_greet_handlers_guards(text: str, branch: str) -> None:
    assert step_reply(LEAD, "greet", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        # a sum said in parts, then its total
        ("сто на окна и пятьдесят на монтаж всего сто пятьдесят", 150000),
        ("двести на баню триста на дом в сумме пятьсот", 500000),
        # guards: the total said first, one sum alone
        ("всего двести тысяч из них сто на окна", 200000),
        ("тысяч сто восемьдесят", 180000),
    ],
)
def test_total_of_parts(text: str, budget: int) -> None:
    assert step_reply(LEAD, "ask_budget", text)[1]["budget"] == budget


def _menu_handler(text: str) -> str | None:
    """The handler a reply to a menu's list meets before any entry is looked for."""
    script = load_script_file(DIALOGS / "contact_menu.ru.yaml").script
    return runtime_for(script).handlers.match(text).intent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the list asked for again: no «раз» counted as entry one
        ("а еще раз какие были", "repeat"),
        ("так кто там был еще раз", "repeat"),
        # guards
        ("соедините с бухгалтерией", None),
        ("раз", None),
    ],
)
def test_menu_list_again(text: str, expected: str | None) -> None:
    assert _menu_handler(text) == expected


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        # the gain of keeping one manager: no one new to explain it all to
        (OWN, "ask_keep", "да не придется каждому новому пересказывать", "yes"),
        # nothing more wanted, whatever the hearing word
        (OWN, "ask_keep", "не хочу больше ничего слышать", "no"),
        # the thing itself is for a later season: not now
        (LEAD, "offer_manager", "стройка у нас только летом", "no"),
    ],
)
def test_answers_at_the_step(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [
        (OWN, "ask_keep", "не слышу", "handler:repeat"),
        (OWN, "ask_keep", "не надо заново объяснять", "no"),
        (LEAD, "relevant", "да но только летом", "yes"),
    ],
)
def test_answers_at_the_step_guards(script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch

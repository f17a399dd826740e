"""Round twenty-four, Russian: the handler, yes/no, name and menu classes the batches
ru.fresh30, ru.fresh31 and ru.round24a showed on the code before it, sums apart (each
example is a paraphrase written for its class, not a reply of the eval set)."""

from __future__ import annotations

import pytest

from bot_engine.dialog.menu import choose_words
from tests.nlu.polar_questions import step_reply

LEAD = "lead_qualification.ru.yaml"
CONSENT = "consent_confirmation.ru.yaml"
OWN = "own_manager.ru.yaml"
HELP = {"purpose": "передачу вашего адреса волонтёрам для доставки продуктов"}


@pytest.mark.parametrize(
    ("name", "text", "branch"),
    [("Евгений", "евген да", "yes"),
     ("Валерий", "валер слушаю", "yes"),
     ("Вениамин", "вени амин да", "yes"),
     ("Ольга", "ольга верно", "yes"),
     ("Ольга", "ирина правильно", "no"),
     ("Ольга", "ну я она", "yes"),
     ("Ольга", "это не она я её соседка она мне телефон дала", "no")],
)  # fmt: skip
def test_the_name_clipped_split_or_owned(name: str, text: str, branch: str) -> None:
    """The name asked for with its «-ий» dropped («евген»), split in two by the recogniser,
    owned with «верно» or by the robot's own pronoun («я она»); another name owned, or the
    pronoun said of someone else, is the wrong person."""
    assert step_reply(LEAD, "greet", text, name=name)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("нет то есть да это я", "yes"),
     ("да ой то есть нет это её дочь", "no"),
     ("я за неё то есть я она и есть", "yes")],
)  # fmt: skip
def test_a_reply_corrected_as_it_is_said(text: str, branch: str) -> None:
    """What follows «то есть», «вернее» answers: the words before it were taken back."""
    assert step_reply(LEAD, "greet", text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("а кто же ещё", "yes"),
     ("кто ещё тут может ответить", "yes"),
     ("ну а кому ж ещё быть", "yes"),
     ("а кто звонит", "handler:who_is_this"),
     ("какая ольга тут одни мужики живут", "no"),
     ("какая ольга у меня таких нет", "no"),
     ("какая ольга а кто спрашивает", "handler:who_is_this")],
)  # fmt: skip
def test_who_else_and_which_one_told(text: str, branch: str) -> None:
    """«а кто ж ещё» asks nothing: the caller is the one asked for; «какая Ольга» followed
    by a statement says no such person is here, by a question asks who calls."""
    assert step_reply(LEAD, "greet", text)[0] == branch


@pytest.mark.parametrize(
    ("step", "text", "branch"),
    [("convenient", "а разве я оставляла заявку", "handler:who_is_this"),
     ("relevant", "не помню где я её оставляла", "handler:who_is_this"),
     ("relevant", "не помню никакой заявки", "no"),
     ("relevant", "а где это я заявку оставлял", "handler:who_is_this"),
     ("relevant", "неужели я к вам обращался", "handler:who_is_this"),
     ("relevant", "да оставлял заявку актуально", "yes"),
     ("relevant", "да помню оставляла", "yes")],
)  # fmt: skip
def test_the_request_doubted_asks_who_calls(step: str, text: str, branch: str) -> None:
    """The caller doubts the request the call is about, neither owning nor denying it: who
    calls and where it came from; owning it with a yes answers."""
    assert step_reply(LEAD, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(CONSENT, "ask_consent", "а вы из собеса", "handler:who_is_this"),
     (CONSENT, "ask_consent", "а это от управы что ли", "handler:who_is_this"),
     (LEAD, "ask_callback", "вы которые окна меняют да", "handler:who_is_this"),
     (CONSENT, "ask_consent", "теплосервис это который на вокзальной", "handler:who_is_this"),
     (CONSENT, "ask_consent", "теплосервис да согласна", "yes"),
     (CONSENT, "ask_consent", "это от погоды зависит", "no_match:retry")],
)  # fmt: skip
def test_the_caller_guesses_who_calls(script: str, step: str, text: str, branch: str) -> None:
    """Whom the call comes from guessed, by what they do or where they are: who calls."""
    assert step_reply(script, step, text, company="Теплосервис")[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "relevant", "соедините с продавцом", "handler:operator"),
     (LEAD, "convenient", "дайте кассира", "handler:operator"),
     (CONSENT, "ask_consent", "можно я с вашим представителем поговорю", "handler:operator"),
     (CONSENT, "ask_consent", "давайте я с мастером пообщаюсь", "handler:operator"),
     (LEAD, "relevant", "мы дом хотим продавать так что не актуально", "no")],
)  # fmt: skip
def test_a_person_by_role_or_offered_to_talk_to(script: str, step: str, text: str,
                                                 branch: str) -> None:
    """A seller or cashier asked for; the caller offering to talk to a person of the place
    («давайте я с администратором поговорю»); «продавать» is no seller."""
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "relevant", "актуальна что окна", "handler:repeat"),
     (LEAD, "relevant", "актуально что за вопрос", "yes"),
     (LEAD, "relevant", "на что заявка", "handler:who_is_this"),
     (OWN, "take_message", "кому говорить что", "handler:repeat"),
     (OWN, "take_message", "куда сказать что", "handler:repeat")],
)  # fmt: skip
def test_the_question_echoed_around_a_question_word(script: str, step: str, text: str,
                                                    branch: str) -> None:
    """The question's word, a question word, the thing the call is about («актуальна что
    окна»), or how to give the message asked: the question again."""
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("что значит доставка продуктов не поняла", "handler:who_is_this"),
     ("что такое волонтёрам", "handler:who_is_this"),
     ("повторите не поняла", "handler:repeat")],
)  # fmt: skip
def test_what_a_thing_of_the_consent_means(text: str, branch: str) -> None:
    assert step_reply(CONSENT, "ask_consent", text, **HELP)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "relevant", "ещё бы не нужно", "yes"),
     (LEAD, "relevant", "ещё бы", "yes"),
     (CONSENT, "ask_consent", "давно пора а то ничего не доходит", "yes"),
     (CONSENT, "ask_consent", "а как же", "yes")],
)  # fmt: skip
def test_emphatic_idioms_agree(script: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("сам пока справляюсь спасибо", "no"),
     ("внучка мне всё привозит", "no"),
     ("да у нас соседка продукты носит не надо", "no"),
     ("посторонних в квартиру не пускаю", "no"),
     ("у нас машина своя", "no"),
     ("мне никто не приносит так что да", "yes"),
     ("ой хоть кто-нибудь позаботится", "yes"),
     ("ну записывайте", "yes")],
)  # fmt: skip
def test_a_service_consented_to_or_not_through_a_fact(text: str, branch: str) -> None:
    """To a consent to help brought home: managing alone, someone of one's own bringing it,
    strangers not let in are a no (a «не» before the verb turns it round); relief that
    someone helps, «записывайте», a yes."""
    assert step_reply(CONSENT, "ask_consent", text, **HELP)[0] == branch


def test_a_pursuit_given_up_is_no_consent() -> None:
    assert step_reply(CONSENT, "ask_consent", "да я уже больше не катаюсь",
                      purpose="СМС о погоде на склоне")[0] == "no"


@pytest.mark.parametrize(
    ("text", "branch"),
    [("муж уехал на вахту класть некому", "yes"),
     ("стеклопакеты уже купили в гараже лежат", "yes"),
     ("подоконники взяли в коробках стоят ждут", "yes"),
     ("уже всё купили и поставили", "no")],
)  # fmt: skip
def test_the_hands_gone_or_the_parts_waiting(text: str, branch: str) -> None:
    """To «актуально?»: the one gone was the hands (nobody to do it now), a part bought lies
    waiting: still wanted; all bought and put in is done."""
    assert step_reply(LEAD, "relevant", text)[0] == branch


@pytest.mark.parametrize(
    ("script", "step", "text", "branch"),
    [(LEAD, "offer_manager", "не надо я ещё не выбрал", "no"),
     (LEAD, "offer_manager", "у меня телефон сейчас сядет", "no"),
     (LEAD, "convenient", "батарейка на трёх процентах", "no"),
     (OWN, "ask_keep", "нет пусть любой отвечает", "no"),
     (OWN, "ask_keep", "давайте любого", "no"),
     (OWN, "ask_keep", "давайте", "yes"),
     (CONSENT, "read_back", "так так", "yes"),
     (CONSENT, "read_back", "так", "yes"),
     (LEAD, "convenient", "так так", "no_match:retry")],
)  # fmt: skip
def test_short_answers_by_the_question(script: str, step: str, text: str, branch: str) -> None:
    """A refusal first at an offer, a dying phone, whoever at all to a wish for one
    manager, «так так» to what was read back (a lead-in anywhere else)."""
    assert step_reply(script, step, text)[0] == branch


NAMES = [{"name": "Зоя Петрова"}, {"name": "Аглая Ситникова"}, {"name": "Нестор Калмыков"}]
DEPARTMENTS = [{"name": "Отдел продаж"}, {"name": "Бухгалтерия"}, {"name": "Сервисная служба"}]


@pytest.mark.parametrize(
    ("items", "text", "index"),
    [(NAMES, "зоюшку мне", 0), (NAMES, "аглаечку позовите", 1), (NAMES, "нестора", 2),
     (DEPARTMENTS, "почём у вас пылесосы", 0),
     (DEPARTMENTS, "какие расценки на доставку", 0)],
)  # fmt: skip
def test_affectionate_names_and_prices_at_a_menu(items: list[dict[str, str]], text: str,
                                                 index: int) -> None:
    """A name's affectionate forms though the table lacks the name («зоюшку»); what a thing
    costs («почём») is for sales."""
    assert choose_words(items, "name", text) == index

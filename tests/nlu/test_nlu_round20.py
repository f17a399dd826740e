"""Round twenty: the classes the held-out batches of round nineteen showed (each example is
a paraphrase written for its class, not a reply of the eval set)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot_engine.nlu import extract_entities, given_names
from tests.nlu.polar_questions import step_reply

RU_NOW = datetime(2026, 2, 10, 11, 0, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.mark.parametrize(
    ("text", "value"),
    [("ну пятнашку где-то", 15000), ("трёшка максимум", 3000), ("пятёрки хватит", 5000),
     ("трешку могу", 3000), ("пятнашка в месяц", 15000)],
)  # fmt: skip
def test_sums_said_as_the_name_of_a_note(text: str, value: int) -> None:
    """«трёшка», «пятёрка», «пятнашка»: thousands, like «десятка» and «полтинник»."""
    assert [e.value for e in extract_entities(text, "ru", ["money"], now=RU_NOW)] == [value]


def test_a_slang_sum_is_the_budget_at_its_step() -> None:
    assert step_reply("lead_qualification.ru.yaml", "ask_budget", "ну пятнашку где-то")[1][
        "budget"] == 15000


def test_a_flat_is_no_sum() -> None:
    """«трёшка» as a flat, in a form no sum takes, stays no amount."""
    assert extract_entities("в трёшке живём с детьми", "ru", ["money"], now=RU_NOW) == []


@pytest.mark.parametrize(
    ("said", "asked", "same"),
    [("олесь", "олеся", True), ("маш", "мария", True), ("коль", "николай", True),
     ("оль", "ольга", True), ("тань", "татьяна", True),
     ("олег", "ольга", False), ("ва", "иван", False), ("кат", "екатерина", False)],
)  # fmt: skip
def test_a_name_as_it_is_called_out(said: str, asked: str, same: bool) -> None:
    """The final «а» or «я» dropped («Маш», «Олесь») is still the name asked for."""
    assert given_names.same_name(said, asked, "ru") is same


@pytest.mark.parametrize(
    ("name", "text", "branch"),
    [("Олеся", "олесь слушаю", "yes"), ("Мария", "маш это я", "yes"),
     ("Ольга", "олег слушает", "no")],  # guard: another name
)  # fmt: skip
def test_a_called_out_name_answers_who_is_asked(name: str, text: str, branch: str) -> None:
    assert step_reply("consent_confirmation.ru.yaml", "greet", text, name=name)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [  # a word the model never heard no longer keeps it from a reading it is sure of
     ("lead_qualification.ru.yaml", "convenient", "у меня практикум идёт", "no"),
     # an answer word the rules read is overruled by a reading the model is sure of
     ("lead_qualification.ru.yaml", "greet", "а телефон мой вы где нашли он его никому не давал",
      "handler:who_is_this")],
)  # fmt: skip
def test_the_classifier_decides_where_the_rules_were_unsure(
        script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("script_file", "step", "text", "branch"),
    [  # a reading the rules keep still yields to a request to hear the question again
     ("lead_qualification.en.yaml", "offer_manager", "a manager why sorry for what",
      "handler:repeat"),
     ("lead_qualification.ru.yaml", "offer_manager", "с каким менеджером вы сказали",
      "handler:repeat"),
     ("lead_qualification.en.yaml", "relevant", "interested in what sorry the dog is barking",
      "handler:repeat"),
     # a script's hedge intent yields to a handler
     ("lead_qualification.en.yaml", "ask_budget", "what budget sorry the kids are loud",
      "handler:repeat"),
     # guards: which company calls is asked, whatever else asks to hear it again
     ("lead_qualification.ru.yaml", "ask_callback", "какая фирма ещё раз повторите",
      "handler:who_is_this"),
     ("lead_qualification.en.yaml", "ask_budget", "why do you want to know who is this",
      "handler:who_is_this")],
)  # fmt: skip
def test_a_kept_reading_yields_to_a_handler_the_classifier_hears(
        script_file: str, step: str, text: str, branch: str) -> None:
    assert step_reply(script_file, step, text)[0] == branch


@pytest.mark.parametrize(
    ("text", "branch"),
    [("someone from the office already called me", "no_match:retry"),
     ("somebody from the office already called me", "no_match:retry"),
     ("someone from your office called me already", "no_match:retry"),
     ("a person from your office already phoned me", "no_match:retry"),
     ("your manager already called me", "no_match:retry"),
     ("i already talked to someone i want a real person", "handler:operator"),
     ("just put me through to a manager", "handler:operator")],
)  # fmt: skip
def test_a_call_told_of_is_no_person_asked_for(text: str, branch: str) -> None:
    """A call that was, told to the consent question, is neither a yes, a no nor a request
    for a person, whichever layer (rules, memory, classifier) heard one; asking still is."""
    assert step_reply("consent_confirmation.en.yaml", "ask_consent", text)[0] == branch

"""Classes of natural replies found by the tenth fresh batch (round ten), as tables in both
languages where the class exists in both: slang thousands and bare budgets in thousands,
«полтораста»; a part of the day then its hour, "after work", an hour with "00" minutes, a
day said after its month, and urgency as a timeframe. Every example is a paraphrase, not a
sentence of the eval set, and each table has guards: the negated or unrelated form goes
the other way."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog.engine import Dialog, DialogState
from bot_engine.dialog.runtime import runtime_for
from bot_engine.nlu import extract_entities
from bot_engine.script import load_script_file, validate_variables

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
RU_NOW = datetime(2026, 2, 3, 9, 30, tzinfo=ZoneInfo("Europe/Moscow"))  # a Tuesday morning
EN_NOW = datetime(2026, 2, 3, 9, 30, tzinfo=ZoneInfo("America/New_York"))
EN_LEAD = {"name": "Megan", "product": "windows", "company": "Acme Roofing", "min_budget": 3000}
RU_LEAD = {"name": "Ольга", "product": "окна", "company": "Окна Плюс", "min_budget": 30000}


def _now(lang: str) -> datetime:
    return RU_NOW if lang == "ru" else EN_NOW


def _values(text: str, lang: str, kind: str) -> list[object]:
    found = extract_entities(text, lang, [kind], now=_now(lang))  # type: ignore[list-item]
    return [e.value for e in found if e.type == kind]


def _step(script_file: str, step: str, text: str) -> tuple[str | None, dict[str, object]]:
    """The branch a reply takes at ``step`` of a shipped script, and the slots it fills."""
    variables = RU_LEAD if script_file.endswith(".ru.yaml") else EN_LEAD
    script = load_script_file(DIALOGS / script_file).script
    runtime = runtime_for(script)
    now = _now("ru" if script_file.endswith(".ru.yaml") else "en")
    state = DialogState(
        script_id=script.id, step=step, waiting="input",
        variables=dict(validate_variables(script, variables)),
        slots={name: None for name in runtime.slot_types}, now=now,
    )
    dialog = Dialog.restore(script, state)
    branch = None
    for action in dialog.handle(ev.UserSaid(text=text, at=now)):
        if isinstance(action, act.Transition) and action.from_step == step:
            branch = action.branch
    return branch, dict(dialog.state.slots)


# --- sums: slang thousands after a number, «полтораста», a bare budget in thousands -------------


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("семьдесят косых", "ru", 70000), ("сорок тыр где-то", "ru", 40000),
     ("двадцать пять косых", "ru", 25000), ("полтораста тысяч рублей", "ru", 150000),
     ("полутора сотен", "ru", 150000),  # guard: the older reading stays
     ("three large", "en", 3000), ("like five large", "en", 5000)],
)  # fmt: skip
def test_slang_thousands_after_a_number(text: str, lang: str, value: int) -> None:
    assert _values(text, lang, "money")[:1] == [value]


@pytest.mark.parametrize("text", ["a large one", "large", "он косой", "косые взгляды"])
def test_slang_thousands_alone_are_no_sum(text: str) -> None:
    lang = "ru" if text[0] > "z" else "en"
    assert 1000 not in _values(text, lang, "money")


@pytest.mark.parametrize(
    ("text", "budget"),
    [("ну сто двадцать", 120000), ("до девяноста где-то", 90000), ("полтораста", 150000),
     ("максимум двести", 200000),
     # guards: a currency or a multiplier said keeps the number as it is
     ("пятьсот рублей", 500), ("сорок тысяч", 40000), ("полтора миллиона", 1500000)],
)  # fmt: skip
def test_a_bare_russian_budget_counts_thousands(text: str, budget: int) -> None:
    branch, slots = _step("lead_qualification.ru.yaml", "ask_budget", text)
    assert branch == "ok"
    assert slots["budget"] == budget


def test_an_english_bare_budget_stays_as_said() -> None:
    assert _step("lead_qualification.en.yaml", "ask_budget", "maybe five hundred")[1][
        "budget"] == 500


# --- times: a part of the day then its hour, after work, "00" minutes, a day after its month ---


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("в обед где-то в час", "ru", "2026-02-03T13:00:00+03:00"),
     ("в обед часика в три", "ru", "2026-02-03T15:00:00+03:00"),
     ("at lunch around two", "en", "2026-02-03T14:00:00-05:00"),
     ("в обед", "ru", "2026-02-03T13:00:00+03:00"),  # alone: one o'clock as before
     ("в четверг после работы часов в семь", "ru", "2026-02-05T19:00:00+03:00"),
     ("friday after work", "en", "2026-02-06T19:00:00-05:00"),
     ("after work at six thirty", "en", "2026-02-03T18:30:00-05:00"),
     ("15 00 завтра", "ru", "2026-02-04T15:00:00+03:00"),
     ("завтра 16 00", "ru", "2026-02-04T16:00:00+03:00"),
     ("tomorrow 10 05", "en", "2026-02-04T10:05:00-05:00")],
)  # fmt: skip
def test_an_hour_inside_its_part_of_the_day(text: str, lang: str, value: str) -> None:
    assert _values(text, lang, "datetime")[:1] == [value]


@pytest.mark.parametrize(
    ("text", "lang", "day"),
    [("в марте числа пятнадцатого", "ru", "2026-03-15"),
     ("в апреле двадцатого числа", "ru", "2026-04-20"),
     ("in april on the twelfth", "en", "2026-04-12"),
     ("в марте", "ru", "2026-03-01"),  # guards: a month alone, a count after it
     ("в марте дня три", "ru", "2026-03-01")],
)  # fmt: skip
def test_a_day_said_after_its_month(text: str, lang: str, day: str) -> None:
    assert _values(text, lang, "date")[:1] == [day]


@pytest.mark.parametrize(
    ("text", "lang", "day"),
    [("нужно прямо сейчас", "ru", "2026-02-03"), ("как можно быстрее бы", "ru", "2026-02-03"),
     ("immediately if possible", "en", "2026-02-03"), ("asap really", "en", "2026-02-03"),
     ("срочно но лучше в марте", "ru", "2026-03-01")],  # a day named wins
)  # fmt: skip
def test_urgency_is_today_as_a_timeframe(text: str, lang: str, day: str) -> None:
    assert _values(text, lang, "date")[:1] == [day]


@pytest.mark.parametrize(("text", "lang"), [("да не срочно", "ru"), ("not right away", "en"),
                                            ("no rush", "en")])
def test_urgency_negated_is_no_day(text: str, lang: str) -> None:
    assert _values(text, lang, "date") == []

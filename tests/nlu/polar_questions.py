"""The lead scripts' yes/no questions, for tables of replies judged against the question
asked (`polar` with the question's topic), and a reply said at a step of a shipped script
through the dialog engine (`step_reply`), for the round tables."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog.engine import Dialog, DialogState
from bot_engine.dialog.runtime import runtime_for
from bot_engine.nlu import extract_entities
from bot_engine.nlu.polar import polar, question_topic
from bot_engine.script import load_script_file, validate_variables

QUESTIONS = {
    "identity": {"ru": "Здравствуйте! Подскажите, это {{ name }}?",
                 "en": "Hello! Am I speaking with {{ name }}?"},
    "availability": {"ru": "Вам удобно сейчас говорить?", "en": "Is now a good time to talk?"},
    "offer": {"ru": "Соединить вас с менеджером прямо сейчас?",
              "en": "Would you like me to connect you with a manager right now?"},
    "relevance": {"ru": "Подскажите, ваша заявка ещё актуальна?",
                  "en": "Are you still interested in new windows?"},
    "consent": {"ru": "Вы согласны на обработку персональных данных?",
                "en": "Do you agree to the processing of your personal data?"},
    "readback": {"ru": "Я записала ваш номер. Всё верно?",
                 "en": "I have your number down. Is that correct?"},
}  # fmt: skip


def answer(asked: str, text: str, lang: str, names: tuple[str, ...] = ()) -> str | None:
    """The yes/no a reply gives to one of the questions above."""
    return polar(text, lang, question_topic(QUESTIONS[asked][lang], lang), names).answer


DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
RU_NOW = datetime(2026, 2, 3, 9, 30, tzinfo=ZoneInfo("Europe/Moscow"))  # a Tuesday morning
EN_NOW = datetime(2026, 2, 3, 9, 30, tzinfo=ZoneInfo("America/New_York"))
EN_LEAD = {"name": "Megan", "product": "windows", "company": "Acme Roofing", "min_budget": 3000}
RU_LEAD = {"name": "Ольга", "product": "окна", "company": "Окна Плюс", "min_budget": 30000}


def now_of(lang: str) -> datetime:
    return RU_NOW if lang == "ru" else EN_NOW


def values(text: str, lang: str, kind: str) -> list[object]:
    found = extract_entities(text, lang, [kind], now=now_of(lang))  # type: ignore[list-item]
    return [e.value for e in found if e.type == kind]


VARIABLES: dict[str, dict[str, object]] = {
    "lead_qualification.ru.yaml": RU_LEAD, "lead_qualification.en.yaml": EN_LEAD,
    "consent_confirmation.ru.yaml": {"name": "Ольга", "company": "Окна Плюс"},
    "consent_confirmation.en.yaml": {"name": "Brandon", "company": "Acme Roofing"},
    "own_manager.ru.yaml": {"caller": "+79110001122"},
    "callback.ru.yaml": {"lead_phone": "+79110001122", "lead_name": "Ольга",
                         "source": "okna.example"},
}  # fmt: skip


def step_reply(script_file: str, step: str, text: str, *, now: datetime | None = None,
               **overrides: object) -> tuple[str | None, dict[str, object]]:
    """The branch a reply takes at ``step`` of a shipped script, and the slots it fills
    (``now``: the call time, `now_of` by default; ``overrides``: variables other than the
    table's, such as another consent purpose)."""
    variables = {**VARIABLES[script_file], **overrides}
    script = load_script_file(DIALOGS / script_file).script
    runtime = runtime_for(script)
    now = now or now_of("ru" if script_file.endswith(".ru.yaml") else "en")
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

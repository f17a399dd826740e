"""Turning one caller utterance into a branch of the current step, using the NLU.

Order matters and is fixed here, in one place:
1. global handlers (operator, repeat, opt-out, who-is-this), if confidently recognised;
2. the step's extra intents ("busy", "callback" on a yes/no question);
3. the step's own expectation (yes/no, an entity, free text, digits);
4. opportunistic slots (`also`), so "да, бюджет около двухсот тысяч" fills both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from bot_engine import nlu
from bot_engine.dialog.events import IntentHint
from bot_engine.dialog.runtime import Runtime
from bot_engine.script.model import ENTITY_EXPECTS, Step
from bot_engine.script.values import ValueProblem, coerce

_ENTITY_REQUEST: dict[str, tuple[nlu.EntityType, ...]] = {
    "datetime": ("datetime",),
    "integer": ("integer", "number"),
}


@dataclass
class Understanding:
    branch: str | None = None
    """A key of the step's `on`, a handler name, or None for no-match."""
    handler: str | None = None
    primary: bool = False
    """True when the step's own expectation matched, so `value` belongs in its slot."""
    value: Any = None
    intent: str | None = None
    confidence: float = 0.0
    entities: list[dict[str, Any]] = field(default_factory=list)
    also: dict[str, Any] = field(default_factory=dict)


def understand(
    runtime: Runtime,
    step: Step,
    text: str,
    now: datetime,
    slots: dict[str, Any],
    hint: IntentHint | None = None,
) -> Understanding:
    expect = step.expect
    assert expect is not None
    out = Understanding()

    handler = runtime.handlers.match(text)
    if handler.intent is not None:
        out.handler = handler.intent
        out.intent = handler.intent
        out.confidence = handler.confidence
        return out

    if expect.intents:
        match = _intent(runtime, text, expect.intents, hint)
        if match is not None:
            out.branch, out.intent, out.confidence = match[0], match[0], match[1]
            out.value = match[0]

    if out.branch is None:
        _primary(runtime, step, text, now, out)
        out.primary = out.branch is not None

    for slot, kind in expect.also.items():
        if slots.get(slot) is not None or slot == expect.save:
            continue
        found = _entity(runtime, text, kind, now, exclude=out.entities)
        if found is not None:
            out.entities.append(found)
            types = runtime.slot_types.get(slot, ["string"])
            try:
                out.also[slot] = coerce(found["value"], types)
            except ValueProblem:
                continue
    return out


def _primary(runtime: Runtime, step: Step, text: str, now: datetime, out: Understanding) -> None:
    expect = step.expect
    assert expect is not None
    kind = expect.type
    if kind == "confirm":
        answer = nlu.yes_no(text, runtime.lang)
        if answer.answer is not None:
            out.branch = answer.answer
            out.value = answer.answer == "yes"
            out.confidence = answer.confidence
            out.intent = answer.answer
    elif kind in ENTITY_EXPECTS:
        found = _entity(runtime, text, kind, now)
        if found is not None:
            out.entities.append(found)
            out.branch, out.value, out.confidence = "ok", found["value"], 1.0
        elif expect.accept_text and nlu.normalize(text, runtime.lang):
            out.branch, out.value, out.confidence = "ok", text.strip(), 0.5
    elif kind == "text":
        if nlu.normalize(text, runtime.lang):
            out.branch, out.value, out.confidence = "ok", text.strip(), 1.0
    elif kind == "dtmf":
        digits = "".join(ch for ch in text if ch.isdigit())
        if not digits:
            found = _entity(runtime, text, "integer", now)
            if found is not None and isinstance(found["value"], int) and found["value"] >= 0:
                digits = str(found["value"])
        if digits:
            out.value = digits
            out.branch = digits if digits in step.on else ("ok" if "ok" in step.on else None)
            out.confidence = 1.0


def _intent(
    runtime: Runtime, text: str, allowed: list[str], hint: IntentHint | None
) -> tuple[str, float] | None:
    if hint is not None:
        if hint.intent in allowed:
            return hint.intent, hint.confidence
        return None
    if runtime.intents is None:
        return None
    match = runtime.intents.match(text, only=allowed)
    if match.intent is None:
        return None
    return match.intent, match.confidence


def _entity(
    runtime: Runtime,
    text: str,
    kind: str,
    now: datetime,
    exclude: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    types = _ENTITY_REQUEST.get(kind) or (cast(nlu.EntityType, kind),)
    entities = nlu.extract_entities(
        text, runtime.lang, types, now=now.astimezone(runtime.timezone),
        region="RU" if runtime.lang == "ru" else "US",
    )
    taken = [(e["start"], e["end"]) for e in exclude or []]
    for entity in entities:
        if any(entity.start < end and start < entity.end for start, end in taken):
            continue
        if kind == "integer" and not (
            isinstance(entity.value, int)
            or (isinstance(entity.value, float) and entity.value.is_integer())
        ):
            continue
        data = entity.model_dump()
        if kind == "integer":
            data["value"] = int(data["value"])
        elif kind == "date" and entity.until is not None and _begun(entity.value, now, runtime):
            data["value"] = entity.until
        return data
    return None


def _begun(value: Any, now: datetime, runtime: Runtime) -> bool:
    """A period that has already begun ("до весны", "до конца месяца", "by spring") says
    when at the latest, and its first day is just today: the slot keeps its last day."""
    return value == now.astimezone(runtime.timezone).date().isoformat()

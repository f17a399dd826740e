"""Dialog tests: scripted conversations with expectations, run through the text driver.

A test file (YAML) names a script and lists conversations:

    script: lead_qualification.ru.yaml        # relative to the test file
    now: "2026-11-21T12:00:00+03:00"          # optional; fixes dates like "завтра"
    variables: {name: Иван, ...}              # shared by all tests
    tests:
      - name: qualified lead
        variables: {min_budget: 100000}       # merged over the shared ones
        webhooks: {check_crm: {status: success, data: {...}}}   # or timeout / error
        connects: {to_manager: busy}          # or {outcome: answered, ended_by: operator}
        turns:
          - bot: "Здравствуйте"               # expectations on the greeting
          - caller: "да"
            bot: "удобно"                     # substring (or a list); bot_regex: for regex
            step: convenient                  # where the dialog waits afterwards
            slots: {relevant: true}
        result: {outcome: qualified, fields: {budget: 200000}}

Input running out means the caller hangs up, as in `voicebot chat --say`.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot_engine.script import ScriptError, load_script_file, validate_variables
from bot_engine.script.model import Script
from bot_engine.script.positions import ParseError, parse, to_plain
from bot_engine.simulator.connects import CannedConnects
from bot_engine.simulator.errors import BadTestFile
from bot_engine.simulator.session import TextSession, Trace
from bot_engine.simulator.webhooks import CannedWebhooks


class TurnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    caller: str | None = None
    bot: str | list[str] | None = None
    bot_regex: str | None = None
    no_bot: str | list[str] | None = Field(default=None, description="Must not be said.")
    event: str | list[str] | None = Field(
        default=None, description="Shown as events (menu, transfer, bridge, webhook).")
    step: str | None = None
    slots: dict[str, Any] = Field(default_factory=dict)
    ended: bool | None = None


class ResultSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: str | None = None
    ending: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    transfers: list[str] | None = Field(
        default=None, description="The outcome of each connect, in order.")


class TestCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    variables: dict[str, Any] = Field(default_factory=dict)
    webhooks: dict[str, Any] = Field(default_factory=dict)
    connects: dict[str, Any] = Field(default_factory=dict)
    now: datetime | None = None
    turns: list[TurnSpec] = Field(default_factory=list)
    result: ResultSpec | None = None


class TestFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    script: str
    now: datetime | None = None
    variables: dict[str, Any] = Field(default_factory=dict)
    tests: list[TestCase] = Field(min_length=1)


@dataclass
class CaseOutcome:
    file: str
    name: str
    failures: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class FileRun:
    path: Path
    script: Script | None
    cases: list[CaseOutcome]
    trace: Trace
    error: str | None = None


def load_test_file(path: Path) -> tuple[TestFile, Script]:
    try:
        data = to_plain(parse(path.read_text(encoding="utf-8")))
    except (OSError, ParseError) as exc:
        raise BadTestFile(f"{path}: {exc}") from exc
    try:
        spec = TestFile.model_validate(data)
    except ValidationError as exc:
        raise BadTestFile(f"{path}: invalid dialog test file:\n{exc}") from exc
    loaded = load_script_file(path.parent / spec.script)
    return spec, loaded.script


def run_file(path: Path) -> FileRun:
    trace = Trace()
    try:
        spec, script = load_test_file(path)
    except (ValueError, ScriptError) as exc:
        return FileRun(path, None, [], trace, error=str(exc))
    cases = [run_case(path, spec, case, script, trace) for case in spec.tests]
    return FileRun(path, script, cases, trace)


def run_case(path: Path, spec: TestFile, case: TestCase, script: Script,
             trace: Trace) -> CaseOutcome:
    outcome = CaseOutcome(str(path), case.name)
    try:
        variables = validate_variables(script, {**spec.variables, **case.variables})
    except ScriptError as exc:
        outcome.failures.append(f"bad variables: {exc}")
        return outcome
    session = TextSession(script, variables, webhooks=CannedWebhooks(case.webhooks),
                          connects=CannedConnects(case.connects), now=case.now or spec.now)
    turns = list(case.turns)
    seen = 0
    try:
        session.start()
        for index, turn in enumerate(turns):
            if turn.caller is not None:
                if session.finished:
                    outcome.failures.append(
                        f"turn {index + 1}: the dialog already ended, the caller cannot say "
                        f"{turn.caller!r}"
                    )
                    break
                session.send(turn.caller)
            said = [e.text for e in session.transcript[seen:] if e.role == "bot"]
            events = [e.text for e in session.transcript[seen:] if e.role == "event"]
            seen = len(session.transcript)
            outcome.failures.extend(_check_turn(index + 1, turn, said, session))
            outcome.failures.extend(_check_events(index + 1, turn, events))
        if not session.finished:
            session.hangup()
    except ValueError as exc:
        outcome.failures.append(str(exc))
    for entry in session.transcript:
        outcome.transcript.append(f"{entry.role:>6}: {entry.text}")
    trace.steps |= session.trace.steps
    trace.branches |= session.trace.branches
    if case.result is not None:
        outcome.failures.extend(_check_result(case.result, session))
    return outcome


def _check_turn(number: int, turn: TurnSpec, said: list[str],
                session: TextSession) -> list[str]:
    failures = []
    text = "\n".join(said)
    expected = [turn.bot] if isinstance(turn.bot, str) else (turn.bot or [])
    for fragment in expected:
        if fragment.lower() not in text.lower():
            failures.append(f"turn {number}: expected the bot to say {fragment!r}\n"
                            + _diff(fragment, said))
    forbidden = [turn.no_bot] if isinstance(turn.no_bot, str) else (turn.no_bot or [])
    for fragment in forbidden:
        if fragment.lower() in text.lower():
            failures.append(f"turn {number}: the bot said {fragment!r}, which it must not")
    if turn.bot_regex is not None and not re.search(turn.bot_regex, text, re.I | re.S):
        failures.append(f"turn {number}: bot text does not match /{turn.bot_regex}/\n"
                        + _diff(turn.bot_regex, said))
    state = session.dialog.state
    if turn.step is not None and state.step != turn.step:
        failures.append(f"turn {number}: expected step {turn.step!r}, got {state.step!r}")
    for name, value in turn.slots.items():
        actual = state.slots.get(name, state.variables.get(name))
        if not _same(actual, value):
            failures.append(f"turn {number}: slot {name}: expected {value!r}, got {actual!r}")
    if turn.ended is not None and session.finished != turn.ended:
        failures.append(f"turn {number}: expected the dialog "
                        f"{'to have ended' if turn.ended else 'to go on'}")
    return failures


def _check_events(number: int, turn: TurnSpec, events: list[str]) -> list[str]:
    expected = [turn.event] if isinstance(turn.event, str) else (turn.event or [])
    text = "\n".join(events).lower()
    return [f"turn {number}: expected an event {fragment!r}\n" + _diff(fragment, events)
            for fragment in expected if fragment.lower() not in text]


def _check_result(expected: ResultSpec, session: TextSession) -> list[str]:
    result = session.result
    if result is None:
        return ["the dialog produced no result"]
    failures = []
    if expected.outcome is not None and result.outcome != expected.outcome:
        failures.append(f"result outcome: expected {expected.outcome!r}, got "
                        f"{result.outcome!r}")
    if expected.ending is not None and result.ending != expected.ending:
        failures.append(f"result ending: expected {expected.ending!r}, got {result.ending!r}")
    if expected.transfers is not None:
        actual_transfers = [t["outcome"] for t in result.transfers]
        if actual_transfers != expected.transfers:
            failures.append(f"result transfers: expected {expected.transfers}, got "
                            f"{actual_transfers}")
    for name, value in expected.fields.items():
        actual = result.fields.get(name)
        if not _same(actual, value):
            failures.append(f"result field {name}: expected {value!r}, got {actual!r}")
    return failures


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, str) and expected.startswith("~"):
        return actual is not None and re.search(expected[1:], str(actual)) is not None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected  # bool is an int subclass: True must not equal 1
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(actual) == float(expected)
    if isinstance(expected, datetime):
        expected = expected.isoformat()
    return bool(actual == expected or (actual is not None and str(actual) == str(expected)))


def _diff(expected: str, said: list[str]) -> str:
    if not said:
        return "    (the bot said nothing)"
    lines = difflib.unified_diff([expected], said, "expected", "bot said", lineterm="", n=0)
    return "\n".join("    " + line for line in lines)


def coverage_gaps(script: Script, trace: Trace) -> tuple[list[str], list[str]]:
    """Steps never entered and branches never taken (`step.on.key`, `step.goto`)."""
    steps = [step for step in script.steps if step not in trace.steps]
    branches = []
    for step_id, step in script.steps.items():
        for key in step.on:
            if (step_id, key) not in trace.branches:
                branches.append(f"{step_id}.on.{key}")
        if step.goto is not None and (step_id, "goto") not in trace.branches:
            branches.append(f"{step_id}.goto")
    return steps, branches


def discover(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.rglob("*.test.yaml")))
        else:
            found.append(path)
    return found


def report_json(runs: list[FileRun]) -> str:
    return json.dumps(
        [
            {"file": str(run.path), "error": run.error,
             "cases": [{"name": c.name, "passed": c.passed, "failures": c.failures}
                       for c in run.cases]}
            for run in runs
        ],
        ensure_ascii=False,
        indent=2,
    )

"""Loading a script: parse, validate the structure, then check the whole.

Every problem is reported at once, each with file, line, column, the path inside the
script (`steps.greet.on.yes`) and what was expected, so an author fixes a script in one
round instead of one error at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

import bot_engine.script.positions as positions
from bot_engine.script.checks import check_script
from bot_engine.script.errors import ScriptLanguageError
from bot_engine.script.limits import DEFAULT_LIMITS, LimitExceeded, ScriptLimits
from bot_engine.script.model import IntentDef, Script

log = logging.getLogger(__name__)


class ScriptIssue(BaseModel):
    model_config = ConfigDict(frozen=True)

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"
    limit: str | None = None
    """The `ScriptLimits` field a refused script went over, if that is why it was refused."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        path = f" {self.path}:" if self.path else ""
        return f"{where}: {self.severity}:{path} {self.message}"


class ScriptError(ScriptLanguageError):
    """The script is invalid; `issues` lists every error (and the warnings found with them)."""

    def __init__(self, issues: list[ScriptIssue]) -> None:
        self.issues = issues
        errors = [issue for issue in issues if issue.severity == "error"]
        super().__init__("\n".join(str(issue) for issue in errors) or "invalid script")

    @property
    def errors(self) -> list[ScriptIssue]:
        return [issue for issue in self.issues if issue.severity == "error"]


class LoadedScript(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    script: Script
    warnings: list[ScriptIssue]
    source: str


def load_script(
    text: str,
    *,
    source: str = "<script>",
    base_dir: Path | None = None,
    limits: ScriptLimits = DEFAULT_LIMITS,
) -> LoadedScript:
    """Parse and validate YAML or JSON script text, within `limits`."""
    if len(text) > limits.max_bytes or len(text.encode("utf-8", "replace")) > limits.max_bytes:
        raise ScriptError([_limit_issue(
            source, LimitExceeded("max_bytes", f"the script is larger than {limits.max_bytes} "
                                  "bytes (max_bytes)"))])
    try:
        root = positions.parse(text, limits)
    except positions.ParseError as exc:
        raise ScriptError(
            [_issue(source, exc.line, exc.column, "", exc.message, limit=exc.limit)]
        ) from None
    if not isinstance(root, Mapping):
        raise ScriptError(
            [_issue(source, 1, 1, "", "expected a mapping with id, language, result, "
                    "start and steps")]
        )
    steps = root.get("steps")
    if isinstance(steps, Mapping) and len(steps) > limits.max_steps:
        line, column, found = positions.locate(root, ("steps",))
        raise ScriptError([_issue(
            source, line, column, positions.path_str(found),
            f"{len(steps)} steps; at most {limits.max_steps} are allowed (max_steps)",
            limit="max_steps",
        )])
    try:
        data = positions.to_plain(root, limits)
    except LimitExceeded as exc:
        raise ScriptError([_limit_issue(source, exc)]) from None
    try:
        script = Script.model_validate(data)
    except ValidationError as exc:
        structural = _validation_issues(exc, root, source)
        for path, message in _dangling_gotos(data):
            line, column, found = positions.locate(root, path)
            structural.append(_issue(source, line, column, positions.path_str(found), message))
        structural.sort(key=lambda issue: (issue.line, issue.column))
        raise ScriptError(structural) from None
    issues: list[ScriptIssue] = []
    if script.intents_from is not None and script.intents_from.rasa:
        try:
            _merge_rasa(script, script.intents_from.rasa, base_dir, limits)
        except (OSError, ValueError, positions.ParseError) as exc:
            line, column, found = positions.locate(root, ("intents_from", "rasa"))
            issues.append(
                _issue(source, line, column, positions.path_str(found),
                       f"cannot import Rasa intents: {exc}")
            )
    for problem in check_script(script, limits):
        line, column, found = positions.locate(root, problem.path)
        issues.append(
            _issue(source, line, column, positions.path_str(found), problem.message,
                   problem.severity, limit=problem.limit)
        )
    issues.sort(key=lambda issue: (issue.line, issue.column))
    if any(issue.severity == "error" for issue in issues):
        raise ScriptError(issues)
    return LoadedScript(script=script, warnings=issues, source=source)


def load_outcome(
    text: str, source: str, limits: ScriptLimits = DEFAULT_LIMITS
) -> LoadedScript | list[ScriptIssue]:
    """`load_script` as a worker process runs it: the loaded script, or its issues
    (plain data, so the answer crosses the process boundary by pickle)."""
    try:
        return load_script(text, source=source, limits=limits)
    except ScriptError as exc:
        return exc.issues
    except (RecursionError, MemoryError, ValueError, TypeError) as exc:  # never a 500
        log.exception("script %s could not be checked", source)
        return [_issue(source, 1, 1, "", f"the script could not be checked: "
                       f"{type(exc).__name__}")]


def load_script_file(path: str | Path, limits: ScriptLimits = DEFAULT_LIMITS) -> LoadedScript:
    path = Path(path)
    try:
        if path.stat().st_size > limits.max_bytes:
            raise ScriptError([_limit_issue(str(path), LimitExceeded(
                "max_bytes", f"the script is larger than {limits.max_bytes} bytes (max_bytes)"))])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScriptError([_issue(str(path), 1, 1, "", f"cannot read script: {exc}")]) from None
    return load_script(text, source=str(path), base_dir=path.parent, limits=limits)


def _merge_rasa(
    script: Script, reference: str, base_dir: Path | None, limits: ScriptLimits
) -> None:
    from bot_engine.nlu import load_rasa_nlu

    if "\n" in reference:
        text = reference
    else:
        if base_dir is None:
            raise ValueError("a file reference needs a script loaded from a file")
        text = (base_dir / reference).read_text(encoding="utf-8")
    if len(text) > limits.max_bytes:
        raise ValueError(f"the Rasa file is larger than {limits.max_bytes} bytes (max_bytes)")
    # The Rasa loader is not bounded itself: the same bounded parse first refuses bombs.
    positions.to_plain(positions.parse(text, limits), limits)
    for name, spec in load_rasa_nlu(text).items():
        current = script.intents.get(name) or IntentDef()
        script.intents[name] = IntentDef(
            examples=[*current.examples, *spec.examples],
            patterns=[*current.patterns, *spec.patterns],
        )


def _dangling_gotos(data: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Gotos to missing steps, found in the raw document.

    The full checks need a structurally valid script; this one does not, so a script with
    both a typo'd key and a dangling goto gets both errors in one report.
    """
    steps = data.get("steps")
    if not isinstance(steps, Mapping):
        return []
    names = set(steps)
    found: list[tuple[tuple[str | int, ...], str]] = []

    def targets(value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            if value not in names:
                found.append((path, f"goto to missing step {value!r}"))
        elif isinstance(value, Mapping):
            goto = value.get("goto")
            if isinstance(goto, str) and goto not in names:
                found.append(((*path, "goto"), f"goto to missing step {goto!r}"))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                targets(item, (*path, index))

    start = data.get("start")
    if isinstance(start, str) and start not in names:
        found.append((("start",), f"start step {start!r} is not defined in steps"))
    for step_id, step in steps.items():
        if not isinstance(step, Mapping):
            continue
        if "goto" in step:
            targets(step["goto"], ("steps", step_id, "goto"))
        branches = step.get("on")
        if isinstance(branches, Mapping):
            for key, value in branches.items():
                targets(value, ("steps", step_id, "on", key))
        for policy in ("no_input", "no_match"):
            then = step.get(policy, {}).get("then") if isinstance(
                step.get(policy), Mapping) else None
            if then is not None:
                targets(then, ("steps", step_id, policy, "then"))
    return found


def _validation_issues(exc: ValidationError, root: Any, source: str) -> list[ScriptIssue]:
    issues: dict[tuple[int, int, str, str], ScriptIssue] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        line, column, found = positions.locate(root, loc)
        message = _message(error)
        path = positions.path_str(found)
        key = (line, column, path, message)
        issues.setdefault(key, _issue(source, line, column, path, message))
    return sorted(issues.values(), key=lambda issue: (issue.line, issue.column))


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key {error['loc'][-1]!r}"
    if kind == "missing":
        return f"missing required key {error['loc'][-1]!r}"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return message


def _issue(
    source: str, line: int, column: int, path: str, message: str,
    severity: Literal["error", "warning"] = "error", limit: str | None = None,
) -> ScriptIssue:
    return ScriptIssue(
        file=source, line=line, column=column, path=path, message=message, severity=severity,
        limit=limit,
    )


def _limit_issue(source: str, exc: LimitExceeded) -> ScriptIssue:
    return _issue(source, exc.line, exc.column, "", exc.message, limit=exc.limit)

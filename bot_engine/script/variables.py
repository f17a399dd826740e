"""Call variables checked against the script's declarations before a call starts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot_engine.script.loader import ScriptError, ScriptIssue
from bot_engine.script.model import Script
from bot_engine.script.values import ValueProblem, coerce


def validate_variables(script: Script, values: Mapping[str, Any]) -> dict[str, Any]:
    """Typed variables with defaults applied; every problem is reported at once."""
    issues: list[ScriptIssue] = []
    result: dict[str, Any] = {}
    for name in values:
        if name not in script.variables:
            issues.append(_issue(name, f"unknown variable {name!r}; the script declares: "
                                 + (", ".join(script.variables) or "none")))
    for name, spec in script.variables.items():
        raw = values.get(name)
        if raw is None or raw == "":
            if spec.required:
                issues.append(_issue(name, f"missing required variable {name!r}"))
                continue
            raw = spec.default
        try:
            result[name] = coerce(raw, spec.type)
        except ValueProblem as exc:
            issues.append(_issue(name, f"variable {name!r}: {exc}"))
    if issues:
        raise ScriptError(issues)
    return result


def _issue(name: str, message: str) -> ScriptIssue:
    return ScriptIssue(file="<variables>", line=1, column=1, path=f"variables.{name}",
                       message=message)

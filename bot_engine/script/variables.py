"""Call variables checked against the script's declarations before a call starts.

This is the one gate every edge that takes variables goes through (`POST /v1/calls`,
`/v1/simulate`, inbound routes, SIP `X-Var-*` headers, WebSocket custom parameters), so the
length limit lives here: a 900 KB `lead_name` once took the server to 2.6 GB on its way to
TTS. Text is at most the variable's `max_length` characters (default 1,000) and must be
valid Unicode (a lone surrogate cannot be stored as JSON or sent to a CRM).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot_engine.script.loader import ScriptError, ScriptIssue
from bot_engine.script.model import Script, VariableSpec
from bot_engine.script.values import ValueProblem, coerce, shown

MAX_NAME_LENGTH = 64


def validate_variables(script: Script, values: Mapping[str, Any]) -> dict[str, Any]:
    """Typed variables with defaults applied; every problem is reported at once."""
    issues: list[ScriptIssue] = []
    result: dict[str, Any] = {}
    for name in values:
        if name not in script.variables:
            issues.append(_issue(name, f"unknown variable {shown(name)}; the script declares: "
                                 + (", ".join(script.variables) or "none")))
    for name, spec in script.variables.items():
        raw = values.get(name)
        if raw is None or raw == "":
            if spec.required:
                issues.append(_issue(name, f"missing required variable {name!r}"))
                continue
            raw = spec.default
        try:
            if isinstance(raw, str):
                checked_length(spec, raw)
            result[name] = checked_length(spec, coerce(raw, spec.type))
        except ValueProblem as exc:
            issues.append(_issue(name, f"variable {name!r}: {exc}"))
    if issues:
        raise ScriptError(issues)
    return result


def checked_length(spec: VariableSpec, value: Any) -> Any:
    """`value` if it is not text, or is valid Unicode text within the variable's limit."""
    if isinstance(value, str):
        if len(value) > spec.length_limit:
            raise ValueProblem(
                f"{len(value):,} characters; at most {spec.length_limit:,} are allowed "
                "(declare max_length on the variable to change this)"
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueProblem("text with a lone surrogate (not valid Unicode)") from None
    return value


def _issue(name: str, message: str) -> ScriptIssue:
    path = name if len(name) <= MAX_NAME_LENGTH else name[:MAX_NAME_LENGTH] + "…"
    path = path.encode("utf-8", "backslashreplace").decode("utf-8")
    return ScriptIssue(file="<variables>", line=1, column=1, path=f"variables.{path}",
                       message=message)

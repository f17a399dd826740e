"""The outcome of one attempt, as the campaign's retry rules name it.

The script's own outcome (qualified, callback, opted_out, …) when a person talked to the
robot; otherwise what happened on the line: `busy`, `no_answer`, `voicemail`, `rejected`
(the number does not exist or refuses calls), `failed` (the trunk or the service failed,
including a call cut by a restart). Scripts map busy and no answer to one `no_answer`
outcome; the hang-up cause the dialer recorded tells them apart.
"""

from __future__ import annotations

from typing import Any

OPT_OUT_OUTCOMES = frozenset({"opted_out"})
"""Outcomes that put the number on the tenant's do-not-call list."""


def attempt_outcome(result: dict[str, Any] | None, hangup_cause: str | None) -> str:
    result = result or {}
    ending = result.get("ending")
    cause = (hangup_cause or "").lower()
    if ending == "voicemail":
        return "voicemail"
    if ending == "no_answer":
        if cause.startswith("busy"):
            return "busy"
        if cause.startswith("rejected"):
            return "rejected"
        if cause.startswith(("failed", "error", "system_failure")):
            return "failed"
        return "no_answer"
    if cause == "system_failure" or ending == "error" or cause.startswith("error"):
        return "failed"
    outcome = result.get("outcome")
    return str(outcome) if outcome else "failed"

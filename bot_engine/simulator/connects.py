"""Connect runners for the text shells: nobody is really called, so a test (or the chat)
says how each connect went.

Answers are given per step id, as an outcome name or a mapping with the `ConnectResult`
fields (`outcome`, `sip_status`, `ended_by`, `caller_gone`, `target`); a list answers
successive connects of the same step in turn. A step with no answer is connected and
the caller stays with the operator to the end (`caller_gone`), as a real transfer ends
the robot's part of the call; an operator who hangs up first ends the call too, unless
the step's `after: resume` returns the caller to the script.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot_engine.dialog.actions import Connect
from bot_engine.dialog.events import ConnectAttempt, ConnectResult

_STATUS = {"answered": 200, "busy": 486, "no_answer": 480, "declined": 603, "failed": 503}


class CannedConnects:
    def __init__(self, answers: Mapping[str, Any] | None = None) -> None:
        self.answers = {k: (list(v) if isinstance(v, list) else [v])
                        for k, v in (answers or {}).items()}
        self.calls: list[Connect] = []

    def __call__(self, action: Connect) -> ConnectResult:
        self.calls.append(action)
        queue = self.answers.get(action.step)
        answer: Any = queue.pop(0) if queue and len(queue) > 1 else (queue[0] if queue else None)
        if answer is None:
            answer = {"outcome": "answered", "ended_by": "caller", "caller_gone": True}
        if isinstance(answer, str):
            answer = {"outcome": answer}
        outcome = answer.get("outcome", "answered")
        target = answer.get("target") or (action.targets[-1] if action.targets else None)
        status = answer.get("sip_status", _STATUS.get(outcome))
        attempts = [ConnectAttempt(target=t, outcome="no_answer", sip_status=480)
                    for t in action.targets if t != target and outcome == "answered"]
        if target is not None:
            attempts.append(ConnectAttempt(target=target, outcome=outcome, sip_status=status))
        ended_by = answer.get("ended_by", "operator" if outcome == "answered" else None)
        # as on a live call: a bridge the operator ends takes the caller with it unless the
        # script resumes, and after a REFER the caller is the operator's
        gone = outcome == "answered" and (ended_by == "caller" or action.after == "hangup"
                                          or action.mode == "refer")
        return ConnectResult(
            request_id=action.request_id, outcome=outcome, sip_status=status, target=target,
            ended_by=ended_by, caller_gone=bool(answer.get("caller_gone", gone)),
            talk_s=answer.get("talk_s"), attempts=attempts,
        )

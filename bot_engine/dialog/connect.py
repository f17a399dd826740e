"""The `connect` step's pure parts: the `Connect` action a step asks for, and which of
the step's branches a `ConnectResult` takes.

A busy, unanswered or declined operator falls back to `on.failed` when the script has no
branch of that name, as a webhook's timeout falls back to `on.error`: a script needs only
`answered` and `failed` to be complete, and can still tell the cases apart.
"""

from __future__ import annotations

from typing import Any

import bot_engine.dialog.actions as act
import bot_engine.dialog.events as ev
from bot_engine.script.model import Step
from bot_engine.script.templates import render

CONNECT_BRANCHES = ("answered", "busy", "no_answer", "declined", "failed")
MAX_TARGETS = 5


def connect_action(step: Step, step_id: str, request_id: str, context: dict[str, Any],
                   lang: str) -> act.Connect:
    spec = step.connect
    assert spec is not None
    sources = spec.to if isinstance(spec.to, list) else [spec.to]
    targets = [t for t in (render(s, context).strip() for s in sources[:MAX_TARGETS]) if t]
    accept = None
    if spec.accept is not None:
        accept = act.AcceptSpec(dtmf=spec.accept.dtmf, speech=spec.accept.speech,
                                timeout_s=spec.accept.timeout)
    whisper = None
    if spec.whisper is not None and spec.whisper.text:
        whisper = render(spec.whisper.text, context)
    return act.Connect(
        request_id=request_id, step=step_id, targets=targets, mode=spec.mode,
        ring_timeout_s=spec.ring_timeout, whisper=whisper, accept=accept, after=spec.after,
        language=lang,
    )


def branch_for(step: Step, result: ev.ConnectResult) -> str:
    return result.outcome if result.outcome in step.on else "failed"


def record(result: ev.ConnectResult, step_id: str | None, mode: str) -> dict[str, Any]:
    """What the result (and so the CRM) keeps of one connect."""
    return {
        "step": step_id,
        "mode": mode,
        "outcome": result.outcome,
        "target": result.target,
        "sip_status": result.sip_status,
        "ended_by": result.ended_by,
        "talk_s": result.talk_s,
        "attempts": [a.model_dump() for a in result.attempts],
    }

"""Events: everything that can happen to a dialog, as typed values.

Shells (text simulator, dialog test runner, live call session) turn the outside world into
these events. Time always arrives with the event (`at`), so the engine never reads a clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot_engine.nlu.external import ExternalReading


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    at: datetime | None = None
    """When the event happened (timezone-aware). None means "same time as before"."""


IntentHint = ExternalReading
"""A reading of the turn computed outside the engine (Rasa, an LLM): see `nlu.external`."""


class UserSaid(_Event):
    type: Literal["user_said"] = "user_said"
    text: str
    confidence: float = 1.0
    alternatives: list[str] = Field(default_factory=list)
    nlu: ExternalReading | None = None
    """Set by a shell from `Dialog.understanding_request` + `nlu.external.consult`: used when
    it names one of the step's options, else the built-in reading decides."""


class Dtmf(_Event):
    type: Literal["dtmf"] = "dtmf"
    digits: str


class NoInput(_Event):
    type: Literal["no_input"] = "no_input"


class PlaybackDone(_Event):
    type: Literal["playback_done"] = "playback_done"


class Interrupted(_Event):
    """The caller barged in; `heard_ms` is how much of the prompt was played."""

    type: Literal["interrupted"] = "interrupted"
    heard_ms: int | None = None


class WebhookResult(_Event):
    type: Literal["webhook_result"] = "webhook_result"
    request_id: str
    status: Literal["success", "error", "timeout"]
    status_code: int | None = None
    data: Any = None
    error: str | None = None


ConnectOutcome = Literal["answered", "busy", "no_answer", "declined", "failed"]


class ConnectAttempt(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    target: str
    outcome: ConnectOutcome
    sip_status: int | None = None


class ConnectResult(_Event):
    """How a `Connect` went. For a bridge that was answered this arrives when the bridge
    ends; `caller_gone` says the caller's leg has ended too (so the dialog ends)."""

    type: Literal["connect_result"] = "connect_result"
    request_id: str
    outcome: ConnectOutcome
    sip_status: int | None = None
    target: str | None = None
    """The target that answered (or the last one tried)."""
    ended_by: Literal["caller", "operator", "robot"] | None = None
    caller_gone: bool = False
    talk_s: float | None = None
    attempts: list[ConnectAttempt] = Field(default_factory=list)
    error: str | None = None


class HungUp(_Event):
    """The caller (or the network) ended the call."""

    type: Literal["hangup"] = "hangup"
    cause: str = "caller"


class MachineDetected(_Event):
    """Answering-machine detection decided this is not a person."""

    type: Literal["machine_detected"] = "machine_detected"
    beep: bool = False


class NotConnected(_Event):
    """The call never reached a person: busy, no answer, rejected or a network failure."""

    type: Literal["call_failed"] = "call_failed"
    reason: Literal["no_answer", "busy", "rejected", "failed"] = "no_answer"


Event = Annotated[
    UserSaid
    | Dtmf
    | NoInput
    | PlaybackDone
    | Interrupted
    | WebhookResult
    | ConnectResult
    | HungUp
    | MachineDetected
    | NotConnected,
    Field(discriminator="type"),
]

"""Actions: what the engine asks its shell to do, as typed values.

Shells execute actions in order. `Say` is followed by more actions only after it has been
played (a live shell plays prompts back to back, then starts listening).
Informational actions (`Understood`, `Transition`) may be ignored by a shell.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot_engine.script.model import Ending


class _Action(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Say(_Action):
    type: Literal["say"] = "say"
    text: str = ""
    audio: str | None = None
    """Path of a prerecorded file; `text` is then its transcript."""
    barge_in: bool = True
    step: str | None = None
    keep: bool = False
    """A phrase that recurs across calls (a menu line): render it whole into the TTS cache
    even when the caller cuts it short, so the next call plays it without waiting."""


class DtmfSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_digits: int | None = None
    terminator: str | None = None
    inter_digit_timeout_ms: int = 3000


class Listen(_Action):
    type: Literal["listen"] = "listen"
    step: str
    expect: str
    """The expectation type: confirm, intent, number, money, date, time, datetime, phone,
    name, text or dtmf."""
    timeout_ms: int
    """No-input timeout, measured from the end of the prompt."""
    endpoint_ms: int
    hints: list[str] = Field(default_factory=list)
    grammar: list[str] | None = None
    dtmf: DtmfSpec | None = None
    barge_in: bool = True


class Transfer(_Action):
    type: Literal["transfer"] = "transfer"
    target: str


class AcceptSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    dtmf: str = "1"
    speech: bool = True
    timeout_s: float = 15.0


class Connect(_Action):
    """Connect the caller to a person; the shell answers with one `ConnectResult`.

    `bridge`: a second call to each target in turn, the whisper to the operator only, the
    operator's acceptance, then both legs' audio and keys relayed until one side hangs up.
    `refer`: a blind SIP REFER to the first target.
    """

    type: Literal["connect"] = "connect"
    request_id: str
    step: str
    targets: list[str]
    mode: Literal["bridge", "refer"] = "bridge"
    ring_timeout_s: float = 20.0
    whisper: str | None = None
    accept: AcceptSpec | None = None
    after: Literal["hangup", "resume"] = "hangup"
    language: str = "ru"


class CallWebhook(_Action):
    type: Literal["call_webhook"] = "call_webhook"
    request_id: str
    step: str
    method: str
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    timeout_s: float


class DialogResult(BaseModel):
    """The one result every dialog ends with, valid against the script's result contract."""

    model_config = ConfigDict(extra="forbid")

    outcome: str
    fields: dict[str, Any] = Field(default_factory=dict)
    ending: Ending
    """How the dialog ended, independent of the business outcome."""
    step: str | None = None
    """The step the dialog was in when it ended."""
    slots: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    transfers: list[dict[str, Any]] = Field(default_factory=list)
    """Each connect attempt's outcome (answered, busy, no_answer, declined, failed), its
    target, SIP status and who ended the bridge: what the CRM needs to know of transfers."""


class SetResult(_Action):
    type: Literal["set_result"] = "set_result"
    result: DialogResult


class Hangup(_Action):
    type: Literal["hangup"] = "hangup"
    reason: str = "completed"


class Understood(_Action):
    """What the NLU made of a caller turn: for simulators, transcripts and debugging."""

    type: Literal["understood"] = "understood"
    step: str
    intent: str | None = None
    confidence: float = 0.0
    entities: list[dict[str, Any]] = Field(default_factory=list)
    slots: dict[str, Any] = Field(default_factory=dict)
    """Slots changed by this turn."""
    layer: str | None = None
    """Which layer decided: rule, semantic, rasa or llm (None for keys)."""
    runner_up: tuple[str, float] | None = None
    """The best other option and its score: how close the turn came to going elsewhere."""


class Transition(_Action):
    """The dialog moved along a branch: used for coverage and traces."""

    type: Literal["transition"] = "transition"
    from_step: str | None
    branch: str
    to_step: str | None


Action = Annotated[
    Say | Listen | Transfer | Connect | CallWebhook | SetResult | Hangup | Understood
    | Transition,
    Field(discriminator="type"),
]

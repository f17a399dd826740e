"""A text conversation with a dialog: the shared driver of the simulator shells.

The interactive chat, `chat --json`, the dialog test runner and `POST /v1/simulate` all
feed caller lines through this one class, so they cannot disagree about what a script
does. It adds no dialogue logic: it only turns lines into events, runs webhooks, and
records the transcript and the branches taken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog.engine import Dialog
from bot_engine.nlu.external import consult_sync
from bot_engine.nlu.http import STRICT, Outbound
from bot_engine.script.model import Script
from bot_engine.simulator.connects import CannedConnects

WebhookRunner = Callable[[act.CallWebhook], ev.WebhookResult]
ConnectRunner = Callable[[act.Connect], ev.ConnectResult]
TURN_SECONDS = 5
"""Simulated time between caller turns, so times in results move like a real call's."""


@dataclass
class TranscriptEntry:
    role: Literal["bot", "caller", "event"]
    text: str
    step: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"role": self.role, "text": self.text}
        if self.step is not None:
            data["step"] = self.step
        if self.detail:
            data.update(self.detail)
        return data


@dataclass
class Trace:
    steps: set[str] = field(default_factory=set)
    branches: set[tuple[str, str]] = field(default_factory=set)


class TextSession:
    def __init__(
        self,
        script: Script,
        variables: dict[str, Any],
        *,
        webhooks: WebhookRunner,
        connects: ConnectRunner | None = None,
        now: datetime | None = None,
        outbound: Outbound = STRICT,
    ) -> None:
        """`outbound` guards the step's Rasa/LLM requests, as `webhooks` does the script's
        webhooks (the strict default reaches public addresses only)."""
        self.script = script
        self.outbound = outbound
        self.connects = connects or CannedConnects()
        self.now = now or datetime.now(UTC)
        self.dialog = Dialog(script, variables, now=self.now)
        self.webhooks = webhooks
        self.transcript: list[TranscriptEntry] = []
        self.trace = Trace()
        self.last_actions: list[act.Action] = []

    @property
    def finished(self) -> bool:
        return self.dialog.finished

    @property
    def result(self) -> act.DialogResult | None:
        return self.dialog.result

    def start(self) -> list[act.Action]:
        self.trace.steps.add(self.script.start)
        return self._run(self.dialog.start(self.now))

    def send(self, line: str) -> list[act.Action]:
        """One caller turn: text, `/silence`, `/dtmf DIGITS` or `/hangup`."""
        if self.finished:
            return []
        self.now += timedelta(seconds=TURN_SECONDS)
        event = self.parse(line, self.now)
        if isinstance(event, ev.UserSaid):
            self.transcript.append(TranscriptEntry("caller", event.text, self.dialog.state.step))
            # Rasa or an LLM, when the step asks for them: the same step as on a live call.
            reading = consult_sync(
                self.dialog.understanding_request(event.text, event.at), outbound=self.outbound
            )
            if reading is not None:
                event = event.model_copy(update={"nlu": reading})
        elif isinstance(event, ev.Dtmf):
            self.transcript.append(
                TranscriptEntry("caller", f"[dtmf {event.digits}]", self.dialog.state.step)
            )
        elif isinstance(event, ev.NoInput):
            self.transcript.append(TranscriptEntry("caller", "[silence]", self.dialog.state.step))
        else:
            self.transcript.append(TranscriptEntry("event", "caller hung up",
                                                   self.dialog.state.step))
        return self._run(self.dialog.handle(event))

    def hangup(self) -> list[act.Action]:
        """Input ran out: the caller is gone."""
        if self.finished:
            return []
        self.transcript.append(TranscriptEntry("event", "caller hung up", self.dialog.state.step))
        return self._run(self.dialog.handle(ev.HungUp(cause="caller", at=self.now)))

    @staticmethod
    def parse(line: str, at: datetime) -> ev.Event:
        stripped = line.strip()
        if stripped == "/silence":
            return ev.NoInput(at=at)
        if stripped == "/hangup":
            return ev.HungUp(cause="caller", at=at)
        if stripped.startswith("/dtmf"):
            digits = stripped[len("/dtmf"):].strip().replace(" ", "")
            if not digits or any(ch not in "0123456789*#ABCD" for ch in digits):
                raise ValueError(f"/dtmf needs keys 0-9, *, #: {line!r}")
            return ev.Dtmf(digits=digits, at=at)
        if stripped.startswith("/") and not stripped.startswith("//"):
            raise ValueError(f"unknown command {stripped.split()[0]!r}")
        return ev.UserSaid(text=line, at=at)

    def _run(self, actions: list[act.Action]) -> list[act.Action]:
        """Record actions; answer webhooks at once and keep going until the dialog waits."""
        done: list[act.Action] = []
        queue = list(actions)
        while queue:
            action = queue.pop(0)
            done.append(action)
            if isinstance(action, act.Say):
                self.transcript.append(TranscriptEntry("bot", action.text, action.step))
            elif isinstance(action, act.Understood) and action.layer is not None:
                caller = next((e for e in reversed(self.transcript) if e.role == "caller"), None)
                if caller is not None:
                    caller.detail.update(intent=action.intent, layer=action.layer,
                                         runner_up=action.runner_up)
            elif isinstance(action, act.Transition):
                if action.from_step is not None:
                    self.trace.branches.add((action.from_step, action.branch))
                if action.to_step is not None:
                    self.trace.steps.add(action.to_step)
            elif isinstance(action, act.Transfer):
                self.transcript.append(TranscriptEntry("event", f"transfer to {action.target}",
                                                       self.dialog.state.step))
            elif isinstance(action, act.Listen) and action.expect == "menu":
                entries = ", ".join(f"{i + 1} {item.get('name', '')}".strip() for i, item
                                    in enumerate(self.dialog.state.menu_items))
                self.transcript.append(TranscriptEntry("event", f"menu: {entries}",
                                                       action.step))
            elif isinstance(action, act.Connect):
                queue.extend(self._connect(action))
            elif isinstance(action, act.Hangup):
                self.transcript.append(TranscriptEntry("event", "robot hung up",
                                                       self.dialog.state.step))
            elif isinstance(action, act.CallWebhook):
                self.transcript.append(
                    TranscriptEntry("event", f"webhook {action.method} {action.url}",
                                    action.step)
                )
                result = self.webhooks(action)
                self.transcript.append(
                    TranscriptEntry("event", f"webhook {result.status}", action.step)
                )
                queue.extend(self.dialog.handle(result.model_copy(update={"at": self.now})))
        self.last_actions = done
        return done

    def _connect(self, action: act.Connect) -> list[act.Action]:
        how = "bridge" if action.mode == "bridge" else "transfer (REFER)"
        self.transcript.append(TranscriptEntry(
            "event", f"{how} to {', '.join(action.targets)}", action.step,
            {"connect": action.model_dump(exclude={"type", "request_id", "step"})}))
        result = self.connects(action)
        if action.whisper and result.outcome in ("answered", "declined"):  # someone heard it
            self.transcript.append(TranscriptEntry("event", f"whisper to the operator: "
                                                   f"{action.whisper}", action.step))
        text = f"{result.target or 'operator'}: {result.outcome}"
        if result.sip_status is not None:
            text += f" ({result.sip_status})"
        if result.outcome == "answered" and action.mode == "bridge":
            text += f", bridged; ended by {result.ended_by or 'operator'}"
        self.transcript.append(TranscriptEntry("event", text, action.step))
        return self.dialog.handle(result.model_copy(update={"at": self.now}))

    def document(self) -> dict[str, Any]:
        """The `voicebot chat --json` document."""
        result = self.result
        return {
            "result": result.model_dump(mode="json") if result is not None else None,
            "transcript": [entry.as_json() for entry in self.transcript],
        }


def run_conversation(
    script: Script,
    variables: dict[str, Any],
    turns: list[str],
    *,
    webhooks: WebhookRunner,
    connects: ConnectRunner | None = None,
    now: datetime | None = None,
    outbound: Outbound = STRICT,
) -> TextSession:
    """Play caller turns to the end; input running out means the caller hangs up."""
    session = TextSession(
        script, variables, webhooks=webhooks, connects=connects, now=now, outbound=outbound
    )
    session.start()
    for line in turns:
        if session.finished:
            break
        session.send(line)
    if not session.finished:
        session.hangup()
    return session

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
from typing import Any

from bot_engine.dialog import actions as act
from bot_engine.dialog import events as ev
from bot_engine.dialog.engine import Dialog
from bot_engine.nlu.external import consult_sync
from bot_engine.nlu.http import STRICT, Outbound
from bot_engine.record.turns import Role, TranscriptTurn
from bot_engine.script.model import Script
from bot_engine.simulator.connects import CannedConnects
from bot_engine.simulator.errors import BadCommand

WebhookRunner = Callable[[act.CallWebhook], ev.WebhookResult]
ConnectRunner = Callable[[act.Connect], ev.ConnectResult]
CallerEvent = ev.UserSaid | ev.Dtmf | ev.NoInput | ev.HungUp
"""What a caller's turn can be in text: words, keys, silence or hanging up."""
TURN_SECONDS = 5
"""Simulated time between caller turns, so times in results move like a real call's."""
_TURN = timedelta(seconds=TURN_SECONDS)


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
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`outbound` guards the step's Rasa/LLM requests, as `webhooks` does the script's
        webhooks (the strict default reaches public addresses only). Time moves
        `TURN_SECONDS` a caller turn from `now`, or follows `clock` (a service's text call
        runs on the wall clock)."""
        self.script = script
        self.clock = clock
        self.outbound = outbound
        self.connects = connects or CannedConnects()
        self.now = now or (clock() if clock is not None else datetime.now(UTC))
        self.dialog = Dialog(script, variables, now=self.now)
        self.webhooks = webhooks
        self._lines: list[dict[str, Any]] = []
        self._turns: list[TranscriptTurn] = []
        self.trace = Trace()
        self.last_actions: list[act.Action] = []

    @property
    def transcript(self) -> list[TranscriptTurn]:
        """The validated turns so far. They are built when first read, not as each line is
        recorded: a replay that wants only the result (`bench/dialog_throughput.py`) never
        builds one, and a turn cost as much as a tenth of an engine turn."""
        turns = self._turns
        for line in self._lines[len(turns):]:
            turns.append(TranscriptTurn(**line))
        return turns

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
        return self.feed(self.parse(line, self.tick()))

    def tick(self) -> datetime:
        """The time of the next caller turn."""
        if self.clock is not None:
            self.now = self.clock()
        else:
            self.now += _TURN
        return self.now

    def feed(self, event: CallerEvent) -> list[act.Action]:
        """One caller turn as an event (its `at` from `tick()`)."""
        if self.finished:
            return []
        if isinstance(event, ev.UserSaid):
            self._line("caller", event.text, self.dialog.state.step)
            # Rasa or an LLM, when the step asks for them: the same step as on a live call.
            reading = consult_sync(
                self.dialog.understanding_request(event.text, event.at), outbound=self.outbound
            )
            if reading is not None:
                event = event.model_copy(update={"nlu": reading})
        elif isinstance(event, ev.Dtmf):
            self._line("caller", f"[dtmf {event.digits}]", self.dialog.state.step)
        elif isinstance(event, ev.NoInput):
            self._line("caller", "[silence]", self.dialog.state.step)
        else:
            self._line("event", "caller hung up", self.dialog.state.step, "hangup")
        return self._run(self.dialog.handle(event))

    def hangup(self) -> list[act.Action]:
        """Input ran out: the caller is gone."""
        if self.finished:
            return []
        self._line("event", "caller hung up", self.dialog.state.step, "hangup")
        return self._run(self.dialog.handle(ev.HungUp(cause="caller", at=self.now)))

    @staticmethod
    def parse(line: str, at: datetime) -> CallerEvent:
        stripped = line.strip()
        if stripped == "/silence":
            return ev.NoInput(at=at)
        if stripped == "/hangup":
            return ev.HungUp(cause="caller", at=at)
        if stripped.startswith("/dtmf"):
            digits = stripped[len("/dtmf"):].strip().replace(" ", "")
            if not digits or any(ch not in "0123456789*#ABCD" for ch in digits):
                raise BadCommand(f"/dtmf needs keys 0-9, *, #: {line!r}")
            return ev.Dtmf(digits=digits, at=at)
        if stripped.startswith("/") and not stripped.startswith("//"):
            raise BadCommand(f"unknown command {stripped.split()[0]!r}")
        return ev.UserSaid(text=line, at=at)

    def _run(self, actions: list[act.Action]) -> list[act.Action]:
        """Record actions; answer webhooks at once and keep going until the dialog waits."""
        done: list[act.Action] = []
        queue = list(actions)
        while queue:
            action = queue.pop(0)
            done.append(action)
            if isinstance(action, act.Say):
                self._line("bot", action.text, action.step)
            elif isinstance(action, act.Understood) and action.layer is not None:
                self._understood(action)
            elif isinstance(action, act.Transition):
                if action.from_step is not None:
                    self.trace.branches.add((action.from_step, action.branch))
                if action.to_step is not None:
                    self.trace.steps.add(action.to_step)
            elif isinstance(action, act.Transfer):
                self._line("event", f"transfer to {action.target}", self.dialog.state.step,
                           "transfer")
            elif isinstance(action, act.Listen) and action.expect == "menu":
                entries = ", ".join(f"{i + 1} {item.get('name', '')}".strip() for i, item
                                    in enumerate(self.dialog.state.menu_items))
                self._line("event", f"menu: {entries}", action.step, "menu")
            elif isinstance(action, act.Connect):
                queue.extend(self._connect(action))
            elif isinstance(action, act.Hangup):
                self._line("event", "robot hung up", self.dialog.state.step, "hangup")
            elif isinstance(action, act.CallWebhook):
                self._line("event", f"webhook {action.method} {action.url}", action.step,
                           "webhook")
                result = self.webhooks(action)
                self._line("event", f"webhook {result.status}", action.step, "webhook")
                queue.extend(self.dialog.handle(result.model_copy(update={"at": self.now})))
        self.last_actions = done
        return done

    def _connect(self, action: act.Connect) -> list[act.Action]:
        how = "bridge" if action.mode == "bridge" else "transfer (REFER)"
        self._line("event", f"{how} to {', '.join(action.targets)}", action.step, "connect",
                   connect=action.model_dump(exclude={"type", "request_id", "step"}))
        result = self.connects(action)
        if action.whisper and result.outcome in ("answered", "declined"):  # someone heard it
            self._line("event", f"whisper to the operator: {action.whisper}", action.step,
                       "connect")
        text = f"{result.target or 'operator'}: {result.outcome}"
        if result.sip_status is not None:
            text += f" ({result.sip_status})"
        if result.outcome == "answered" and action.mode == "bridge":
            text += f", bridged; ended by {result.ended_by or 'operator'}"
        self._line("event", text, action.step, "connect")
        return self.dialog.handle(result.model_copy(update={"at": self.now}))

    def _understood(self, action: act.Understood) -> None:
        """Record the reading on the last caller line, and on its turn if already built."""
        for index in range(len(self._lines) - 1, -1, -1):
            line = self._lines[index]
            if line["role"] == "caller":
                line.update(intent=action.intent, layer=action.layer, runner_up=action.runner_up)
                if index < len(self._turns):
                    self._turns[index].understood(action.intent, action.layer, action.runner_up)
                return

    def _line(self, role: Role, text: str, step: str | None, kind: str | None = None, *,
              connect: dict[str, Any] | None = None) -> None:
        self._lines.append({"role": role, "text": text, "step": step, "kind": kind,
                            "connect": connect})

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

"""The pure dialogue engine: events in, actions out, no I/O and no clock.

`Dialog` runs one call of one script. Every path out of the dialog (a hangup step, the
caller hanging up, exhausted retries, too many turns, a voicemail, an internal error)
goes through `_finish`, which emits exactly one `SetResult` valid against the script's
result contract. The whole state is a pydantic model, so a call can be saved after any
event, restored in another process and continued.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

import bot_engine.dialog.actions as act
import bot_engine.dialog.events as ev
import bot_engine.dialog.menu as menus
from bot_engine.dialog.connect import branch_for, connect_action, record
from bot_engine.dialog.errors import StateMismatch
from bot_engine.dialog.runtime import Runtime, runtime_for
from bot_engine.dialog.understanding import Understanding, asks_outside, request_for, understand
from bot_engine.nlu.external import ExternalRequest
from bot_engine.nlu.text import heard
from bot_engine.script.model import (
    ENTITY_EXPECTS,
    Ending,
    Expect,
    Prompt,
    RetryPolicy,
    Script,
    Step,
    Transition,
)
from bot_engine.script.template_bounds import budget
from bot_engine.script.templates import (
    TemplateProblem,
    evaluate,
    is_template,
    render,
    value_of,
)
from bot_engine.script.values import ValueProblem, coerce
from bot_engine.script.variables import checked_length

log = logging.getLogger(__name__)

MAX_STEPS_PER_EVENT = 64
"""Steps entered without waiting for the caller; more means a goto loop."""

_FORCED_ENDINGS = {"voicemail", "no_answer", "busy"}


class DialogState(BaseModel):
    """Everything needed to continue a dialog; JSON-serialisable."""

    script_id: str
    step: str | None = None
    waiting: Literal["start", "input", "webhook", "connect", "ended"] = "start"
    variables: dict[str, Any] = Field(default_factory=dict)
    slots: dict[str, Any] = Field(default_factory=dict)
    outcome: str | None = None
    no_input: int = 0
    no_match: int = 0
    turns: int = 0
    last_prompts: list[act.Say] = Field(default_factory=list)
    webhook_seq: int = 0
    webhook_id: str | None = None
    connect_id: str | None = None
    menu_items: list[dict[str, Any]] = Field(default_factory=list)
    """The entries of the menu being read (from the backend's list, bounded)."""
    transfers: list[dict[str, Any]] = Field(default_factory=list)
    now: datetime | None = None
    timezone: str | None = None
    interrupted_ms: int | None = None
    result: act.DialogResult | None = None


class _Loop(Exception):
    pass


class Dialog:
    def __init__(
        self,
        script: Script,
        variables: dict[str, Any] | None = None,
        *,
        now: datetime | None = None,
        state: DialogState | None = None,
    ) -> None:
        """`variables` must already be validated (see `validate_variables`)."""
        self.script = script
        self.runtime: Runtime = runtime_for(script)
        if state is None:
            values = dict(variables or {})
            for name, spec in script.variables.items():
                if values.get(name) is None and spec.default is not None:
                    values[name] = spec.default
            state = DialogState(
                script_id=script.id,
                variables=values,
                slots={name: None for name in self.runtime.slot_types},
                now=now,
            )
        self.state = state
        self._steps_this_event = 0
        self._now_seen: datetime | None = None
        self._now_iso: str | None = None

    @classmethod
    def restore(cls, script: Script, state: DialogState | dict[str, Any]) -> Dialog:
        if isinstance(state, dict):
            state = DialogState.model_validate(state)
        if state.script_id != script.id:
            raise StateMismatch(f"state belongs to script {state.script_id!r}, not {script.id!r}")
        return cls(script, state=state)

    # --- public API ----------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.state.waiting == "ended"

    @property
    def result(self) -> act.DialogResult | None:
        return self.state.result

    def start(self, at: datetime | None = None) -> list[act.Action]:
        if self.state.waiting != "start":
            return []
        if at is not None:
            self.state.now = at
        out: list[act.Action] = []
        return self._guard(out, lambda: self._enter(self.script.start, out))

    def handle(self, event: ev.Event) -> list[act.Action]:
        if self.finished:
            return []
        if event.at is not None:
            self.state.now = event.at
        out: list[act.Action] = []
        self._steps_this_event = 0
        return self._guard(out, lambda: self._dispatch(event, out))

    def understanding_request(
        self, text: str, at: datetime | None = None
    ) -> ExternalRequest | None:
        """What a shell should ask an outside NLU (Rasa, an LLM) before it feeds this reply
        as `UserSaid`, or None. Pure: reads the state, changes nothing. The shell awaits
        `nlu.external.consult(request)` and passes the reading as `UserSaid(nlu=...)`."""
        if self.state.waiting != "input" or self.state.step is None or not text.strip():
            return None
        step = self._current()
        if not asks_outside(self.runtime, step):
            return None
        now = at or self.state.now or datetime.now(UTC)
        question = " ".join(say.text for say in self.state.last_prompts if say.text)
        return request_for(self.runtime, step, heard(text.strip()), now, self.state.slots,
                           question, self.state.variables)

    # --- dispatch ------------------------------------------------------------------

    def _guard(self, out: list[act.Action], body: Any) -> list[act.Action]:
        """Any failure inside the engine still ends the call with a valid result.

        The templates of one event share one work budget (`template_bounds.budget`), so a
        step that loops through many templates is bounded as a whole."""
        try:
            with budget():
                body()
        except _Loop:
            self._finish("error", out, error="the script loops without waiting for the caller")
        except (TemplateProblem, ValueProblem) as exc:
            self._finish("error", out, error=f"script error in step {self.state.step}: {exc}")
        except Exception as exc:
            log.exception("dialog %s failed in step %s", self.script.id, self.state.step)
            self._finish("error", out, error=f"internal error: {type(exc).__name__}: {exc}")
        return out

    def _dispatch(self, event: ev.Event, out: list[act.Action]) -> None:
        if isinstance(event, ev.HungUp):
            ending: Ending = "error" if event.cause in ("system_failure", "error") else "hangup"
            self._finish(
                ending,
                out,
                hangup=False,
                error=f"call ended: {event.cause}" if ending == "error" else None,
            )
        elif isinstance(event, ev.NotConnected):
            ending_name = "busy" if event.reason == "busy" else "no_answer"
            self._finish("no_answer", out, hangup=False, outcome_ending=ending_name)
        elif isinstance(event, ev.MachineDetected):
            self._voicemail(out)
        elif isinstance(event, ev.Interrupted):
            self.state.interrupted_ms = event.heard_ms
        elif isinstance(event, ev.PlaybackDone):
            return
        elif isinstance(event, ev.WebhookResult):
            if self.state.waiting == "webhook" and event.request_id == self.state.webhook_id:
                # An answer from the backend is a turn too: a webhook whose branches lead
                # back to it would otherwise repeat the request for as long as the call lasts.
                self.state.turns += 1
                if self.state.turns > self.script.settings.max_turns:
                    self._finish("max_turns", out)
                    return
                self._webhook_result(event, out)
        elif isinstance(event, ev.ConnectResult):
            if self.state.waiting == "connect" and event.request_id == self.state.connect_id:
                self._connect_result(event, out)
        elif self.state.waiting == "input":
            self.state.turns += 1
            if self.state.turns > self.script.settings.max_turns:
                self._finish("max_turns", out)
                return
            if isinstance(event, ev.NoInput):
                self._no_input(out)
            elif isinstance(event, ev.Dtmf):
                self._dtmf(event, out)
            elif isinstance(event, ev.UserSaid):
                self._user_said(event, out)

    # --- steps ---------------------------------------------------------------------

    def _current(self) -> Step:
        assert self.state.step is not None
        return self.script.steps[self.state.step]

    def _enter(self, step_id: str, out: list[act.Action]) -> None:
        self._steps_this_event += 1
        if self._steps_this_event > MAX_STEPS_PER_EVENT:
            raise _Loop()
        self.state.step = step_id
        self.state.no_input = 0
        self.state.no_match = 0
        step = self.script.steps[step_id]
        self._apply_set(step.set, {})
        if step.outcome is not None:
            self.state.outcome = step.outcome
        kind = step.kind()
        if kind == "ask" and step.skip_if_filled and self._prefilled(step, out):
            return
        says: list[act.Say] = []
        if step.say is not None:
            says.append(self._say(step.say, step))
        if kind == "ask":
            assert step.ask is not None
            says.append(self._say(step.ask, step))
            self._listen(step, says, out)
        elif kind == "menu":
            self._menu(step, says, out)
        elif kind == "connect":
            out.extend(says)
            self._connect(step, out)
        elif kind == "webhook":
            out.extend(says)
            self._call_webhook(step, out)
        elif kind == "transfer":
            out.extend(says)
            assert step.transfer is not None
            self._transfer(self._render(step.transfer), out)
        elif kind == "hangup":
            out.extend(says)
            self._finish("completed", out)
        elif kind == "goto":
            out.extend(says)
            assert step.goto is not None
            self._follow(step.goto, "goto", out, {})
        else:  # prevented by validation; kept so a hand-built Script still ends cleanly
            raise TemplateProblem(f"step {step_id!r} has nothing to do")

    def _prefilled(self, step: Step, out: list[act.Action]) -> bool:
        """A slot answered earlier ("да, бюджет двести тысяч") skips its question."""
        expect = step.expect
        if expect is None or expect.save is None:
            return False
        value = self.state.slots.get(expect.save)
        if value is None:
            return False
        if expect.type == "confirm":
            if not isinstance(value, bool):
                return False
            branch = "yes" if value else "no"
        elif expect.type in ENTITY_EXPECTS or expect.type == "text":
            branch = "ok"
        else:
            return False
        if branch not in step.on:
            return False
        self._follow(step.on[branch], branch, out, {"value": value})
        return True

    def _listen(self, step: Step, says: list[act.Say], out: list[act.Action]) -> None:
        assert self.state.step is not None
        out.extend(says)
        self.state.last_prompts = says
        self.state.interrupted_ms = None
        if step.menu is not None:  # its hints are the items being read
            out.append(self._listen_action(self.state.step, step))
        else:
            listens = self.runtime.listens
            listen = listens.get(self.state.step)
            if listen is None:
                listen = listens[self.state.step] = self._listen_action(self.state.step, step)
            out.append(listen)
        self.state.waiting = "input"

    def _listen_action(self, step_id: str, step: Step) -> act.Listen:
        expect = step.expect
        settings = self.script.settings
        barge_in = step.barge_in if step.barge_in is not None else settings.barge_in
        if step.menu is not None:
            expect = Expect(type="text", hints=[str(item.get(step.menu.label, ""))
                                                for item in self.state.menu_items])
        assert expect is not None
        dtmf = None
        if step.menu is not None:
            dtmf = act.DtmfSpec(max_digits=1)
        elif expect.type == "dtmf":
            dtmf = act.DtmfSpec(max_digits=expect.max_digits, terminator=expect.terminator)
        elif any(key.isdigit() for key in step.on):
            dtmf = act.DtmfSpec(max_digits=1)
        return act.Listen(
            step=step_id,
            expect="menu" if step.menu is not None else expect.type,
            timeout_ms=step.timeout_ms or settings.no_input_timeout_ms,
            endpoint_ms=settings.endpoint_ms,
            hints=list(expect.hints) + list(expect.intents),
            grammar=expect.grammar,
            dtmf=dtmf,
            barge_in=barge_in,
        )

    def _say(self, prompt: Prompt, step: Step | None = None, prefix: str = "") -> act.Say:
        settings = self.script.settings
        barge_in = settings.barge_in
        if step is not None and step.barge_in is not None:
            barge_in = step.barge_in
        text = self._render(prompt.text) if prompt.text else ""
        if prefix:
            text = f"{prefix} {text}".strip()
        return act.Say(text=text, audio=prompt.audio, barge_in=barge_in, step=self.state.step)

    # --- caller input --------------------------------------------------------------

    def _user_said(self, event: ev.UserSaid, out: list[act.Action]) -> None:
        step = self._current()
        text = event.text.strip()
        if not text:
            self._no_input(out)
            return
        if event.confidence < self.script.settings.confidence_threshold:
            prefix = self.script.settings.low_confidence_prompt or str(
                self.runtime.wording["low_confidence"]
            )
            self._retry("no_match", out, prefix=self._render(prefix))
            return
        if step.menu is not None:
            self._menu_said(step, heard(text), out)
            return
        now = self.state.now or datetime.now(UTC)
        # The understanding reads a bounded part of the reply; the transcript keeps it all.
        result = understand(self.runtime, step, heard(text), now, self.state.slots, event.nlu,
                            self.state.variables)
        changed = self._store(step, result)
        out.append(
            act.Understood(
                step=self.state.step or "",
                intent=result.intent,
                confidence=result.confidence,
                entities=result.entities,
                slots=changed,
                layer=result.layer,
                runner_up=result.runner_up,
            )
        )
        extra = {
            "utterance": text,
            "value": result.value,
            "intent": result.intent,
            "confidence": event.confidence,
        }
        if result.handler is not None:
            self._handler(result.handler, step, out, extra)
        elif result.branch is not None and result.branch in step.on:
            self._follow(step.on[result.branch], result.branch, out, extra)
        else:
            self._retry("no_match", out)

    def _store(self, step: Step, result: Understanding) -> dict[str, Any]:
        changed: dict[str, Any] = {}
        types = self.runtime.slot_types
        expect = step.expect
        if (
            expect is not None
            and expect.save is not None
            and result.primary
            and result.value is not None
        ):
            changed[expect.save] = coerce(result.value, types.get(expect.save, ["string"]))
        changed.update(result.also)
        self.state.slots.update(changed)
        return changed

    def _dtmf(self, event: ev.Dtmf, out: list[act.Action]) -> None:
        step = self._current()
        if step.menu is not None:
            self._menu_chosen(step, menus.choose_digits(self.state.menu_items, event.digits),
                              event.digits, out)
            return
        digits = (
            event.digits.rstrip("#*") if step.expect and step.expect.terminator else (event.digits)
        )
        extra = {"digits": digits, "value": digits, "utterance": event.digits}
        expect = step.expect
        assert expect is not None
        if digits in step.on:
            self._save_digits(step, digits, out)
            self._follow(step.on[digits], digits, out, extra)
        elif expect.type == "dtmf" and "ok" in step.on and digits:
            self._save_digits(step, digits, out)
            self._follow(step.on["ok"], "ok", out, extra)
        else:
            self._retry("no_match", out)

    def _save_digits(self, step: Step, digits: str, out: list[act.Action]) -> None:
        expect = step.expect
        saves = expect is not None and expect.save is not None and expect.type == "dtmf"
        if saves:
            assert expect is not None and expect.save is not None
            types = self.runtime.slot_types.get(expect.save, ["string"])
            self.state.slots[expect.save] = coerce(digits, types)
        out.append(
            act.Understood(
                step=self.state.step or "",
                intent=None,
                confidence=1.0,
                slots={expect.save: self.state.slots[expect.save]}
                if saves and expect is not None and expect.save
                else {},
            )
        )

    def _no_input(self, out: list[act.Action]) -> None:
        self._retry("no_input", out)

    def _retry(
        self,
        kind: Literal["no_input", "no_match"],
        out: list[act.Action],
        prefix: str | None = None,
    ) -> None:
        step = self._current()
        policy: RetryPolicy = getattr(step, kind) or getattr(self.script.settings, kind)
        count = getattr(self.state, kind) + 1
        setattr(self.state, kind, count)
        if count > policy.retries:
            if kind in step.on:
                self._follow(step.on[kind], kind, out, {})
            elif policy.then:
                self._follow(policy.then, kind, out, {})
            else:
                self._finish(kind, out)
            return
        if prefix is None:
            fallback: RetryPolicy = getattr(self.script.settings, kind)
            prompts = policy.prompts or fallback.prompts or list(self.runtime.wording[kind])
            prefix = self._render(prompts[min(count - 1, len(prompts) - 1)])
        out.append(
            act.Transition(
                from_step=self.state.step, branch=f"{kind}:retry", to_step=self.state.step
            )
        )
        if step.menu is not None:  # the prefix apart, so each menu line stays cached
            barge_in = self.script.settings.barge_in if step.barge_in is None else step.barge_in
            prefix_say = act.Say(text=prefix, barge_in=barge_in, step=self.state.step)
            self._listen(step, [prefix_say, *self._menu_lines(step)], out)
            return
        question = step.reprompt or step.ask
        assert question is not None
        self._listen(step, [self._say(question, step, prefix=prefix)], out)

    # --- handlers, webhooks, transitions ------------------------------------------

    def _handler(self, name: str, step: Step, out: list[act.Action], extra: dict[str, Any]) -> None:
        if name in step.on:
            self._follow(step.on[name], name, out, extra)
            return
        handler = self.runtime.handler_specs[name]
        out.append(
            act.Transition(
                from_step=self.state.step, branch=f"handler:{name}", to_step=self.state.step
            )
        )
        self._apply_set(handler.set, extra)
        if handler.outcome is not None:
            self.state.outcome = handler.outcome
        says = [self._say(handler.say)] if handler.say is not None else []
        if handler.repeat:
            self._listen(step, says + list(self.state.last_prompts), out)
        elif handler.resume and step.menu is not None:
            self._listen(step, [*says, *self._menu_lines(step)], out)
        elif handler.resume:
            question = step.ask
            assert question is not None
            self._listen(step, [*says, self._say(question, step)], out)
        else:
            out.extend(says)
            self._continue(handler, out, extra)

    # --- menus and connects ----------------------------------------------------------

    def _menu(self, step: Step, says: list[act.Say], out: list[act.Action]) -> None:
        assert step.menu is not None
        self.state.menu_items = menus.entries(step.menu, self._context())
        if not self.state.menu_items:
            self._follow(step.on["empty"], "empty", out, {})
            return
        self._listen(step, [*says, *self._menu_lines(step)], out)

    def _menu_lines(self, step: Step) -> list[act.Say]:
        assert step.menu is not None
        lines = menus.lines(step.menu, self.state.menu_items, self._context(), self.runtime.lang)
        barge_in = self.script.settings.barge_in if step.barge_in is None else step.barge_in
        return [act.Say(text=line, barge_in=barge_in, step=self.state.step, keep=True)
                for line in lines]

    def _menu_said(self, step: Step, text: str, out: list[act.Action]) -> None:
        assert step.menu is not None
        handler = self.runtime.handlers.match(text)
        if handler.intent is not None:
            self._handler(handler.intent, step, out, {"utterance": text,
                                                      "intent": handler.intent})
            return
        if "repeat" in self.runtime.handler_specs and menus.asks_list_again(text):
            self._handler("repeat", step, out, {"utterance": text, "intent": "repeat"})
            return
        index = menus.choose_words(self.state.menu_items, step.menu.label, text)
        self._menu_chosen(step, index, text, out)

    def _menu_chosen(self, step: Step, index: int | None, heard: str,
                     out: list[act.Action]) -> None:
        menu = step.menu
        assert menu is not None
        if index is None:
            self._retry("no_match", out)
            return
        item = self.state.menu_items[index]
        changed = {}
        if menu.save is not None:
            self.state.slots[menu.save] = changed[menu.save] = coerce(
                item, self.runtime.slot_types.get(menu.save, ["json"]))
        out.append(act.Understood(step=self.state.step or "", intent=None, confidence=1.0,
                                  slots=changed))
        extra = {"utterance": heard, "value": item.get(menu.label), "item": item,
                 "number": str(index + 1)}
        branch = str(index + 1) if str(index + 1) in step.on else "ok"
        self._follow(step.on[branch], branch, out, extra)

    def _connect(self, step: Step, out: list[act.Action]) -> None:
        assert self.state.step is not None
        self.state.webhook_seq += 1
        request_id = f"{self.state.step}-{self.state.webhook_seq}"
        action = connect_action(step, self.state.step, request_id, self._context(),
                                self.runtime.lang)
        if not action.targets:  # nobody to call (an empty variable): the fallback at once
            self._connect_result(ev.ConnectResult(request_id=request_id, outcome="failed",
                                                  error="no target"), out)
            return
        self.state.connect_id = request_id
        self.state.waiting = "connect"
        out.append(action)

    def _connect_result(self, event: ev.ConnectResult, out: list[act.Action]) -> None:
        step = self._current()
        assert step.connect is not None
        self.state.connect_id = None
        self.state.waiting = "start"
        self.state.transfers.append(record(event, self.state.step, step.connect.mode))
        branch = branch_for(step, event)
        extra = {"transfer": self.state.transfers[-1]}
        if event.caller_gone or (event.outcome == "answered" and step.connect.mode == "refer"):
            # the caller is with the operator now (or gone): keep the branch's outcome and
            # fields, and end; nothing more can be said to the caller
            out.append(act.Transition(from_step=self.state.step, branch=branch, to_step=None))
            self._effects(step.on[branch], extra)
            self._finish("transfer", out, hangup=False)
            return
        self._follow(step.on[branch], branch, out, extra)

    def _effects(self, transitions: list[Transition], extra: dict[str, Any]) -> None:
        context = self._context(extra)
        for tr in transitions:
            if tr.when is None or _truthy(tr.when, context):
                self._apply_set(tr.set, extra)
                if tr.outcome is not None:
                    self.state.outcome = tr.outcome
                return

    def _call_webhook(self, step: Step, out: list[act.Action]) -> None:
        hook = step.webhook
        assert hook is not None and self.state.step is not None
        if self.state.turns >= self.script.settings.max_turns:
            self._finish("max_turns", out)  # its answer would be one turn too many
            return
        context = self._context()
        self.state.webhook_seq += 1
        request_id = f"{self.state.step}-{self.state.webhook_seq}"
        self.state.webhook_id = request_id
        self.state.waiting = "webhook"
        out.append(
            act.CallWebhook(
                request_id=request_id,
                step=self.state.step,
                method=hook.method,
                url=render(hook.url, context),
                headers={k: render(v, context) for k, v in hook.headers.items()},
                body=_render_json(hook.body, context),
                timeout_s=hook.timeout,
            )
        )

    def _webhook_result(self, event: ev.WebhookResult, out: list[act.Action]) -> None:
        step = self._current()
        self.state.webhook_id = None
        self.state.waiting = "start"
        branch = event.status
        if branch == "timeout" and "timeout" not in step.on:
            branch = "error"
        extra = {"response": event.data if branch == "success" else None}
        try:
            self._follow(step.on[branch], branch, out, extra)
        except (TemplateProblem, ValueProblem):
            if branch == "success":  # a response of an unexpected shape is an error
                self._follow(step.on["error"], "error", out, {"response": None})
            else:
                raise

    def _follow(
        self,
        transitions: list[Transition],
        branch: str,
        out: list[act.Action],
        extra: dict[str, Any],
    ) -> None:
        context: dict[str, Any] | None = None  # built for a condition only: most have none
        for tr in transitions:
            if tr.when is not None:
                context = self._context(extra) if context is None else context
                if not _truthy(tr.when, context):
                    continue
            self._apply_transition(tr, branch, out, extra)
            return
        raise TemplateProblem(
            f"no condition of branch {branch!r} in step {self.state.step!r} was true"
        )

    def _apply_transition(
        self, tr: Transition, branch: str, out: list[act.Action], extra: dict[str, Any]
    ) -> None:
        out.append(act.Transition(from_step=self.state.step, branch=branch, to_step=tr.goto))
        self._apply_set(tr.set, extra)
        if tr.outcome is not None:
            self.state.outcome = tr.outcome
        if tr.say is not None:
            out.append(self._say(tr.say))
        self._continue(tr, out, extra)

    def _continue(self, tr: Transition, out: list[act.Action], extra: dict[str, Any]) -> None:
        if tr.goto is not None:
            self.state.waiting = "start"
            self._enter(tr.goto, out)
        elif tr.transfer is not None:
            self._transfer(self._render(tr.transfer, extra), out)
        elif tr.hangup:
            self._finish("completed", out)
        else:
            raise TemplateProblem("a transition without goto, transfer or hangup")

    def _transfer(self, target: str, out: list[act.Action]) -> None:
        self._finish("transfer", out, hangup=False)
        out.append(act.Transfer(target=target))

    def _voicemail(self, out: list[act.Action]) -> None:
        self.state.outcome = None
        if self.script.voicemail:
            context = self._context()
            for tr in self.script.voicemail:
                if tr.when is None or _truthy(tr.when, context):
                    if tr.say is not None:
                        out.append(self._say(tr.say))
                    self._apply_set(tr.set, {})
                    if tr.goto is not None:
                        self.state.waiting = "start"
                        self._enter(tr.goto, out)
                        if not self.finished:
                            return
                    break
        if not self.finished:
            self._finish("voicemail", out)

    def _apply_set(self, values: dict[str, Any], extra: dict[str, Any]) -> None:
        if not values:
            return
        context = self._context(extra)
        types = self.runtime.slot_types
        for key, source in values.items():
            value = _render_json(source, context)
            if key in types:
                self.state.slots[key] = coerce(value, types[key])
            else:
                spec = self.script.variables[key]
                self.state.variables[key] = checked_length(spec, coerce(value, spec.type))
            context[key] = value

    def _now_text(self) -> str | None:
        """The call's time in the script's zone, as templates see it (kept per instant:
        every render of a turn asks for it)."""
        now = self.state.now
        if now is None:
            return None
        if self._now_seen is not now:
            self._now_seen, self._now_iso = now, now.astimezone(self.runtime.timezone).isoformat()
        return self._now_iso

    def _render(self, source: str, extra: dict[str, Any] | None = None) -> str:
        """A text template rendered; plain text (most prompts) needs no context built."""
        return render(source, self._context(extra)) if is_template(source) else source

    def _context(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        context: dict[str, Any] = {
            "utterance": None,
            "value": None,
            "intent": None,
            "response": None,
            "confidence": None,
            "digits": None,
        }
        context["transfer"] = self.state.transfers[-1] if self.state.transfers else None
        context.update(self.state.variables)
        context.update(self.state.slots)
        context["now"] = self._now_text()
        context["step"] = self.state.step
        if extra:
            context.update(extra)
        return context

    # --- the one way out ------------------------------------------------------------

    def _finish(
        self,
        ending: Ending,
        out: list[act.Action],
        *,
        hangup: bool = True,
        error: str | None = None,
        outcome_ending: str | None = None,
    ) -> None:
        if self.finished:
            return
        contract = self.script.result
        ending_name = outcome_ending or ending
        if ending_name in _FORCED_ENDINGS:
            outcome = contract.endings.outcome_for(ending_name)
        elif self.state.outcome is not None:
            outcome = self.state.outcome
        elif ending == "completed":
            outcome = contract.endings.error
            error = error or "the dialog ended without deciding an outcome"
        elif ending == "transfer":
            outcome = contract.endings.outcome_for("error")
        else:
            outcome = contract.endings.outcome_for(ending_name)
        fields: dict[str, Any] = {}
        for name, spec in contract.fields.items():
            try:
                fields[name] = coerce(self.state.slots.get(name), spec.types())
            except ValueProblem:
                fields[name] = None
        result = act.DialogResult(
            outcome=outcome,
            fields=fields,
            ending=ending,
            step=self.state.step,
            slots=dict(self.state.slots),
            error=error,
            transfers=list(self.state.transfers),
        )
        self.state.result = result
        self.state.outcome = outcome
        self.state.waiting = "ended"
        out.append(act.SetResult(result=result))
        if hangup:
            out.append(act.Hangup(reason=ending))


def _truthy(expression: str, context: dict[str, Any]) -> bool:
    """Conditions over unknown values are false rather than fatal: an empty slot is a
    normal state of a call, not a script error."""
    try:
        return bool(evaluate(expression, context))
    except TemplateProblem:
        return False


def _render_json(value: Any, context: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value_of(value, context)
    if isinstance(value, dict):
        return {k: _render_json(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [_render_json(v, context) for v in value]
    return value

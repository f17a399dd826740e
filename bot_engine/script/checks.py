"""Checks that need the whole script: references, branches, templates and reachability.

Each problem carries the path of the offending node; the loader turns paths into line and
column in the uploaded text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot_engine.nlu.builtin import TRUSTED_PATTERNS
from bot_engine.script.limits import DEFAULT_LIMITS, ScriptLimits
from bot_engine.script.model import (
    ENTITY_EXPECTS,
    HANDLER_NAMES,
    Handler,
    Prompt,
    RetryPolicy,
    Script,
    Step,
    Transition,
)
from bot_engine.script.templates import (
    BUILTIN_NAMES,
    TemplateProblem,
    expression_names,
    undeclared_names,
)
from bot_engine.script.values import ValueProblem, coerce
from bot_engine.tenant_regex import PatternError, compile_pattern

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    severity: Literal["error", "warning"] = "error"
    limit: str | None = None


BRANCHES_ALWAYS = ("no_input", "no_match")
WEBHOOK_BRANCHES = ("success", "error", "timeout")
CONNECT_BRANCHES = ("answered", "busy", "no_answer", "declined", "failed")
MENU_ITEM_NAMES = frozenset({"item", "number", "number_word"})  # as dialog.menu.ITEM_NAMES


def check_script(script: Script, limits: ScriptLimits = DEFAULT_LIMITS) -> list[Problem]:
    return list(_Checker(script, limits).run())


class _Checker:
    def __init__(self, script: Script, limits: ScriptLimits = DEFAULT_LIMITS) -> None:
        self.script = script
        self.limits = limits
        self.names = (
            set(script.variables) | set(script.slot_types()) | set(BUILTIN_NAMES)
        )
        self.slots = set(script.slot_types())
        if any(step.menu is not None for step in script.steps.values()):
            self.names |= MENU_ITEM_NAMES  # a chosen entry, in the menu's branches
        self.outcomes = set(script.result.outcomes)

    def run(self) -> Iterator[Problem]:
        script = self.script
        if script.start not in script.steps:
            yield Problem(("start",), f"start step {script.start!r} is not defined in steps")
        if len(set(script.result.outcomes)) != len(script.result.outcomes):
            yield Problem(("result", "outcomes"), "outcomes must be unique")
        for ending, outcome in script.result.endings.model_dump(exclude_none=True).items():
            if outcome not in self.outcomes:
                yield self._unknown_outcome(("result", "endings", ending), outcome)
        overlap = set(script.variables) & set(script.slot_types())
        for name in sorted(overlap):
            yield Problem(("variables", name), f"{name!r} is both a variable and a slot")
        yield from self._variables()
        if script.settings.timezone:
            try:
                ZoneInfo(script.settings.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                yield Problem(
                    ("settings", "timezone"),
                    f"unknown time zone {script.settings.timezone!r} (expected an IANA name "
                    "such as Europe/Moscow)",
                )
        yield from self._examples()
        for name, intent in script.intents.items():
            for i, pattern in enumerate(intent.patterns):
                yield from self._regex(("intents", name, "patterns", i), pattern)
        yield from self._policy(("settings", "no_input"), script.settings.no_input)
        yield from self._policy(("settings", "no_match"), script.settings.no_match)
        if script.settings.low_confidence_prompt:
            yield from self._template(
                ("settings", "low_confidence_prompt"), script.settings.low_confidence_prompt
            )
        for name in HANDLER_NAMES:
            handler = getattr(script.handlers, name)
            if handler is not None:
                yield from self._handler(("handlers", name), handler)
        if script.voicemail is not None:
            yield from self._transitions(("voicemail",), script.voicemail)
        for step_id, step in script.steps.items():
            yield from self._step(("steps", step_id), step)
        yield from self._reachability()
        yield from self._webhook_cycles()

    # --- pieces ----------------------------------------------------------------------

    def _variables(self) -> Iterator[Problem]:
        for name, spec in self.script.variables.items():
            if spec.default is not None:
                try:
                    coerce(spec.default, spec.type)
                except ValueProblem as exc:
                    yield Problem(("variables", name, "default"), f"bad default: {exc}")
            if spec.required and spec.default is not None:
                yield Problem(
                    ("variables", name),
                    "a required variable has no use for a default",
                    "warning",
                )

    def _examples(self) -> Iterator[Problem]:
        handlers = [getattr(self.script.handlers, name) for name in HANDLER_NAMES]
        count = sum(len(i.examples) + len(i.patterns) for i in self.script.intents.values())
        count += sum(len(h.examples) + len(h.patterns) for h in handlers if h is not None)
        if count > self.limits.max_examples:
            yield Problem(
                ("intents",),
                f"{count} intent and handler examples and patterns; at most "
                f"{self.limits.max_examples} are allowed (max_examples)",
                limit="max_examples",
            )

    def _unknown_outcome(self, path: Path, outcome: str) -> Problem:
        return Problem(
            path,
            f"unknown outcome {outcome!r}; expected one of result.outcomes: "
            + ", ".join(self.script.result.outcomes),
        )

    def _regex(self, path: Path, pattern: str) -> Iterator[Problem]:
        """Patterns run on a linear-time engine (`tenant_regex`): here they must compile,
        use nothing that engine lacks (backreferences, lookaround) and stay short."""
        if len(pattern) > self.limits.max_pattern_length:
            yield Problem(
                path,
                f"regular expression of {len(pattern)} characters; at most "
                f"{self.limits.max_pattern_length} are allowed (max_pattern_length)",
                limit="max_pattern_length",
            )
            return
        if pattern in TRUSTED_PATTERNS:
            return  # a built-in pattern, run as plain `re`
        try:
            compile_pattern(pattern, ignore_case=True)
        except PatternError as exc:
            yield Problem(path, f"regular expression {pattern!r}: {exc}")

    def _template(self, path: Path, source: str,
                  extra: frozenset[str] = frozenset()) -> Iterator[Problem]:
        try:
            missing = undeclared_names(source) - self.names - extra
        except TemplateProblem as exc:
            yield Problem(path, f"bad template: {exc}")
            return
        for name in sorted(missing):
            yield Problem(
                path,
                f"template uses undeclared variable {name!r}; declare it under variables "
                "or slots",
            )

    def _condition(self, path: Path, expression: str) -> Iterator[Problem]:
        try:
            missing = expression_names(expression) - self.names
        except TemplateProblem as exc:
            yield Problem(path, str(exc))
            return
        for name in sorted(missing):
            yield Problem(path, f"condition uses undeclared variable {name!r}")

    def _prompt(self, path: Path, prompt: Prompt | None) -> Iterator[Problem]:
        if prompt is not None and prompt.text:
            yield from self._template((*path, "text") if prompt.audio else path, prompt.text)

    def _set(self, path: Path, values: dict[str, Any]) -> Iterator[Problem]:
        for key, value in values.items():
            if key not in self.slots and key not in self.script.variables:
                yield Problem(
                    (*path, key),
                    f"cannot set {key!r}: not a slot, result field or variable",
                )
            for source in _strings(value):
                yield from self._template((*path, key), source)

    def _target(self, path: Path, goto: str | None) -> Iterator[Problem]:
        if goto is not None and goto not in self.script.steps:
            yield Problem(
                path, f"goto to missing step {goto!r}; expected one of: "
                + ", ".join(self.script.steps),
            )

    def _transition(
        self, path: Path, tr: Transition, *, in_handler: bool = False
    ) -> Iterator[Problem]:
        if tr.when is not None:
            yield from self._condition((*path, "if"), tr.when)
        yield from self._prompt((*path, "say"), tr.say)
        yield from self._set((*path, "set"), tr.set)
        if tr.outcome is not None and tr.outcome not in self.outcomes:
            yield self._unknown_outcome((*path, "outcome"), tr.outcome)
        yield from self._target((*path, "goto"), tr.goto)
        if tr.transfer is not None:
            yield from self._template((*path, "transfer"), tr.transfer)
        count = tr.continuations()
        if count > 1:
            yield Problem(
                path, "choose one of goto, resume, repeat, transfer or hangup, not several"
            )
        if count == 0 and not in_handler:
            yield Problem(path, "expected where to go: goto, transfer or hangup")
        if (tr.resume or tr.repeat) and not in_handler:
            yield Problem(path, "resume and repeat are only for global handlers")

    def _transitions(
        self, path: Path, transitions: list[Transition], *, in_handler: bool = False
    ) -> Iterator[Problem]:
        for i, tr in enumerate(transitions):
            yield from self._transition((*path, i), tr, in_handler=in_handler)
        if transitions and transitions[-1].when is not None:
            yield Problem(
                path,
                "the last transition has a condition; add one without `if` so a branch "
                "is always taken",
                "warning",
            )

    def _policy(self, path: Path, policy: RetryPolicy | None) -> Iterator[Problem]:
        if policy is None:
            return
        for i, prompt in enumerate(policy.prompts):
            yield from self._template((*path, "prompts", i), prompt)
        if policy.then is not None:
            yield from self._transitions((*path, "then"), policy.then)

    def _handler(self, path: Path, handler: Handler) -> Iterator[Problem]:
        yield from self._transition(path, handler, in_handler=True)
        for i, pattern in enumerate(handler.patterns):
            yield from self._regex((*path, "patterns", i), pattern)

    def _step(self, path: Path, step: Step) -> Iterator[Problem]:
        yield from self._set((*path, "set"), step.set)
        if step.outcome is not None and step.outcome not in self.outcomes:
            yield self._unknown_outcome((*path, "outcome"), step.outcome)
        for key in ("say", "ask", "reprompt"):
            yield from self._prompt((*path, key), getattr(step, key))
        yield from self._policy((*path, "no_input"), step.no_input)
        yield from self._policy((*path, "no_match"), step.no_match)
        kinds = [
            name
            for name, present in (
                ("expect", step.expect is not None),
                ("webhook", step.webhook is not None),
                ("transfer", step.transfer is not None),
                ("connect", step.connect is not None),
                ("menu", step.menu is not None),
                ("hangup", step.hangup),
                ("goto", step.goto is not None),
            )
            if present
        ]
        if len(kinds) > 1:
            yield Problem(path, "a step does one of expect, menu, webhook, transfer, "
                          "connect, hangup or goto; this one has " + ", ".join(kinds))
        if not kinds:
            yield Problem(path, "expected one of: expect (with ask), menu, webhook, transfer, "
                          "connect, hangup or goto")
        if step.expect is not None and step.ask is None:
            yield Problem((*path, "expect"), "a step with expect needs `ask` (the question)")
        if step.ask is not None and step.expect is None:
            yield Problem((*path, "ask"), "`ask` needs `expect` (what the answer is)")
        if step.goto is not None:
            yield from self._transitions((*path, "goto"), step.goto)
        if step.transfer is not None:
            yield from self._template((*path, "transfer"), step.transfer)
        yield from self._connect(path, step)
        yield from self._menu(path, step)
        if step.webhook is not None:
            hook = step.webhook
            yield from self._template((*path, "webhook", "url"), hook.url)
            for key, value in hook.headers.items():
                yield from self._template((*path, "webhook", "headers", key), value)
            for source in _strings(hook.body):
                yield from self._template((*path, "webhook", "body"), source)
        allowed = self._branches(step)
        for key, transitions in step.on.items():
            if key not in allowed:
                yield Problem(
                    (*path, "on", key),
                    f"unknown branch {key!r}; expected one of: " + ", ".join(sorted(allowed))
                    if allowed else f"unknown branch {key!r}: this step has no branches",
                )
            yield from self._transitions((*path, "on", key), transitions)
        yield from self._required_branches(path, step)
        if step.expect is not None:
            expect = step.expect
            if expect.save is not None and expect.save not in self.slots:
                yield Problem(
                    (*path, "expect", "save"),
                    f"unknown slot {expect.save!r}; declare it under result.fields or slots",
                )
            for slot in expect.also:
                if slot not in self.slots:
                    yield Problem((*path, "expect", "also", slot), f"unknown slot {slot!r}")
            for i, intent in enumerate(expect.intents):
                if intent not in self.script.intents:
                    yield Problem(
                        (*path, "expect", "intents", i),
                        f"unknown intent {intent!r}; define it under intents",
                    )
            if expect.type == "intent" and not expect.intents:
                yield Problem((*path, "expect"), "expect: intent needs a list of `intents`")
            if expect.accept_text and expect.type not in ENTITY_EXPECTS:
                yield Problem((*path, "expect", "accept_text"),
                              "accept_text only applies to entity types")
            if step.consent and expect.type not in ("confirm", "intent"):
                yield Problem((*path, "consent"),
                              "consent steps expect confirm or intent", "warning")

    def _connect(self, path: Path, step: Step) -> Iterator[Problem]:
        spec = step.connect
        if spec is None:
            return
        targets = spec.to if isinstance(spec.to, list) else [spec.to]
        if not targets:
            yield Problem((*path, "connect", "to"), "connect needs at least one target")
        for i, target in enumerate(targets):
            where = (*path, "connect", "to", i) if isinstance(spec.to, list) else (
                *path, "connect", "to")
            yield from self._template(where, target)
        if spec.whisper is not None and spec.whisper.text:
            yield from self._template((*path, "connect", "whisper"), spec.whisper.text)
        if spec.mode == "refer" and (spec.whisper is not None or spec.accept is not None):
            yield Problem((*path, "connect"), "whisper and accept need mode: bridge (a REFER "
                          "hands the caller over before anyone could be asked)")

    def _menu(self, path: Path, step: Step) -> Iterator[Problem]:
        menu = step.menu
        if menu is None:
            return
        if menu.items is not None:
            yield from self._condition((*path, "menu", "items"), menu.items)
        for key in ("first", "each"):
            source = getattr(menu, key)
            if source is not None:
                yield from self._template((*path, "menu", key), source, MENU_ITEM_NAMES)
        if menu.save is not None:
            types = self.script.slot_types().get(menu.save)
            if types is None:
                yield Problem((*path, "menu", "save"),
                              f"unknown slot {menu.save!r}; declare it under slots")
            elif "json" not in types:
                yield Problem((*path, "menu", "save"),
                              f"slot {menu.save!r} receives a menu entry: give it type json")
        if not menu.default and "empty" not in step.on:
            yield Problem((*path, "menu"), "a menu needs a `default` list or on.empty (what "
                          "to do when the backend gives no entries)")
        if menu.items is None and not menu.default:
            yield Problem((*path, "menu"), "a menu needs `items`, `default` or both")

    def _branches(self, step: Step) -> set[str]:
        if step.webhook is not None:
            return set(WEBHOOK_BRANCHES)
        if step.connect is not None:
            return set(CONNECT_BRANCHES)
        if step.menu is not None:
            digits = {key for key in step.on if re.fullmatch(r"[1-9]", key)}
            return {"ok", "empty", *BRANCHES_ALWAYS, *HANDLER_NAMES, *digits}
        if step.expect is None:
            return set()
        expect = step.expect
        allowed = set(BRANCHES_ALWAYS) | set(expect.intents) | set(HANDLER_NAMES)
        # keypad branches ("say yes or press 1") are allowed on every kind of question
        allowed |= {key for key in step.on if re.fullmatch(r"[0-9*#]+", key)}
        if expect.type == "confirm":
            allowed |= {"yes", "no"}
        elif expect.type != "intent":
            allowed.add("ok")
        return allowed

    def _required_branches(self, path: Path, step: Step) -> Iterator[Problem]:
        if step.webhook is not None:
            for key in ("success", "error"):
                if key not in step.on:
                    yield Problem(
                        (*path, "on"),
                        f"a webhook step needs on.{key}"
                        + (" (the fallback when the backend fails)" if key == "error" else ""),
                    )
            return
        if step.connect is not None:
            for key in ("answered", "failed"):
                if key not in step.on:
                    yield Problem((*path, "on"), f"a connect step needs on.{key}"
                                  + (" (the fallback when nobody takes the call)"
                                     if key == "failed" else ""))
            return
        if step.menu is not None:
            if "ok" not in step.on:
                yield Problem((*path, "on"), "missing branch on.ok (an entry was chosen)")
            return
        if step.expect is None:
            return
        expect = step.expect
        needed = list(expect.intents)
        if expect.type == "confirm":
            needed += ["yes", "no"]
        elif expect.type == "dtmf":
            if not any(re.fullmatch(r"[0-9*#]+", key) for key in step.on):
                needed.append("ok")
        elif expect.type != "intent":
            needed.append("ok")
        for key in needed:
            if key not in step.on:
                yield Problem((*path, "on"), f"missing branch on.{key}")

    def _reachability(self) -> Iterator[Problem]:
        script = self.script
        edges: dict[str, set[str]] = {}
        extra: set[str] = set()
        for step_id, step in script.steps.items():
            targets = set()
            for tr in _step_transitions(step):
                if tr.goto:
                    targets.add(tr.goto)
            edges[step_id] = targets
        for transitions in _global_transitions(script):
            for tr in transitions:
                if tr.goto:
                    extra.add(tr.goto)
        seen: set[str] = set()
        stack = [script.start, *extra]
        while stack:
            current = stack.pop()
            if current in seen or current not in edges:
                continue
            seen.add(current)
            stack.extend(edges[current])
        for step_id in script.steps:
            if step_id not in seen:
                yield Problem(("steps", step_id), f"step {step_id!r} is unreachable",
                              "warning")


    def _webhook_cycles(self) -> Iterator[Problem]:
        """A webhook whose branches lead back to it without a question on the way repeats
        the request as fast as the backend answers; each answer counts as a turn
        (`settings.max_turns`), which is what ends such a call."""
        steps = self.script.steps
        edges = {
            step_id: {tr.goto for tr in _step_transitions(step) if tr.goto in steps}
            for step_id, step in steps.items()
            if step.kind() != "ask"
        }
        for step_id, step in steps.items():
            if step.webhook is None:
                continue
            seen: set[str] = set()
            stack = list(edges.get(step_id, ()))
            while stack:
                current = stack.pop()
                if current == step_id:
                    yield Problem(
                        ("steps", step_id, "webhook"),
                        f"the webhook step {step_id!r} can lead back to itself without asking "
                        "the caller anything; each repeat counts as a turn and the call ends "
                        "after settings.max_turns",
                        "warning",
                    )
                    break
                if current in seen or current not in edges:
                    continue
                seen.add(current)
                stack.extend(edges[current])


def _step_transitions(step: Step) -> Iterator[Transition]:
    for transitions in step.on.values():
        yield from transitions
    if step.goto:
        yield from step.goto
    for policy in (step.no_input, step.no_match):
        if policy is not None and policy.then:
            yield from policy.then


def _global_transitions(script: Script) -> Iterator[list[Transition]]:
    for name in HANDLER_NAMES:
        handler = getattr(script.handlers, name)
        if handler is not None:
            yield [handler]
    if script.voicemail:
        yield script.voicemail
    for policy in (script.settings.no_input, script.settings.no_match):
        if policy.then:
            yield policy.then


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like value (webhook bodies and `set` values)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)

"""Which prompts of a script can be rendered before the call needs them.

A prompt is rendered ahead of time (at upload for static text, while the phone rings for
text that only needs the call's variables) so that `Say` starts from the TTS cache. The
listing mirrors how the Dialog builds its `Say` texts (a retry is "PREFIX QUESTION"), so
the texts found here are byte-for-byte the ones the call will ask the cache for. Prompts
that read slots (values the caller has not given yet) cannot be known and are skipped;
they stream from the engine when they come.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot_engine.dialog.runtime import runtime_for
from bot_engine.script.model import Prompt, RetryPolicy, Script, Step, Transition
from bot_engine.script.template_bounds import budget
from bot_engine.script.templates import BUILTIN_NAMES, TemplateProblem, render, undeclared_names


def _transitions(step: Step) -> Iterator[Transition]:
    for branch in step.on.values():
        yield from branch
    if step.goto:
        yield from step.goto
    for policy in (step.no_input, step.no_match):
        if policy is not None and policy.then:
            yield from policy.then


def _retry_prefixes(script: Script, policy: RetryPolicy | None, kind: str) -> list[str]:
    chosen = policy or getattr(script.settings, kind)
    if chosen.prompts:
        return list(chosen.prompts)
    wording = runtime_for(script).wording[kind]
    return [wording] if isinstance(wording, str) else list(wording)


def _templates(script: Script) -> Iterator[str]:
    """Every prompt text the Dialog can produce, as templates."""
    runtime = runtime_for(script)
    low_confidence = script.settings.low_confidence_prompt or runtime.wording["low_confidence"]
    for step in script.steps.values():
        prompts: list[Prompt | None] = [step.say, step.ask, step.reprompt]
        prompts += [tr.say for tr in _transitions(step)]
        for prompt in prompts:
            if prompt is not None and prompt.text:
                yield prompt.text
        question = step.reprompt or step.ask
        if question is not None and question.text:
            prefixes = _retry_prefixes(script, step.no_input, "no_input")
            prefixes += _retry_prefixes(script, step.no_match, "no_match")
            if isinstance(low_confidence, str):
                prefixes.append(low_confidence)
            for prefix in prefixes:
                yield f"{prefix} {question.text}"
    for handler in (
        script.handlers.operator,
        script.handlers.repeat,
        script.handlers.opt_out,
        script.handlers.who_is_this,
    ):
        if handler is not None and handler.say is not None and handler.say.text:
            yield handler.say.text
    for tr in script.voicemail or []:
        if tr.say is not None and tr.say.text:
            yield tr.say.text


def _menu_lines(script: Script, context: dict[str, Any], known: set[str]) -> Iterator[str]:
    """The lines of each menu's default entries: they recur in every call that gets the
    default menu, so they are rendered with the other static prompts."""
    from bot_engine.dialog import menu as menus

    lang = runtime_for(script).lang
    for step in script.steps.values():
        menu = step.menu
        if menu is None or not menu.default:
            continue
        templates = [t for t in (menu.first, menu.each) if t]
        if not all(_resolvable(t, known | menus.ITEM_NAMES) for t in templates):
            continue
        items = [item.model_dump() for item in menu.default][: menu.max_items]
        try:
            yield from menus.lines(menu, items, context, lang)
        except TemplateProblem:
            continue


def _resolvable(template: str, known: set[str]) -> bool:
    try:
        return undeclared_names(template) <= known
    except TemplateProblem:
        return False


def _rendered(script: Script, context: dict[str, Any], known: set[str]) -> list[str]:
    with budget():  # one work budget for the whole list, like one dialog event
        return _render_all(script, context, known)


def _render_all(script: Script, context: dict[str, Any], known: set[str]) -> list[str]:
    texts: list[str] = []
    for template in _templates(script):
        if not _resolvable(template, known):
            continue
        try:
            text = render(template, context).strip()
        except TemplateProblem:
            continue
        if text and any(ch.isalnum() for ch in text) and text not in texts:
            texts.append(text)
    for line in _menu_lines(script, context, known):
        if line not in texts:
            texts.append(line)
    return texts


def script_prompts(script: Script) -> list[str]:
    """Prompts with no template variables at all: render them when the script is uploaded."""
    return _rendered(script, {}, set())


def call_prompts(script: Script, variables: dict[str, Any]) -> list[str]:
    """Prompts fully determined by the call's variables (and variable defaults): render
    them while the phone rings. Prompts reading slots or built-ins are left out."""
    values = {name: spec.default for name, spec in script.variables.items()}
    values.update({k: v for k, v in variables.items() if v is not None})
    known = {name for name, value in values.items() if value is not None}
    known -= BUILTIN_NAMES
    return _rendered(script, values, known)

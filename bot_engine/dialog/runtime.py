"""What a script compiles to once: intent matchers, handler matchers and default wording.

Compiling per script rather than per call keeps call creation cheap and the per-turn path
free of regex and lemma work that does not depend on the caller's words. The compiled form
is kept here, per script object, for as long as the script lives (the script model itself
knows nothing of it).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot_engine import nlu
from bot_engine.dialog.actions import Listen
from bot_engine.script.model import HANDLER_NAMES, Handler, Script

DEFAULT_TIMEZONE = {"ru": "Europe/Moscow", "en": "UTC"}

DEFAULT_WORDING: dict[str, dict[str, list[str] | str]] = {
    "ru": {
        "no_input": ["Извините, я вас не слышу.", "Алло, вы меня слышите?"],
        "no_match": ["Извините, я не поняла.", "Простите, не совсем поняла вас."],
        "low_confidence": "Извините, я не расслышала.",
    },
    "en": {
        "no_input": ["Sorry, I didn't hear you.", "Hello, can you hear me?"],
        "no_match": ["Sorry, I didn't understand.", "Sorry, I didn't quite get that."],
        "low_confidence": "Sorry, I didn't catch that.",
    },
}


@dataclass
class Runtime:
    script_ref: weakref.ref[Script]
    lang: str
    timezone: ZoneInfo
    intents: nlu.IntentMatcher | None
    handlers: nlu.IntentMatcher
    handler_specs: dict[str, Handler]
    wording: dict[str, list[str] | str]
    slot_types: dict[str, list[str]]
    steps: dict[int, Any] = field(default_factory=dict)
    """Per-step NLU compiled on first use (`dialog.understanding`), keyed by the step."""
    listens: dict[str, Listen] = field(default_factory=dict)
    """Each step's `Listen` (menus excepted), built on first use: it depends on the script
    alone, and a frozen action can be handed to every call (`Dialog._listen`)."""

    @property
    def script(self) -> Script:
        script = self.script_ref()
        if script is None:  # only a runtime kept past its script could see this
            raise ReferenceError("the script of this runtime is gone")
        return script


_COMPILED: dict[int, Runtime] = {}
"""Runtime per live script object (by id; an entry goes when its script is collected)."""
_LOCK = threading.Lock()


def runtime_for(script: Script) -> Runtime:
    """The compiled form of a script, built on first use and kept while the script lives."""
    cached = _COMPILED.get(id(script))
    if cached is not None and cached.script_ref() is script:
        return cached
    lang = nlu.lang_of(script.language)
    zone = ZoneInfo(script.settings.timezone or DEFAULT_TIMEZONE[lang])
    threshold = script.settings.intent_threshold
    intents = None
    if script.intents:
        intents = nlu.IntentMatcher(
            {
                name: nlu.IntentSpec(examples=spec.examples, patterns=spec.patterns)
                for name, spec in script.intents.items()
            },
            lang,
            threshold=threshold,
        )
    builtin = nlu.builtin_intents(lang)
    specs: dict[str, Handler] = {}
    handler_intents: dict[str, nlu.IntentSpec] = {}
    for name in HANDLER_NAMES:
        handler = getattr(script.handlers, name)
        if handler is None:
            if name != "repeat":
                continue
            handler = Handler(repeat=True)
        if not handler.enabled:
            continue
        if handler.continuations() == 0:
            handler = handler.model_copy(update={"repeat": name == "repeat",
                                                 "resume": name != "repeat"})
        specs[name] = handler
        base = builtin.get(name, nlu.IntentSpec())
        handler_intents[name] = nlu.IntentSpec(
            examples=[*base.examples, *handler.examples],
            patterns=[*base.patterns, *handler.patterns],
        )
    handlers = nlu.IntentMatcher(handler_intents, lang, threshold=max(threshold, 0.7))
    runtime = Runtime(
        script_ref=weakref.ref(script),
        lang=lang,
        timezone=zone,
        intents=intents,
        handlers=handlers,
        handler_specs=specs,
        wording=dict(DEFAULT_WORDING[lang]),
        slot_types=script.slot_types(),
    )
    with _LOCK:
        found = _COMPILED.get(id(script))
        if found is not None and found.script_ref() is script:
            return found  # another thread compiled it meanwhile
        _COMPILED[id(script)] = runtime
    weakref.finalize(script, _forget, id(script), runtime)
    return runtime


def _forget(key: int, runtime: Runtime) -> None:
    with _LOCK:
        if _COMPILED.get(key) is runtime:
            del _COMPILED[key]

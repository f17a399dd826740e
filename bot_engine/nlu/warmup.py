"""Build a language's NLU tables before the first caller speaks.

Every table below is built on first use, and a dialogue turn runs on the call's event loop:
a fresh worker's first caller turn would pay for them, stalling every call of the process
(measured from cold: the phrase, cue and name tables and the reply classifier ~0.4 s for
Russian, ~0.2 s for English; the word vectors and the reply memory built on them 2.5-3 s
for Russian, ~1 s for English, paid by the first turn that reaches the reply memory). `ready`
builds them all; a call awaits it in a thread while its phone rings
(`call.speech.CallSpeech.prepare`).
"""

from __future__ import annotations

import threading

import bot_engine.nlu.asr as asr
import bot_engine.nlu.cues as cues
import bot_engine.nlu.entities.holidays as holidays
import bot_engine.nlu.given_names as given_names
import bot_engine.nlu.polar as polar
import bot_engine.nlu.yesno as yesno
from bot_engine.nlu.entities.lexicon import lexicon
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.morph import analyzer

_locks: dict[Lang, threading.Lock] = {"ru": threading.Lock(), "en": threading.Lock()}
"""One per language: a caller of `ready("en")` never waits for Russian's vectors."""
_ready: set[Lang] = set()
_started: set[Lang] = set()


def ready(lang: str) -> None:
    """Build every table ``lang`` needs, now (idempotent and thread-safe: a second caller
    waits for the build under way instead of starting another)."""
    code = lang_of(lang)
    if code in _ready:
        return
    with _locks[code]:
        if code not in _ready:
            _build(code)
            _ready.add(code)


def is_ready(lang: str) -> bool:
    return lang_of(lang) in _ready


def warm_up(lang: str) -> None:
    """Build the cheap tables now and start `ready` in a background thread (idempotent).

    Called when a script loads: a load does not wait for the vectors, and the first turn
    rarely does (if it comes first, it waits for the same build under its lock). A call
    does not rely on this: it awaits `ready` while its phone rings."""
    code = lang_of(lang)
    lexicon(code)
    yesno.yes_no("да" if code == "ru" else "yes", code)
    if code not in _started:
        _started.add(code)
        threading.Thread(target=ready, args=(code,), daemon=True,
                         name=f"nlu-ready-{code}").start()


def _build(code: Lang) -> None:
    """Cheapest and most used first, so that a turn that comes before the end of a build
    (a call that could not wait longer) finds the rule tables done."""
    analyzer()
    lexicon(code)
    holidays.first_words(code)
    yesno._table(code)
    polar._compiled(code)
    cues._table(code)
    cues._hedge_table(code)
    cues._phrase_negator_lemmas(code)
    cues._phrase_negator_starts(code)
    cues.prototypes(code)
    if code == "ru":
        asr._answer_sounds()
    # the name tables of both languages: a Russian script's caller may give an English
    # name ("Mary") and be matched against it (~40 ms in all)
    given_names._ru_forms()
    given_names._ru_all_forms()
    given_names._en_forms()
    given_names._en_full_names()
    given_names._en_forms_single()
    given_names._en_by_skeleton()
    # imported here: they bring numpy, which importing the NLU alone need not pay for
    import bot_engine.nlu.reply_classifier as reply_classifier
    import bot_engine.nlu.reply_memory as reply_memory

    reply_classifier.classifier(code)
    reply_memory.memory(code)  # loads the word vectors (`semantic.word_vectors`) first

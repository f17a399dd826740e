"""Build the NLU's lazy tables before the first caller speaks.

The first ``extract_entities`` call would otherwise spend ~0.2 s generating Russian word
forms and the first ``yes_no`` compiling its phrase table, all inside a live turn.
"""

from __future__ import annotations

import threading

from bot_engine.nlu.entities.lexicon import lexicon
from bot_engine.nlu.lang import lang_of
from bot_engine.nlu.yesno import yes_no

_vectors_started: set[str] = set()


def warm_up(lang: str) -> None:
    """Create the shared morphology analyzer and every table ``lang`` needs (idempotent).

    The semantic layer's word vectors (~0.5-1 s to read and hash) and the reply memory
    built on them (~0.1-0.3 s) load in a background thread, so a script load does not wait
    for them and the first unsure caller turn rarely does (if it comes first, it waits for
    the same load under its lock)."""
    code = lang_of(lang)
    lexicon(code)
    yes_no("да" if code == "ru" else "yes", code)
    if code not in _vectors_started:
        _vectors_started.add(code)
        import bot_engine.nlu.reply_memory as reply_memory

        threading.Thread(target=reply_memory.memory, args=(code,), daemon=True,
                         name=f"nlu-vectors-{code}").start()

"""Build the NLU's lazy tables before the first caller speaks.

The first ``extract_entities`` call would otherwise spend ~0.2 s generating Russian word
forms and the first ``yes_no`` compiling its phrase table, all inside a live turn.
"""

from __future__ import annotations

from bot_engine.nlu.entities.lexicon import lexicon
from bot_engine.nlu.lang import lang_of
from bot_engine.nlu.yesno import yes_no


def warm_up(lang: str) -> None:
    """Create the shared morphology analyzer and every table ``lang`` needs (idempotent)."""
    code = lang_of(lang)
    lexicon(code)
    yes_no("да" if code == "ru" else "yes", code)

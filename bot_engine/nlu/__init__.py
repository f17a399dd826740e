"""Built-in NLU for Russian and English: normalization, yes/no, intents, entities, Rasa.

Everything here is pure and synchronous except ``RasaNluBackend.parse``; the dialogue
engine calls it on every caller turn, so each function is built for microseconds.
"""

from bot_engine.nlu.builtin import builtin_intents
from bot_engine.nlu.intents import IntentMatch, IntentMatcher, IntentSpec
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.text import lemmas, normalize, tokens
from bot_engine.nlu.yes_no import YesNo, yes_no

__all__ = [
    "IntentMatch",
    "IntentMatcher",
    "IntentSpec",
    "Lang",
    "YesNo",
    "builtin_intents",
    "lang_of",
    "lemmas",
    "normalize",
    "tokens",
    "yes_no",
]

"""Built-in NLU for Russian and English: normalization, yes/no, intents, entities, Rasa.

Everything here is pure and synchronous except ``RasaNluBackend.parse``; the dialogue
engine calls it on every caller turn, so each function is built for microseconds.
"""

from bot_engine.nlu.builtin import builtin_intents
from bot_engine.nlu.entities import Entity, EntityType, extract_entities
from bot_engine.nlu.intents import IntentMatch, IntentMatcher, IntentSpec
from bot_engine.nlu.lang import Lang, lang_of
from bot_engine.nlu.polar import answer_to_offer
from bot_engine.nlu.rasa import (
    NluBackendError,
    RasaEntity,
    RasaNluBackend,
    RasaParse,
    load_rasa_nlu,
)
from bot_engine.nlu.text import lemmas, normalize, tokens
from bot_engine.nlu.warmup import is_ready, ready, warm_up
from bot_engine.nlu.yesno import YesNo, yes_no

__all__ = [
    "Entity",
    "EntityType",
    "IntentMatch",
    "IntentMatcher",
    "IntentSpec",
    "Lang",
    "NluBackendError",
    "RasaEntity",
    "RasaNluBackend",
    "RasaParse",
    "YesNo",
    "answer_to_offer",
    "builtin_intents",
    "extract_entities",
    "is_ready",
    "lang_of",
    "lemmas",
    "load_rasa_nlu",
    "normalize",
    "ready",
    "tokens",
    "warm_up",
    "yes_no",
]

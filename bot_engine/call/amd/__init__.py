"""Answering-machine detection for outbound calls: is a person on the line?"""

from bot_engine.call.amd.beep import BeepDetector
from bot_engine.call.amd.detector import AmdInputError, AnsweringMachineDetector
from bot_engine.call.amd.goertzel import GoertzelBank, goertzel_power
from bot_engine.call.amd.phrases import (
    DEFAULT_PHRASES,
    PHRASES_EN,
    PHRASES_RU,
    PhraseMatcher,
    normalize,
    phrase_hints,
)
from bot_engine.call.amd.result import AmdDecision, AmdReason, AmdResult, BeepEvent
from bot_engine.call.amd.settings import AmdSettings, BeepSettings

__all__ = [
    "DEFAULT_PHRASES",
    "PHRASES_EN",
    "PHRASES_RU",
    "AmdDecision",
    "AmdInputError",
    "AmdReason",
    "AmdResult",
    "AmdSettings",
    "AnsweringMachineDetector",
    "BeepDetector",
    "BeepEvent",
    "BeepSettings",
    "GoertzelBank",
    "PhraseMatcher",
    "goertzel_power",
    "normalize",
    "phrase_hints",
]

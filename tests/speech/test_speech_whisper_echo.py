"""Whisper's guard against its own prompt given back (phrase hints as the prompt, on line
noise), without a model: the decision alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from asr_tts.asr import AsrResult
from asr_tts.asr.whisper_engine import WhisperRecognizer

PROMPT = "завтра, на этой неделе, в следующем месяце, в понедельник, перезвоните"


def echoes(text: str, confidence: float | None) -> bool:
    rec = WhisperRecognizer(Path("unused"), prompt_hints=True)
    rec._prompt = PROMPT  # what `start(hints=...)` sets
    return rec._echoes_prompt(AsrResult(text=text, is_final=True, confidence=confidence))


@pytest.mark.parametrize(("text", "confidence", "echo"), [
    ("в следующем месяце,", 0.38, True),  # seen on line noise: an unsure run of the prompt
    ("в следующем месяце.", 0.85, False),  # a caller who says the hint
    ("понедельник, перезвоните", 0.2, False),  # two words: too short to tell
    ("в следующем месяце, в понедельник, перезвоните", 0.9, True),  # the prompt's end
    ("в следующем году", 0.3, False),  # not the prompt's words
    ("на этой неделе", None, True),  # no confidence: taken as unsure
])
def test_an_unsure_run_of_the_prompt_or_its_end_is_an_echo(
    text: str, confidence: float | None, echo: bool
) -> None:
    assert echoes(text, confidence) is echo

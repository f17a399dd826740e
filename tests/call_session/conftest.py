"""Shared fixtures of the call-session tests: scripts, a speech stack on the packaged
Whisper tiny.en model, and one TTS cache for the whole run (prompts render once)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from asr_tts.settings import SpeechSettings
from bot_engine.call.speech import CallSpeech
from bot_engine.script.model import Script


@pytest.fixture(scope="session")
def speech_settings(tmp_path_factory: pytest.TempPathFactory) -> SpeechSettings:
    return SpeechSettings(tts_cache_dir=tmp_path_factory.mktemp("tts-cache"))


@pytest.fixture
def make_speech(speech_settings: SpeechSettings) -> Callable[[Script], CallSpeech]:
    def build(script: Script) -> CallSpeech:
        return CallSpeech.for_script(script, speech_settings, asr_engine="whisper")

    return build

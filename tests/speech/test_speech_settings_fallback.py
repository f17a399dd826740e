"""Engine choice by configuration, environment settings, and ASR fallback at start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from asr_tts.asr import asr_engine_names, create_recognizer
from asr_tts.asr.fallback import FallbackRecognizer
from asr_tts.errors import AudioInputError, ModelNotFoundError, UnknownEngineError
from asr_tts.metrics import fallback_count
from asr_tts.settings import SpeechSettings
from asr_tts.tts import tts_engine_names

from .yandex_fakes import NORMALIZED, FakeRecognizer, start_server, tone_pcm


@pytest.fixture
async def stt() -> AsyncIterator[tuple[FakeRecognizer, str]]:
    servicer = FakeRecognizer()
    server, endpoint = await start_server(servicer)
    yield servicer, endpoint
    await server.stop(None)


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEBOT_YANDEX_API_KEY", "env-key")
    monkeypatch.setenv("VOICEBOT_YANDEX_FOLDER_ID", "b1genv")
    monkeypatch.setenv("VOICEBOT_ASR_ENGINE", "yandex")
    monkeypatch.setenv("VOICEBOT_ASR_FALLBACK", '["vosk", "whisper"]')
    monkeypatch.setenv("VOICEBOT_TTS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("VOICEBOT_TTS_CACHE_MAX_BYTES", "1000")
    settings = SpeechSettings()
    assert settings.yandex_api_key is not None
    assert settings.yandex_api_key.get_secret_value() == "env-key"
    assert "env-key" not in repr(settings)  # secrets stay out of logs
    assert settings.yandex_folder_id == "b1genv"
    assert settings.asr_fallback == ["vosk", "whisper"]
    assert settings.tts_cache_dir == tmp_path and settings.tts_cache_max_bytes == 1000
    assert settings.yandex_stt_endpoint == "stt.api.cloud.yandex.net:443" and settings.yandex_tls


def test_engine_names() -> None:
    assert {"vosk", "whisper", "yandex"} <= set(asr_engine_names())
    assert {"espeak", "yandex", "audio"} <= set(tts_engine_names())
    with pytest.raises(UnknownEngineError, match="unknown ASR engine 'nope'"):
        create_recognizer(SpeechSettings(asr_engine="nope"))


async def test_missing_model_falls_back_to_next_engine(
    stt: tuple[FakeRecognizer, str], tmp_path: Path
) -> None:
    servicer, endpoint = stt
    settings = SpeechSettings(
        asr_engine="vosk",
        vosk_model_path=tmp_path / "missing",
        asr_fallback=["yandex"],
        yandex_api_key="k",
        yandex_stt_endpoint=endpoint,
        yandex_tls=False,
        yandex_realtime_pacing=False,
    )
    rec = create_recognizer(settings)
    assert isinstance(rec, FallbackRecognizer)
    before = fallback_count("asr", "vosk", "yandex")
    await rec.start("ru-RU", 8000)
    assert rec.active_engine == "yandex"
    await rec.feed(tone_pcm(8000, 0.5))
    await rec.close()
    assert [r.text async for r in rec if r.is_final] == [NORMALIZED]
    assert fallback_count("asr", "vosk", "yandex") == before + 1
    assert len(servicer.sessions) == 1


async def test_every_engine_failing_raises_the_last_error(tmp_path: Path) -> None:
    settings = SpeechSettings(
        asr_engine="vosk",
        vosk_model_path=tmp_path / "missing",
        asr_fallback=["whisper"],
        whisper_model_path=tmp_path / "missing-too",
    )
    rec = create_recognizer(settings)
    with pytest.raises(ModelNotFoundError, match="missing-too"):
        await rec.start("en-US", 8000)


async def test_bad_rate_is_not_an_engine_failure(tmp_path: Path) -> None:
    rec = create_recognizer(SpeechSettings(asr_engine="vosk", asr_fallback=["whisper"]))
    with pytest.raises(AudioInputError):
        await rec.start("en-US", 22050)

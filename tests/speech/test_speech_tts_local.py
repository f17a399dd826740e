"""espeak-ng and audio-file synthesis: real output, right rate, duration and energy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from asr_tts.audio import duration_s, rms_dbfs
from asr_tts.errors import AudioInputError, EngineError, TextInputError
from asr_tts.settings import SpeechSettings
from asr_tts.tts import TtsOptions, create_synthesizer
from asr_tts.tts.audio_files import AudioFileSynthesizer
from asr_tts.tts.espeak import EspeakSynthesizer, voice_for_language


def _voiced_share(pcm: bytes, rate: int) -> float:
    """Share of 20 ms frames louder than -40 dBFS."""
    size = rate // 50 * 2
    frames = [pcm[i : i + size] for i in range(0, len(pcm) - size + 1, size)]
    return sum(rms_dbfs(f) > -40 for f in frames) / len(frames)


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        ("Здравствуйте! Вы оставляли заявку на нашем сайте.", "ru"),
        ("Hello, how are you today?", "en-us"),
    ],
)
@pytest.mark.parametrize("rate", [8000, 16000])
async def test_espeak_speaks_at_the_call_rate(text: str, voice: str, rate: int) -> None:
    chunks = [c async for c in EspeakSynthesizer().synthesize(text, voice, rate)]
    pcm = b"".join(chunks)
    assert all(len(c) % 2 == 0 for c in chunks)
    seconds = duration_s(pcm, rate)
    words = len(text.split())
    # espeak-ng at 175 wpm: roughly 0.25..0.7 s per word including pauses
    assert 0.25 * words <= seconds <= 0.7 * words
    assert rms_dbfs(pcm) > -30
    assert _voiced_share(pcm, rate) > 0.5
    spectrum = np.abs(np.fft.rfft(np.frombuffer(pcm, dtype="<i2").astype(float)))
    freqs = np.fft.rfftfreq(len(pcm) // 2, 1 / rate)
    speech_band = spectrum[(freqs > 100) & (freqs < 3400)].sum()
    assert speech_band / spectrum.sum() > 0.6  # energy sits in the telephone speech band


async def test_speed_and_pitch_change_the_audio() -> None:
    tts = EspeakSynthesizer()
    text = "This sentence is spoken at two different speeds."
    normal = await tts.render(text, "en-us", 8000)
    fast = await tts.render(text, "en-us", 8000, TtsOptions(speed=2.0))
    low = await tts.render(text, "en-us", 8000, TtsOptions(pitch=10))
    assert duration_s(fast, 8000) < 0.7 * duration_s(normal, 8000)
    assert low != normal


@pytest.mark.parametrize("text", ["", "   ", "...", "?!, —"])
async def test_unusable_text_is_a_clear_error(text: str) -> None:
    with pytest.raises(TextInputError):
        await EspeakSynthesizer().render(text, "ru", 8000)


async def test_unknown_voice_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match="voice 'xx-nope'"):
        await EspeakSynthesizer().render("hello", "xx-nope", 8000)


async def test_text_starting_with_a_dash_is_spoken_not_parsed() -> None:
    pcm = await EspeakSynthesizer().render("--help me please", "en-us", 8000)
    assert duration_s(pcm, 8000) > 0.5


def test_voice_for_language() -> None:
    assert voice_for_language("ru-RU") == "ru"
    assert voice_for_language("en_US") == "en-us"
    assert voice_for_language("en") == "en-us"


async def test_audio_file_prompt_converted_to_call_rate(tmp_path: Path) -> None:
    t = np.arange(44100) / 44100
    stereo = np.stack([0.3 * np.sin(2 * np.pi * 300 * t)] * 2, axis=1)
    sf.write(tmp_path / "hello.ogg", stereo, 44100, format="OGG")
    pcm = await AudioFileSynthesizer(tmp_path).render("hello.ogg", None, 8000)
    assert duration_s(pcm, 8000) == pytest.approx(1.0, abs=0.02)
    assert rms_dbfs(pcm) == pytest.approx(-13.5, abs=1.0)


async def test_audio_file_outside_folder_and_missing_are_errors(tmp_path: Path) -> None:
    tts = AudioFileSynthesizer(tmp_path / "prompts")
    with pytest.raises(AudioInputError, match="outside the prompts folder"):
        await tts.render("../../etc/passwd", None, 8000)
    with pytest.raises(AudioInputError, match="not found"):
        await tts.render("missing.wav", None, 8000)


def test_registry_builds_engines_by_name() -> None:
    settings = SpeechSettings(tts_engine="espeak")
    assert create_synthesizer(settings).name == "espeak"
    assert create_synthesizer(settings, engine="audio").name == "audio"
    chained = create_synthesizer(SpeechSettings(tts_engine="espeak", tts_fallback=["audio"]))
    assert chained.name == "fallback"

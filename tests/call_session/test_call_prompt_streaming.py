"""Uncached prompts stream from the engine (real espeak-ng) and are cached for the next call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from asr_tts.settings import SpeechSettings
from asr_tts.tts.base import TtsOptions
from asr_tts.tts.espeak import EspeakSynthesizer
from asr_tts.tts_cache import TtsCache
from bot_engine.call.speech import CallSpeech
from bot_engine.script.model import Script
from tests.call_session.call_session_helpers import load

TEXT = "Thank you for waiting. Let me check your order. One more moment, please."


class WatchedEspeak(EspeakSynthesizer):
    """The real espeak-ng, noting when each piece of text starts and ends synthesizing."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[str] = []

    async def synthesize(
        self, text: str, voice: str | None, sample_rate: int, options: TtsOptions | None = None
    ) -> AsyncIterator[bytes]:
        self.log.append(f"start {text}")
        async for chunk in super().synthesize(text, voice, sample_rate, options):
            yield chunk
        self.log.append(f"done {text}")


def speech_with(script: Script, tts: WatchedEspeak, cache_dir: Path) -> CallSpeech:
    settings = SpeechSettings(tts_cache_dir=cache_dir)
    speech = CallSpeech.for_script(script, settings, asr_engine="whisper",
                                   cache=TtsCache(cache_dir, 10_000_000, {"espeak": tts}))
    speech.synthesizer = tts
    return speech


async def test_an_uncached_prompt_plays_before_synthesis_ends_and_is_cached_after(
    tmp_path: Path,
) -> None:
    script = load("lead_qualification.en.yaml")
    tts = WatchedEspeak()
    speech = speech_with(script, tts, tmp_path / "cache")
    assert speech.cached(TEXT) is None

    chunks: list[bytes] = []
    log_at_first_chunk: list[str] | None = None
    async for chunk in speech.stream(TEXT):
        if log_at_first_chunk is None:
            log_at_first_chunk = list(tts.log)
        chunks.append(chunk)

    assert log_at_first_chunk == ["start Thank you for waiting."]  # the rest not yet begun
    assert tts.log[-1] == "done One more moment, please." and len(tts.log) == 6
    pcm = b"".join(chunks)
    assert len(pcm) > 8000 * 2 * 2  # over two seconds of speech
    assert speech.cached(TEXT) == pcm

    # a new process (fresh memory) sharing the cache folder hits it without synthesizing
    later = WatchedEspeak()
    again = speech_with(script, later, tmp_path / "cache")
    assert again.cached(TEXT) == pcm and later.log == []


async def test_a_prompt_cut_short_is_not_cached(tmp_path: Path) -> None:
    script = load("lead_qualification.en.yaml")
    tts = WatchedEspeak()
    speech = speech_with(script, tts, tmp_path / "cache")
    stream = speech.stream(TEXT)
    async for _chunk in stream:
        break  # barge-in after the first chunk
    await stream.aclose()
    assert speech.cached(TEXT) is None


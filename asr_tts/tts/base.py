"""The synthesizer interface: text + voice + options → PCM16 mono chunks at a given rate."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator

from pydantic import BaseModel, ConfigDict, Field

from asr_tts.errors import TextInputError


class TtsOptions(BaseModel):
    """Engine-neutral voice options; each engine maps what it supports and ignores the rest.

    Part of the cache key, so it is frozen and serializes canonically.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    speed: float = Field(default=1.0, gt=0.1, le=3.0)
    """1.0 is the engine's normal rate."""
    pitch: int | None = Field(default=None, ge=0, le=99)
    """espeak-ng pitch 0..99 (50 normal)."""
    role: str | None = None
    """SpeechKit voice role (`neutral`, `good`, `friendly` …)."""
    volume: float | None = None


def check_text(text: str) -> str:
    """Stripped text, or a clear error for empty or punctuation-only input."""
    stripped = text.strip()
    if not stripped:
        raise TextInputError("cannot synthesize empty text")
    if not any(ch.isalnum() for ch in stripped):
        raise TextInputError(f"cannot synthesize text with no letters or digits: {stripped!r}")
    return stripped


def chunk_pcm(pcm: bytes, chunk_bytes: int) -> list[bytes]:
    """Split rendered PCM into chunks of even size (whole samples)."""
    size = max(2, chunk_bytes - chunk_bytes % 2)
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


class Synthesizer(ABC):
    """A TTS engine. `synthesize` streams chunks as soon as the engine has them."""

    name: str = "tts"

    @abstractmethod
    def synthesize(
        self, text: str, voice: str | None, sample_rate: int, options: TtsOptions | None = None
    ) -> AsyncIterator[bytes]:
        """PCM16 mono chunks of `text` spoken by `voice` at `sample_rate`."""

    async def render(
        self, text: str, voice: str | None, sample_rate: int, options: TtsOptions | None = None
    ) -> bytes:
        """The whole utterance as one PCM buffer."""
        return b"".join([c async for c in self.synthesize(text, voice, sample_rate, options)])

    async def aclose(self) -> None:
        """Release connections (gRPC channels); a no-op for local engines."""
        return None

"""An ordered list of TTS engines: if one errors or is silent too long before its first
chunk, the next renders the text. The switch is logged and counted.

A switch only happens before the first chunk: once audio is playing, mixing two voices
in one sentence would be worse than the error.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence

from asr_tts.errors import AudioInputError, EngineTimeoutError, SpeechError, TextInputError
from asr_tts.metrics import record_fallback
from asr_tts.tts.base import Synthesizer, TtsOptions, check_text


class FallbackSynthesizer(Synthesizer):
    name = "fallback"

    def __init__(
        self,
        engines: Sequence[Synthesizer],
        *,
        first_chunk_timeout_s: float = 5.0,
        voices: Mapping[str, str] | None = None,
    ) -> None:
        if not engines:
            raise ValueError("a fallback list needs at least one engine")
        self.engines = list(engines)
        self.first_chunk_timeout_s = first_chunk_timeout_s
        self.voices = dict(voices or {})
        """Voice to use on each fallback engine (voices are engine-specific)."""

    async def synthesize(
        self, text: str, voice: str | None, sample_rate: int, options: TtsOptions | None = None
    ) -> AsyncIterator[bytes]:
        check_text(text)
        for position, engine in enumerate(self.engines):
            engine_voice = voice if position == 0 else self.voices.get(engine.name)
            stream = engine.synthesize(text, engine_voice, sample_rate, options).__aiter__()
            try:
                first = await asyncio.wait_for(anext(stream), self.first_chunk_timeout_s)
            except StopAsyncIteration:
                return
            except (TextInputError, AudioInputError):
                raise
            except (SpeechError, TimeoutError, OSError) as exc:
                await _close(stream)
                error: BaseException = exc
                if isinstance(exc, TimeoutError):
                    error = EngineTimeoutError(
                        f"{engine.name} gave no audio in {self.first_chunk_timeout_s} s",
                        engine=engine.name,
                    )
                if position + 1 == len(self.engines):
                    raise error from exc
                record_fallback("tts", engine.name, self.engines[position + 1].name, error)
                continue
            yield first
            async for chunk in stream:
                yield chunk
            return

    async def aclose(self) -> None:
        for engine in self.engines:
            await engine.aclose()


async def _close(stream: AsyncIterator[bytes]) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        with contextlib.suppress(Exception):  # it already failed; cleanup errors add nothing
            await aclose()

"""An ordered list of ASR engines: when one fails, the next takes over mid-stream.

The audio since the last final result is kept, so the next engine re-hears the utterance
in progress and the caller loses nothing but a little latency. Each switch is logged and
counted (`voicebot_speech_engine_fallbacks_total`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from asr_tts.asr.base import StreamingRecognizer
from asr_tts.errors import AudioInputError, EngineTimeoutError, SpeechError
from asr_tts.metrics import record_fallback

RecognizerFactory = Callable[[], StreamingRecognizer]
MAX_REPLAY_BYTES = 32000 * 30  # 30 s at 16 kHz


class FallbackRecognizer(StreamingRecognizer):
    name = "fallback"

    def __init__(
        self, engines: Sequence[tuple[str, RecognizerFactory]], *, start_timeout_s: float = 10.0
    ) -> None:
        super().__init__()
        if not engines:
            raise ValueError("a fallback list needs at least one engine")
        self._engines = list(engines)
        self._index = -1
        self.start_timeout_s = start_timeout_s
        self._current: StreamingRecognizer | None = None
        self._replay: list[bytes] = []
        self._replay_bytes = 0
        self._closing = False
        self._pump: asyncio.Task[None] | None = None
        self._args: tuple[str, int, list[str], list[str]] = ("", 0, [], [])

    @property
    def active_engine(self) -> str:
        return self._engines[self._index][0] if self._index >= 0 else ""

    async def _start(
        self, language: str, sample_rate: int, hints: list[str], grammar: list[str]
    ) -> None:
        self._args = (language, sample_rate, hints, grammar)
        self._current = await self._start_next(None)
        self._pump = asyncio.create_task(self._run(), name="asr-fallback")

    async def _start_next(self, reason: BaseException | None) -> StreamingRecognizer:
        """Start the next engine that comes up; raise the last error when none does."""
        while True:
            previous = self.active_engine
            self._index += 1
            if self._index >= len(self._engines):
                assert reason is not None
                raise reason
            name, factory = self._engines[self._index]
            if reason is not None:
                record_fallback("asr", previous, name, reason)
            try:
                engine = factory()
                await asyncio.wait_for(engine.start(*self._args), self.start_timeout_s)
                return engine
            except AudioInputError:
                raise  # the caller's audio is wrong: another engine will not fix it
            except TimeoutError:
                reason = EngineTimeoutError(
                    f"{name} did not start in {self.start_timeout_s} s", engine=name
                )
            except SpeechError as exc:
                reason = exc

    async def _feed(self, pcm: bytes) -> None:
        self._replay.append(pcm)
        self._replay_bytes += len(pcm)
        while self._replay_bytes > MAX_REPLAY_BYTES and len(self._replay) > 1:
            self._replay_bytes -= len(self._replay.pop(0))
        assert self._current is not None
        await self._current.feed(pcm)

    async def _close(self) -> None:
        self._closing = True
        if self._current is not None:
            await self._current.close()
        if self._pump is not None:
            await asyncio.shield(self._pump)

    async def _run(self) -> None:
        try:
            while True:
                engine = self._current
                assert engine is not None
                try:
                    async for result in engine:
                        if result.is_final:
                            self._replay.clear()
                            self._replay_bytes = 0
                        self._emit(result)
                    return
                except SpeechError as exc:
                    replacement = await self._start_next(exc)
                    for pcm in list(self._replay):
                        await replacement.feed(pcm)
                    self._current = replacement
                    if self._closing:
                        await replacement.close()
        except SpeechError as exc:
            self._fail(exc)
        finally:
            self._finish()

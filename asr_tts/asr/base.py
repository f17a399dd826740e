"""The streaming recognizer interface and the result types every ASR engine returns.

A recognizer is used once per stream:

    await rec.start("ru-RU", 8000, hints=["тариф"])
    await rec.feed(pcm)            # as often as audio arrives
    await rec.close()              # end of audio: pending finals are flushed
    async for result in rec: ...   # partials and finals, ends after close()

Results are read concurrently with feeding (a separate task), or after close().
An engine error ends the iteration by raising it.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from asr_tts.audio import check_call_rate, check_pcm
from asr_tts.errors import SpeechError


@dataclass(frozen=True, slots=True)
class WordTiming:
    """One recognized word with its time span in the stream (seconds) and confidence."""

    word: str
    start_s: float
    end_s: float
    conf: float | None = None


@dataclass(frozen=True, slots=True)
class AsrAlternative:
    """A less likely hypothesis of the same speech."""

    text: str
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class AsrResult:
    """A partial (still changing) or final hypothesis."""

    text: str
    is_final: bool
    confidence: float | None = None
    alternatives: tuple[AsrAlternative, ...] = ()
    words: tuple[WordTiming, ...] = field(default_factory=tuple)
    engine: str = ""

    @property
    def start_s(self) -> float | None:
        return self.words[0].start_s if self.words else None

    @property
    def end_s(self) -> float | None:
        return self.words[-1].end_s if self.words else None


_END = object()


class StreamingRecognizer(ABC):
    """Base of every ASR engine: validation, a result queue and async iteration."""

    name: str = "asr"
    utterance_level: bool = False
    """True when the engine decodes only at `close()` (Whisper): feeding it early buys
    nothing, and decoding a copy of the audio at a pause is as good as the final decode."""

    def __init__(self) -> None:
        self._results: asyncio.Queue[object] = asyncio.Queue()
        self._started = False
        self._closed = False
        self.language = ""
        self.sample_rate = 0

    async def start(
        self,
        language: str,
        sample_rate: int,
        hints: Sequence[str] | None = None,
        grammar: Sequence[str] | None = None,
    ) -> None:
        """Open a stream. `hints` bias recognition; `grammar` restricts it to phrases."""
        if self._started:
            raise SpeechError(f"{self.name}: start() called twice")
        check_call_rate(sample_rate)
        self.language = language
        self.sample_rate = sample_rate
        await self._start(language, sample_rate, list(hints or ()), list(grammar or ()))
        self._started = True

    async def feed(self, pcm: bytes) -> None:
        """Add PCM16 mono audio at the stream's rate."""
        if not self._started:
            raise SpeechError(f"{self.name}: feed() before start()")
        if self._closed:
            raise SpeechError(f"{self.name}: feed() after close()")
        check_pcm(pcm)
        if pcm:
            await self._feed(pcm)

    async def close(self) -> None:
        """End of audio: the engine flushes its last final, then iteration stops."""
        if self._closed:
            return
        self._closed = True
        if not self._started:
            self._finish()
            return
        await self._close()

    def abort(self) -> None:
        """Nobody waits for this stream's result any more: engines that queue work drop
        it (`WhisperRecognizer`); by default nothing happens. `close()` still follows."""
        return None

    def __aiter__(self) -> AsyncIterator[AsrResult]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[AsrResult]:
        while True:
            item = await self._results.get()
            if item is _END:
                self._results.put_nowait(_END)  # later iterations end at once too
                return
            if isinstance(item, BaseException):
                self._results.put_nowait(_END)
                raise item
            assert isinstance(item, AsrResult)
            yield item

    # engine side -----------------------------------------------------------------

    def _emit(self, result: AsrResult) -> None:
        self._results.put_nowait(result)

    def _fail(self, error: BaseException) -> None:
        self._results.put_nowait(error)

    def _finish(self) -> None:
        self._results.put_nowait(_END)

    @abstractmethod
    async def _start(
        self, language: str, sample_rate: int, hints: list[str], grammar: list[str]
    ) -> None: ...

    @abstractmethod
    async def _feed(self, pcm: bytes) -> None: ...

    @abstractmethod
    async def _close(self) -> None:
        """Flush and call `_finish()` (or `_fail()`) once the last result is out."""

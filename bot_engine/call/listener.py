"""One caller utterance through the ASR: started at speech start with the pre-roll, fed
frame by frame, closed at the endpoint; the result is read without blocking the loop
(engines decode in their own thread pools)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from asr_tts.asr import AsrResult
from bot_engine.call.speech import CallSpeech

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Heard:
    text: str
    confidence: float | None
    alternatives: tuple[str, ...]
    engine: str
    final_at: float
    """Monotonic time the final text was available."""
    error: str | None = None


class Utterance:
    """Created when listening begins (the recognizer starts while nobody speaks, so opening
    a stream is off the response path); audio arrives from speech start."""

    def __init__(
        self, speech: CallSpeech, hints: list[str], grammar: list[str] | None,
        pre_roll: bytes | None = None,
    ) -> None:
        self._speech = speech
        self._audio: asyncio.Queue[bytes | None] = asyncio.Queue()
        if pre_roll is not None:
            self._audio.put_nowait(pre_roll)
        self.on_heard: Callable[[Heard], None] | None = None
        """Called with the result inside the recognizer's task, the moment it is final:
        one event-loop hop less on the response path than awaiting `result()`."""
        self._hints = hints
        self._grammar = grammar
        self.task: asyncio.Task[Heard] = asyncio.get_running_loop().create_task(self._run())

    def feed(self, pcm: bytes) -> None:
        self._audio.put_nowait(pcm)

    def finish(self) -> None:
        """The endpoint: no more audio; the final result follows."""
        self._audio.put_nowait(None)

    def abort(self) -> None:
        self.task.cancel()

    async def result(self) -> Heard:
        return await self.task

    async def _run(self) -> Heard:
        heard = await self._recognize()
        if self.on_heard is not None:
            try:
                self.on_heard(heard)
            except Exception:
                log.exception("handling an utterance failed")
        return heard

    async def _recognize(self) -> Heard:
        engine = self._speech.asr_engine
        rec = self._speech.new_recognizer()
        try:
            await rec.start(self._speech.language, self._speech.sample_rate,
                            hints=self._hints, grammar=self._grammar)
            while (pcm := await self._audio.get()) is not None:
                await rec.feed(pcm)
            await rec.close()
            finals: list[AsrResult] = [r async for r in rec if r.is_final and r.text.strip()]
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await rec.close()
            raise
        except Exception as exc:  # an engine failure is a turn with nothing heard
            log.warning("ASR %s failed: %s", engine, exc)
            return Heard("", None, (), engine, time.monotonic(), error=str(exc))
        text = " ".join(r.text.strip() for r in finals)
        confs = [r.confidence for r in finals if r.confidence is not None]
        confidence = min(confs) if confs else None
        alternatives = tuple(a.text for a in finals[-1].alternatives) if finals else ()
        used = finals[-1].engine if finals and finals[-1].engine else engine
        return Heard(text, confidence, alternatives, used, time.monotonic())

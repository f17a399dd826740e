"""One caller utterance through the ASR: started at speech start with the pre-roll, fed
frame by frame, closed at the endpoint; the result is read without blocking the loop
(engines decode in their own thread pools).

Speculative finalization, for engines that decode only at the end (Whisper): when the
caller pauses, `speculate()` decodes a copy of the audio so far in a second recognizer
while the endpointing window is still open. If the caller speaks again, `resume()`
drops that result; if the window closes first, the speculative result is the final one,
so the reply waits for max(window, decode) instead of window + decode. It is the same
decode a fresh recognizer would make of that audio; the only audio it lacks is the rest
of the (silent) window.

A dropped speculation aborts its recognizer (`StreamingRecognizer.abort`): Whisper
decodes one utterance at a time per process, and a decode nobody waits for would
otherwise hold that thread while the caller's next pause is decoded.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from asr_tts.asr import AsrResult, StreamingRecognizer
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
    speculative: bool = False
    """The result came from a decode started at a pause, before the endpoint."""


class Utterance:
    """Created when listening begins (the recognizer starts while nobody speaks, so opening
    a stream is off the response path); audio arrives from speech start."""

    def __init__(
        self, speech: CallSpeech, hints: list[str], grammar: list[str] | None,
        pre_roll: bytes | None = None, *, speculative: bool = True, primed: bool = False,
    ) -> None:
        """`primed`: the recognizer always biases by `hints` (`CallSpeech.new_recognizer`)."""
        self._speech = speech
        self._primed = primed
        self._audio: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._rec: StreamingRecognizer | None = None
        self._broken: Exception | None = None
        try:
            self._rec = speech.new_recognizer(primed=primed)
        except Exception as exc:  # reported as this utterance's result, like any ASR error
            self._broken = exc
        self._buffered = speculative and self._rec is not None and self._rec.utterance_level
        self._fed: list[bytes] = []
        """Buffered mode: every chunk fed, so a pause can decode a copy of it."""
        self._finished = asyncio.Event()
        self._spec: asyncio.Task[Heard] | None = None
        self._spec_rec: StreamingRecognizer | None = None
        if pre_roll is not None:
            self.feed(pre_roll)
        self.on_heard: Callable[[Heard], None] | None = None
        """Called with the result inside the recognizer's task, the moment it is final:
        one event-loop hop less on the response path than awaiting `result()`."""
        self._hints = hints
        self._grammar = grammar
        self.task: asyncio.Task[Heard] = asyncio.get_running_loop().create_task(self._run())

    @property
    def speculating(self) -> bool:
        return self._spec is not None

    @property
    def speculation(self) -> asyncio.Task[Heard] | None:
        """The running (or finished) speculative decode, if any."""
        return self._spec

    def feed(self, pcm: bytes) -> None:
        if self._buffered:
            self._fed.append(pcm)
        else:
            self._audio.put_nowait(pcm)

    def speculate(self) -> None:
        """The caller paused: decode the audio so far now (no-op unless the engine decodes
        at the end, or when a speculation is already running)."""
        if not self._buffered or self._spec is not None or self._finished.is_set():
            return
        try:
            rec = self._speech.new_recognizer(primed=self._primed)
        except Exception:  # the final decode reports it
            return
        self._speech.speculation.started += 1
        self._spec_rec = rec
        self._spec = asyncio.get_running_loop().create_task(
            self._decode(rec, b"".join(self._fed), speculative=True))

    def resume(self) -> None:
        """The caller spoke again: the speculative result no longer covers the utterance."""
        if self._spec is not None and not self._finished.is_set():
            self._drop_speculation()

    def _drop_speculation(self, *, count: bool = True) -> None:
        if self._spec is not None:
            if self._spec_rec is not None:
                self._spec_rec.abort()
            self._spec.cancel()
            self._spec = self._spec_rec = None
            if count:
                self._speech.speculation.discarded += 1

    def finish(self) -> None:
        """The endpoint: no more audio; the final result follows."""
        self._finished.set()
        self._audio.put_nowait(None)

    def abort(self) -> None:
        self._drop_speculation(count=False)
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
        if self._rec is None:
            return self._failed(self._broken or RuntimeError("no recognizer"))
        if self._buffered:
            return await self._recognize_buffered(self._rec)
        rec = self._rec
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
            return self._failed(exc)
        return self._heard(finals)

    async def _recognize_buffered(self, rec: StreamingRecognizer) -> Heard:
        """Start the stream now (model loaded off the response path), decode at the end:
        the speculative result when it still covers the utterance, else all the audio."""
        try:
            await rec.start(self._speech.language, self._speech.sample_rate,
                            hints=self._hints, grammar=self._grammar)
        except Exception as exc:
            return self._failed(exc)
        try:
            await self._finished.wait()
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await rec.close()
            raise
        spec = self._spec
        if spec is not None:
            with contextlib.suppress(Exception):
                await rec.close()  # nothing was fed: nothing to decode
            try:
                heard = await spec
            except asyncio.CancelledError:
                spec.cancel()
                raise
            if heard.error is None:
                self._speech.speculation.used += 1
                return heard
            try:  # the speculative decode failed: decode again
                rec = self._speech.new_recognizer(primed=self._primed)
            except Exception as exc:
                return self._failed(exc)
        return await self._decode(rec, b"".join(self._fed), started=spec is None)

    async def _decode(
        self, rec: StreamingRecognizer, audio: bytes, *, started: bool = False,
        speculative: bool = False,
    ) -> Heard:
        """One whole-utterance decode in `rec`."""
        began = time.monotonic()
        try:
            if not started:
                await rec.start(self._speech.language, self._speech.sample_rate,
                                hints=self._hints, grammar=self._grammar)
            await rec.feed(audio)
            await rec.close()
            finals = [r async for r in rec if r.is_final and r.text.strip()]
        except asyncio.CancelledError:
            rec.abort()
            with contextlib.suppress(Exception):
                await rec.close()
            raise
        except Exception as exc:
            return self._failed(exc)
        if speculative:
            self._speech.speculation.durations_s.append(time.monotonic() - began)
        heard = self._heard(finals)
        if speculative:
            heard = dataclasses.replace(heard, speculative=True)
        return heard

    def _failed(self, exc: Exception) -> Heard:
        """An engine failure is a turn with nothing heard."""
        engine = self._speech.asr_engine
        log.warning("ASR %s failed: %s", engine, exc)
        return Heard("", None, (), engine, time.monotonic(), error=str(exc))

    def _heard(self, finals: list[AsrResult]) -> Heard:
        engine = self._speech.asr_engine
        text = " ".join(r.text.strip() for r in finals)
        confs = [r.confidence for r in finals if r.confidence is not None]
        confidence = min(confs) if confs else None
        alternatives = tuple(a.text for a in finals[-1].alternatives) if finals else ()
        used = finals[-1].engine if finals and finals[-1].engine else engine
        return Heard(text, confidence, alternatives, used, time.monotonic())

"""The gate an outbound call passes before its Dialog starts: answering-machine detection
on the first audio, with the greeting transcribed when the detector asks for words, and
after a machine verdict, the wait for the beep before the message is spoken."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from bot_engine.call.amd import (
    AmdDecision,
    AmdResult,
    AmdSettings,
    AnsweringMachineDetector,
    phrase_hints,
)
from bot_engine.call.speech import CallSpeech
from bot_engine.call.utterance import Utterance


class AmdGate:
    def __init__(
        self,
        settings: AmdSettings | None,
        speech: CallSpeech,
        sample_rate: int,
        *,
        spawn: Callable[[Coroutine[Any, Any, None]], object],
        on_decided: Callable[[AmdResult], None],
    ) -> None:
        """`on_decided` is told the verdict once, whether from audio, words or the end."""
        self.detector = AnsweringMachineDetector(settings)
        self.speech = speech
        self.rate = sample_rate
        self.result: AmdResult | None = None
        self._spawn = spawn
        self._on_decided = on_decided
        self._audio = bytearray()
        self._asr = False
        self._await_beep = False
        self._beep = asyncio.Event()

    @property
    def deciding(self) -> bool:
        return self.result is None

    def feed(self, pcm: bytes) -> None:
        """One caller frame: before the verdict it is the detector's; after a machine
        verdict it is listened to for the beep."""
        detector = self.detector
        if self.result is not None:
            if self._await_beep:
                detector.feed_audio(pcm)
                if detector.beep_ended:
                    self._beep.set()
            return
        self._audio += pcm
        verdict = detector.feed_audio(pcm)
        if verdict is None and detector.awaiting_text and not self._asr:
            self._asr = True
            start = (detector.greeting_start_ms or 0) * self.rate // 1000 * 2
            self._spawn(self._transcribe(bytes(self._audio[start:])))
        elif verdict is None and detector.elapsed_ms >= detector.settings.total_analysis_ms + 2000:
            verdict = detector.finish()
        if verdict is not None:
            self._decide(verdict)

    async def _transcribe(self, greeting: bytes) -> None:
        utterance = Utterance(self.speech, list(phrase_hints(self.speech.language)), None,
                              greeting, primed=True)
        utterance.finish()
        heard = await utterance.result()
        if self.result is not None:
            return
        verdict = self.detector.feed_text(heard.text, final=True)
        if verdict is not None:
            self._decide(verdict)

    def _decide(self, verdict: AmdResult) -> None:
        if self.result is not None:
            return
        self.result = verdict
        if verdict.decision is AmdDecision.MACHINE:
            self._await_beep = True
            if self.detector.beep_ended:
                self._beep.set()
        self._on_decided(verdict)

    def ended(self) -> AmdResult | None:
        """The call ended: the verdict so far (decided now if it was still open)."""
        if self.result is None:
            self.result = self.detector.finish()
        return self.result

    async def wait_for_beep(self, timeout_s: float) -> None:
        """Before a machine's message: until the beep has ended (bounded), once."""
        if not self._await_beep:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._beep.wait(), timeout_s)
        self._await_beep = False

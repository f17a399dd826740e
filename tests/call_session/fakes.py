"""In-memory stand-ins for a call's outside world, so session tests run in milliseconds and
decide the same way every time: a leg whose sender is driven by the test (`FakeLeg.send`
takes one frame of every queued prompt, as a media clock tick would), a TTS that speaks a
tone, and a recognizer that hears what the test says it hears."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import numpy as np

from asr_tts.asr.base import AsrResult, StreamingRecognizer
from asr_tts.settings import SpeechSettings
from asr_tts.tts.base import Synthesizer, TtsOptions
from asr_tts.tts_cache import TtsCache
from bot_engine.call.speech import CallSpeech
from media_gateway.call_leg import (
    FRAME_MS,
    CallEnded,
    CallInfo,
    CallLeg,
    InboundDtmf,
    InboundEvent,
    InboundFrame,
    Playback,
    PlaybackResult,
    events_until_ended,
)
from media_gateway.playback import PlaybackQueue

RATE = 8000
FRAME = RATE * FRAME_MS // 1000 * 2


def tone(ms: int, hz: float = 440.0, level: int = 6000) -> bytes:
    t = np.arange(RATE * ms // 1000) / RATE
    return (level * np.sin(2 * np.pi * hz * t)).astype("<i2").tobytes()


class FakeLeg(CallLeg):
    """A connected call whose far end is the test."""

    def __init__(self) -> None:
        self.info = CallInfo(call_id="fake-call", direction="inbound", caller="+15550001",
                             callee="robot", transport="fake")
        self.sample_rate = RATE
        self.queue = PlaybackQueue(FRAME, RATE * 2 // 1000)
        self.heard = bytearray()
        """What the caller heard: every frame the sender took."""
        self.dtmf_sent: list[str] = []
        self.transfers: list[str] = []
        self.hung_up = asyncio.Event()
        self._events: asyncio.Queue[InboundEvent] = asyncio.Queue()
        self._media_ms = 0

    # -- the robot's side ------------------------------------------------------------

    def events(self) -> AsyncIterator[InboundEvent]:
        return events_until_ended(self._events.get)

    def play(self, pcm: bytes) -> Playback:
        return self.queue.enqueue(pcm)

    async def send_dtmf(self, digits: str) -> None:
        self.dtmf_sent.append(digits)

    async def transfer(self, target: str, *, wait_s: float | None = None) -> bool:
        self.transfers.append(target)
        return False

    async def hangup(self) -> None:
        if not self.hung_up.is_set():
            self.hung_up.set()
            self._events.put_nowait(CallEnded("robot_hangup"))

    # -- the test's side -------------------------------------------------------------

    @property
    def robot_talking(self) -> bool:
        return self.queue.busy

    def send(self, frames: int = 1) -> None:
        """Tick the sender: one frame of prompt audio goes out per tick (silence when
        idle), and the caller's ear keeps it."""
        for _ in range(frames):
            frame = self.queue.next_frame()
            self.heard += frame if frame is not None else bytes(FRAME)

    def say(self, pcm: bytes) -> None:
        """Caller audio, as 20 ms frames (the sender ticks with each)."""
        for start in range(0, len(pcm) - FRAME + 1, FRAME):
            self._events.put_nowait(InboundFrame(pcm[start:start + FRAME], self._media_ms))
            self._media_ms += FRAME_MS

    def press(self, digit: str) -> None:
        self._events.put_nowait(InboundDtmf(digit, self._media_ms))

    def caller_hangs_up(self) -> None:
        self._events.put_nowait(CallEnded("caller_hangup"))


class ToneSynthesizer(Synthesizer):
    """Every prompt is a tone of 10 ms per character (so long text is long audio)."""

    name = "tone"

    async def synthesize(
        self, text: str, voice: str | None, sample_rate: int, options: TtsOptions | None = None
    ) -> AsyncIterator[bytes]:
        yield tone(10 * len(text))


class HeardRecognizer(StreamingRecognizer):
    """Hears `text` in whatever it was fed (the test decides what the caller said)."""

    name = "fake"

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self._fed = 0

    async def _start(self, language: str, sample_rate: int, hints: list[str],
                     grammar: list[str]) -> None:
        return None

    async def _feed(self, pcm: bytes) -> None:
        self._fed += len(pcm)

    async def _close(self) -> None:
        if self._fed and self.text:
            self._emit(AsrResult(text=self.text, is_final=True, confidence=0.9, engine="fake"))
        self._finish()


def fake_speech(tmp_path: Path, heard: str = "") -> CallSpeech:
    """Speech for a call with no engines at all: tone prompts, a recognizer that hears
    `heard`."""
    settings = SpeechSettings(tts_cache_dir=tmp_path / "tts")
    synthesizer = ToneSynthesizer()
    cache = TtsCache(tmp_path / "tts", 1 << 24, synthesizers={"tone": synthesizer})
    speech = CallSpeech(settings, "en-US", "fake", "tone", None, synthesizer, cache)
    speech.new_recognizer = lambda primed=False: HeardRecognizer(heard)  # type: ignore[method-assign]
    return speech


async def wait_for(predicate: Callable[[], bool], leg: FakeLeg, *,
                   timeout_s: float = 30.0) -> bool:
    """Tick the leg's sender, letting the session run between ticks, until `predicate()`
    holds; False when it has not within `timeout_s` (a safety net, never a timing
    assertion). Now and then it yields for real: file writes and decodes run in threads."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    ticks = 0
    while not predicate():
        if loop.time() > deadline:
            return False
        leg.send()
        ticks += 1
        await asyncio.sleep(0.001 if ticks % 20 == 0 else 0)
    return True


__all__ = ["FakeLeg", "PlaybackResult", "fake_speech", "tone", "wait_for"]

"""The robot's side of a live call: prompt audio queued on the leg a chunk at a time,
paused at a caller's speech onset and resumed where it stopped, or stopped for good at a
barge-in; and what the caller got of it: when each chunk's first packet left (the end of
the response gap, and the robot's place in the recording) and how much of it went out.

Each chunk is one `Playback`: its `started` is the moment the sender took its first
frame, its `played_ms` how much went out, read at once when the prompt is cut.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot_engine.record import PromptResume, TranscriptTurn
from media_gateway.call_leg import CallLeg, Playback


@dataclass
class Chunk:
    pcm: bytes
    playback: Playback
    turn: TranscriptTurn | None
    barge_in: bool
    sent_at: float | None = None
    held: bool = False
    """Cancelled by a pause: its rest is held to resume, and it was not interrupted."""


@dataclass
class Held:
    """A paused prompt: the audio still to play, and what a barge-in must know."""

    onset: float
    """Arrival of the first frame of the loud run (its audio began a frame earlier)."""
    at: float
    stopped: float
    heard_ms: int
    step: str | None
    rest: list[tuple[bytes, TranscriptTurn | None, bool]] = field(default_factory=list)


class PromptPlayer:
    def __init__(
        self,
        leg: CallLeg,
        *,
        spawn: Callable[[Coroutine[Any, Any, None]], object],
        ms: Callable[[float], int],
        on_queued: Callable[[], None],
        on_first_packet: Callable[[float], None],
        on_played: Callable[[bytes, float], None],
        on_idle: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`ms` places a monotonic time on the recording's timeline; `on_queued` is told
        when audio goes on the leg, `on_first_packet(sent_at)` when a chunk's first packet
        left, `on_played(pcm, sent_at)` what of a chunk went out, `on_idle` when nothing
        is left to play."""
        self.leg = leg
        self.rate = leg.sample_rate
        self._spawn = spawn
        self._ms = ms
        self._on_queued = on_queued
        self._on_first_packet = on_first_packet
        self._on_played = on_played
        self._on_idle = on_idle
        self._clock = clock
        self.chunks: list[Chunk] = []
        self.held: Held | None = None
        self.epoch = 0
        """Bumped by every stop: a prompt still streaming from the TTS checks it."""
        self.resumed: list[PromptResume] = []
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def playing(self) -> bool:
        """Audio is going out, or paused to resume."""
        return bool(self.chunks) or self.held is not None

    def interruptible(self) -> bool:
        return all(c.barge_in for c in self.chunks)

    def heard_ms(self) -> int:
        """How much of the chunks on the leg went out so far."""
        return sum(c.playback.played_ms for c in self.chunks)

    def enqueue(self, pcm: bytes, turn: TranscriptTurn | None, barge_in: bool) -> None:
        if self.held is not None:  # paused: streamed audio waits its turn
            self.held.rest.append((pcm, turn, barge_in))
            return
        self._on_queued()
        chunk = Chunk(pcm, self.leg.play(pcm), turn, barge_in)
        self.chunks.append(chunk)
        self._idle.clear()
        self._spawn(self._track(chunk))

    async def _track(self, chunk: Chunk) -> None:
        if await chunk.playback.started():
            chunk.sent_at = self._clock()
            if chunk.turn is not None and chunk.turn.start_ms is None:
                chunk.turn.start_ms = self._ms(chunk.sent_at)
            self._on_first_packet(chunk.sent_at)
        result = await chunk.playback.wait()
        played = chunk.pcm[: result.played_ms * self.rate // 1000 * 2]
        if chunk.sent_at is not None and played:
            self._on_played(played, chunk.sent_at)
        if chunk.turn is not None:
            chunk.turn.heard_ms = (chunk.turn.heard_ms or 0) + result.played_ms
            chunk.turn.end_ms = self._ms(self._clock())
            if not result.completed and not chunk.held:
                chunk.turn.interrupted = True
        with contextlib.suppress(ValueError):
            self.chunks.remove(chunk)
        if not self.chunks and self.held is None:
            self._idle.set()
            self._on_idle()

    def stop(self) -> None:
        """Stop everything, held audio included, for good."""
        self.epoch += 1
        held, self.held = self.held, None
        if held is not None:
            for _, turn, _ in held.rest:
                if turn is not None:
                    turn.interrupted = True
            if not self.chunks:
                self._idle.set()
        for chunk in list(self.chunks):
            chunk.playback.cancel()

    def pause(self, now: float, onset: float, step: str | None) -> None:
        """Silence the robot at once; keep the unplayed audio to resume it."""
        heard = 0
        rest: list[tuple[bytes, TranscriptTurn | None, bool]] = []
        for chunk in list(self.chunks):
            chunk.held = True
            chunk.playback.cancel()
            played = chunk.playback.played_ms
            heard += played
            unplayed = chunk.pcm[played * self.rate // 1000 * 2:]
            if unplayed:
                rest.append((unplayed, chunk.turn, chunk.barge_in))
        self.held = Held(onset=onset, at=now, stopped=self._clock(), heard_ms=heard, step=step,
                         rest=rest)

    def resume(self, now: float) -> None:
        """The onset was not a word: play on from where the prompt paused."""
        held, self.held = self.held, None
        if held is None:
            return
        self.resumed.append(PromptResume(
            step=held.step, at_ms=self._ms(held.at), paused_ms=round((now - held.at) * 1000, 1)))
        for pcm, turn, barge_in in held.rest:
            self.enqueue(pcm, turn, barge_in)
        if not self.chunks:
            self._idle.set()
            self._on_idle()

    async def drain(self, timeout_s: float) -> None:
        """Until the prompts have played (bounded)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout_s)

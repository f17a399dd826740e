"""Queued, cancellable playback of PCM prompts, cut into fixed frames for a paced sender.

Every transport (RTP, WebSocket media, AudioSocket) sends audio one frame per 20 ms tick.
This queue is the part they share: `play` appends a prompt, the sender takes one frame per
tick, and each prompt's `Playback` reports when its first frame went out (`started`: the
response gap's end, and where the robot's audio goes in the recording) and how much of it
went out (`played_ms`, which barge-in needs).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from media_gateway.call_leg import Playback, PlaybackResult


class QueuedPlayback(Playback):
    def __init__(
        self, pcm: bytes, bytes_per_ms: int, on_cancel: Callable[[QueuedPlayback], None]
    ) -> None:
        self.pcm = pcm
        self.position = 0
        """Bytes handed to the sender so far."""
        self._bytes_per_ms = bytes_per_ms
        self._on_cancel = on_cancel
        loop = asyncio.get_running_loop()
        self._future: asyncio.Future[PlaybackResult] = loop.create_future()
        self._started: asyncio.Future[bool] = loop.create_future()

    @property
    def done(self) -> bool:
        return self._future.done()

    @property
    def played_ms(self) -> int:
        return self.position // self._bytes_per_ms

    def cancel(self) -> None:
        if not self.done:
            self.finish(completed=False)
            self._on_cancel(self)

    def finish(self, *, completed: bool) -> None:
        if not self._started.done():
            self._started.set_result(self.position > 0)
        if not self._future.done():
            self._future.set_result(PlaybackResult(self.played_ms, completed))

    def mark_started(self) -> None:
        """The sender took the first frame."""
        if not self._started.done():
            self._started.set_result(True)

    async def wait(self) -> PlaybackResult:
        return await asyncio.shield(self._future)

    async def started(self) -> bool:
        return await asyncio.shield(self._started)


class PlaybackQueue:
    """Prompts waiting to be sent, consumed one frame at a time.

    With `finish_on_sent` (RTP, AudioSocket) a prompt completes when its last frame is
    taken. Without it (Twilio, whose far end buffers audio), the transport finishes the
    prompt itself, when the far end confirms playout; `on_sent` tells it when to ask.
    """

    def __init__(
        self,
        frame_bytes: int,
        bytes_per_ms: int,
        *,
        finish_on_sent: bool = True,
        on_sent: Callable[[QueuedPlayback], None] | None = None,
        on_cancel: Callable[[QueuedPlayback], None] | None = None,
    ) -> None:
        self.frame_bytes = frame_bytes
        self.bytes_per_ms = bytes_per_ms
        self._finish_on_sent = finish_on_sent
        self._on_sent = on_sent
        self._on_cancel = on_cancel
        self._queue: deque[QueuedPlayback] = deque()

    @property
    def busy(self) -> bool:
        return bool(self._queue)

    def enqueue(self, pcm: bytes) -> QueuedPlayback:
        if len(pcm) % 2:
            pcm = pcm[:-1]  # half a sample cannot be played
        playback = QueuedPlayback(pcm, self.bytes_per_ms, self._drop_cancelled)
        if pcm:
            self._queue.append(playback)
        else:
            playback.finish(completed=True)
        return playback

    def next_frame(self) -> bytes | None:
        """The next frame (the last one of a prompt zero-padded), or None when idle."""
        span = self.next_span()
        if span is None:
            return None
        playback, start, end = span
        chunk = playback.pcm[start:end]
        if len(chunk) < self.frame_bytes:
            chunk += bytes(self.frame_bytes - len(chunk))
        return chunk

    def next_span(self) -> tuple[QueuedPlayback, int, int] | None:
        """Like `next_frame`, but the prompt and byte range instead of a copy (the range
        may be short at a prompt's end), for a sender that keeps the prompt pre-encoded."""
        while self._queue:
            current = self._queue[0]
            if current.done:
                self._queue.popleft()
                continue
            start = current.position
            end = current.position = min(start + self.frame_bytes, len(current.pcm))
            if start == 0:
                current.mark_started()
            if end >= len(current.pcm):
                self._queue.popleft()
                if self._finish_on_sent:
                    current.finish(completed=True)
                if self._on_sent is not None:
                    self._on_sent(current)
            return current, start, end
        return None

    def clear(self) -> list[QueuedPlayback]:
        """Cancel everything queued (barge-in); returns what was cancelled."""
        cancelled = [p for p in self._queue if not p.done]
        self._queue.clear()
        for playback in cancelled:
            playback.finish(completed=False)
        return cancelled

    def _drop_cancelled(self, playback: QueuedPlayback) -> None:
        while self._queue and self._queue[0].done:
            self._queue.popleft()
        if self._on_cancel is not None:
            self._on_cancel(playback)

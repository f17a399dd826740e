"""Relaying one call leg's media into another: the B2BUA's half of a bridged transfer.

Frames arrive from the source leg's jitter buffer (one 20 ms frame per tick of that leg's
media clock) and are queued on the target leg's playback, which its own clock sends; so a
bridge is two relays, one per direction, each through both legs' buffers. The two clocks
tick at the same nominal rate, but not in step: a relay keeps at most `max_lag_ms` queued
on the target and drops the oldest beyond that, so a burst or a slow drift can never build
up delay in the conversation. Keys go across as keys (RFC 4733 on a SIP leg), in order.

The relay never reads the source leg itself: whoever owns that leg's event stream (the
call session for the caller, `pump` for the operator) hands it the events, so one leg's
events are never read twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable

from media_gateway.call_leg import (
    FRAME_MS,
    CallEnded,
    CallLeg,
    InboundDtmf,
    InboundFrame,
    Playback,
)

log = logging.getLogger(__name__)



class LegRelay:
    """Plays another leg's frames and sends its keys on `target`."""

    def __init__(self, target: CallLeg, *, max_lag_ms: int = 200) -> None:
        self.target = target
        self.max_frames = max(1, max_lag_ms // FRAME_MS)
        self.frames = 0
        self.dropped = 0
        """Frames dropped to keep the lag bounded."""
        self.digits: list[str] = []
        self._queued: deque[Playback] = deque()
        self._keys: deque[str] = deque()
        self._sender: asyncio.Task[None] | None = None
        self._closed = False

    def push(self, event: InboundFrame | InboundDtmf) -> None:
        if self._closed:
            return
        if isinstance(event, InboundFrame):
            self._frame(event.pcm)
        else:
            self.digits.append(event.digit)
            self._keys.append(event.digit)
            if self._sender is None or self._sender.done():
                self._sender = asyncio.get_running_loop().create_task(self._send_keys())

    def _frame(self, pcm: bytes) -> None:
        queued = self._queued
        while queued and getattr(queued[0], "done", False):
            queued.popleft()
        while len(queued) >= self.max_frames:
            queued.popleft().cancel()
            self.dropped += 1
        queued.append(self.target.play(pcm))
        self.frames += 1

    async def _send_keys(self) -> None:
        while self._keys and not self._closed:
            digit = self._keys.popleft()
            try:
                await self.target.send_dtmf(digit)
            except Exception as exc:  # a peer without telephone-event: keys are lost
                log.info("bridge: cannot send key %s: %s", digit, exc)

    async def close(self) -> None:
        self._closed = True
        for playback in self._queued:
            playback.cancel()
        self._queued.clear()
        if self._sender is not None and not self._sender.done():
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._sender


async def pump(source: CallLeg,
               on_event: Callable[[InboundFrame | InboundDtmf], None]) -> CallEnded:
    """Read `source` to its end, handing each frame and key to `on_event` (a relay's
    `push`, a recorder, an acceptance detector); returns how the leg ended."""
    async for event in source.events():
        if isinstance(event, CallEnded):
            return event
        try:
            on_event(event)
        except Exception:  # one bad frame must not end the bridge
            log.exception("bridge: handling %r failed", event)
    return CallEnded("network_error")

"""What the call legs of the two stream transports share (Twilio Media Streams over
WebSocket, Asterisk AudioSocket over TCP): inbound events through an `InboundQueue`,
prompts through a `PlaybackQueue` sent on the media clock, DTMF towards the caller as
in-band tones (neither protocol carries it out of band), and a transfer only through a
handler the service supplies (neither protocol can transfer by itself).

A subclass sets `info`, `sample_rate`, `_events`, `_player`, `_ended` and
`_transfer_handler`, and says how an accepted transfer ends its call.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import ClassVar

from media_gateway.audio import dtmf_tones
from media_gateway.call_leg import (
    CallEnded,
    CallInfo,
    CallLeg,
    InboundEvent,
    Playback,
    events_until_ended,
)
from media_gateway.inbound_queue import InboundQueue
from media_gateway.playback import PlaybackQueue

log = logging.getLogger(__name__)

TransferHandler = Callable[[CallInfo, str], Awaitable[bool]]
"""Redirects the call through the platform's own API (Twilio REST, Asterisk AMI/ARI) and
says whether that worked."""


class StreamCallLeg(CallLeg):
    transport_name: ClassVar[str] = "a media stream"
    _events: InboundQueue[InboundEvent]
    _player: PlaybackQueue
    _ended: CallEnded | None
    _transfer_handler: TransferHandler | None

    def events(self) -> AsyncIterator[InboundEvent]:
        return events_until_ended(self._events.get)

    def play(self, pcm: bytes) -> Playback:
        playback = self._player.enqueue(pcm)
        if self._ended is not None:
            playback.finish(completed=False)
        return playback

    async def send_dtmf(self, digits: str) -> None:
        """In-band tones: the stream carries DTMF only from the caller to us."""
        await self.play(dtmf_tones(digits, self.sample_rate)).wait()

    async def transfer(self, target: str, *, wait_s: float | None = None) -> bool:  # noqa: ARG002 (the handler's platform decides how long the new call rings)
        if self._transfer_handler is None:
            log.warning(
                "transfer to %s not possible on %s without a handler", target, self.transport_name
            )
            return False
        accepted = await self._transfer_handler(self.info, target)
        if accepted:
            await self._end_transferred()
        return accepted

    @abc.abstractmethod
    async def _end_transferred(self) -> None:
        """End the call after the platform took it elsewhere."""

"""The one interface the rest of the system sees for a call, whatever the transport.

A CallLeg delivers inbound audio as 20 ms frames of 16-bit mono PCM at `sample_rate`, DTMF
digits and the end of the call, and accepts prompts to play, DTMF to send, a transfer and a
hangup. SIP/RTP, Twilio-protocol WebSocket media and Asterisk AudioSocket all produce
CallLegs, so the call session above never knows which one it drives.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

FRAME_MS = 20
"""Every leg's audio frame, inbound and outbound: 20 ms (one RTP packet, one media tick)."""
TELEPHONE_RATE = 8000
"""The telephone network's sample rate (G.711): what RTP, Twilio media and AudioSocket carry."""


@dataclass(frozen=True)
class CallInfo:
    call_id: str
    direction: Literal["inbound", "outbound"]
    caller: str
    callee: str
    transport: str
    """sip, websocket or audiosocket."""
    params: dict[str, str] = field(default_factory=dict)
    """Custom parameters: SIP X- headers, WebSocket customParameters and the like."""


@dataclass(frozen=True)
class InboundFrame:
    pcm: bytes
    """20 ms of 16-bit little-endian mono PCM at the leg's sample rate."""
    timestamp_ms: int
    """Media time of the first sample, from the start of the call's audio."""


@dataclass(frozen=True)
class InboundDtmf:
    digit: str
    timestamp_ms: int


@dataclass(frozen=True)
class CallEnded:
    cause: str
    """Why the call ended: caller_hangup, robot_hangup, transferred, network_error, ..."""


InboundEvent = InboundFrame | InboundDtmf | CallEnded


@dataclass(frozen=True)
class PlaybackResult:
    played_ms: int
    """How much of the prompt actually went out (for barge-in accounting)."""
    completed: bool
    """False when the playback was cancelled or the call ended first."""


class Playback(abc.ABC):
    """A prompt being played; cancellable for barge-in."""

    @abc.abstractmethod
    def cancel(self) -> None: ...

    @abc.abstractmethod
    async def wait(self) -> PlaybackResult: ...

    @abc.abstractmethod
    async def started(self) -> bool:
        """Returns when the sender takes the prompt's first frame (True: the moment the
        far end's first packet of it leaves), or when it ended unplayed (False)."""

    @property
    @abc.abstractmethod
    def played_ms(self) -> int:
        """How much has gone out so far, read at once (a barge-in must know it before
        the words or keys that caused it reach the dialog)."""


class CallLeg(abc.ABC):
    info: CallInfo
    sample_rate: int

    @abc.abstractmethod
    def events(self) -> AsyncIterator[InboundEvent]:
        """Inbound frames, DTMF and the final CallEnded, in order. Ends after CallEnded."""

    @abc.abstractmethod
    def play(self, pcm: bytes) -> Playback:
        """Queue PCM at `sample_rate` after anything already playing; returns at once."""

    @abc.abstractmethod
    async def send_dtmf(self, digits: str) -> None: ...

    @abc.abstractmethod
    async def transfer(self, target: str, *, wait_s: float | None = None) -> bool:
        """Blind transfer; True when the far end accepted it. `wait_s`: how long to wait
        for the outcome once the far end took the request (None: the transport's own
        safety net), so a target that never answers fails when the script says."""

    @abc.abstractmethod
    async def hangup(self) -> None: ...


async def events_until_ended(
    next_event: Callable[[], Awaitable[InboundEvent]],
) -> AsyncIterator[InboundEvent]:
    """A leg's `events()` over its inbound queue: everything up to and including the
    CallEnded."""
    while True:
        event = await next_event()
        yield event
        if isinstance(event, CallEnded):
            return

"""RFC 4733 telephone-events: the payload format, the receiver's de-duplication and the
sender's packet schedule. Sans-I/O: the session feeds packets and pulls payloads.

A key press is one event, identified by its RTP timestamp (every packet of one event
carries the event's start timestamp). The sender repeats the event with a growing
duration and sends the end packet three times (§2.5.1.4), so a receiver must report a
digit once per timestamp, not once per packet.
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass

from media_gateway.errors import GatewayError

EVENTS = "0123456789*#ABCD"
"""Event codes 0–15 (RFC 4733 §3.2), in order."""

_PAYLOAD = struct.Struct("!BBH")


class DtmfError(GatewayError, ValueError):
    pass


@dataclass(frozen=True, slots=True)
class TelephoneEvent:
    event: int
    end: bool
    volume: int
    duration: int
    """In timestamp units (samples at 8 kHz)."""

    @property
    def digit(self) -> str | None:
        return EVENTS[self.event] if self.event < len(EVENTS) else None

    def serialize(self) -> bytes:
        return _PAYLOAD.pack(
            self.event, (0x80 if self.end else 0) | (self.volume & 0x3F), self.duration & 0xFFFF
        )


def parse_event(payload: bytes) -> TelephoneEvent:
    if len(payload) < _PAYLOAD.size:
        raise DtmfError(f"telephone-event payload of {len(payload)} bytes, expected 4")
    event, flags, duration = _PAYLOAD.unpack_from(payload)
    return TelephoneEvent(
        event=event, end=bool(flags & 0x80), volume=flags & 0x3F, duration=duration
    )


def digit_code(digit: str) -> int:
    code = EVENTS.find(digit.upper())
    if len(digit) != 1 or code < 0:
        raise DtmfError(f"{digit!r} is not a DTMF digit (0-9, *, #, A-D)")
    return code


class DtmfReceiver:
    """Turns a stream of telephone-event packets into one digit per key press."""

    def __init__(self, memory: int = 16) -> None:
        self._seen: deque[tuple[int, int]] = deque(maxlen=memory)

    def receive(self, ssrc: int, timestamp: int, payload: bytes) -> str | None:
        """The digit when this packet starts a new event; None for repeats and non-DTMF."""
        event = parse_event(payload)
        key = (ssrc, timestamp)
        if key in self._seen:
            return None
        self._seen.append(key)
        return event.digit


@dataclass(frozen=True, slots=True)
class DtmfPacket:
    payload: bytes
    marker: bool
    new_event: bool
    """True on the first packet of an event: the sender fixes the event's timestamp then."""


class DtmfSender:
    """The packet schedule for a digit string, one packet per 20 ms tick.

    Each digit: `tone_ms` of updates (marker on the first), three end packets, then
    `gap_ms` of nothing (the session sends no audio in between, so digits stay separate).
    """

    def __init__(
        self,
        digits: str,
        *,
        tone_ms: int = 100,
        gap_ms: int = 60,
        volume: int = 10,
        tick_samples: int = 160,
        ptime_ms: int = 20,
    ) -> None:
        self._codes = [digit_code(d) for d in digits]
        self._plan: deque[DtmfPacket | None] = deque()
        updates = max(1, tone_ms // ptime_ms)
        for code in self._codes:
            for i in range(updates):
                event = TelephoneEvent(code, False, volume, (i + 1) * tick_samples)
                self._plan.append(DtmfPacket(event.serialize(), i == 0, i == 0))
            end = TelephoneEvent(code, True, volume, updates * tick_samples)
            self._plan.extend(DtmfPacket(end.serialize(), False, False) for _ in range(3))
            self._plan.extend(None for _ in range(max(0, gap_ms // ptime_ms)))

    @property
    def done(self) -> bool:
        return not self._plan

    def next_tick(self) -> DtmfPacket | None:
        """What to send this tick: a packet, or None for a silent pause (or when done)."""
        return self._plan.popleft() if self._plan else None

"""A fixed-depth jitter buffer, ordered by RTP sequence number. Sans-I/O.

The receive side pushes packets as they arrive; the shared media clock pops once per
20 ms tick. A packet is played in sequence order; one that arrives after its turn is
dropped as late; a missing one becomes a gap the caller fills with silence. Playout starts
(and restarts after an underrun) only once `depth` packets are buffered, so 40–60 ms of
arrival jitter never reaches the recogniser as dropouts. A new SSRC, or a sequence jump
too large to be reordering, is a new stream: the buffer resets instead of waiting for
thousands of "missing" packets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class PushResult(Enum):
    ACCEPTED = "accepted"
    LATE = "late"
    DUPLICATE = "duplicate"
    RESET = "reset"
    """Accepted as the first packet of a new stream (new SSRC or a sequence jump)."""


class _Gap:
    """Nothing to play this tick: fill with silence."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "GAP"


GAP = _Gap()


@dataclass(slots=True)
class JitterStats:
    received: int = 0
    played: int = 0
    lost: int = 0
    late: int = 0
    duplicates: int = 0
    resets: int = 0
    overflow_dropped: int = 0
    discarded: int = 0
    """Dropped on purpose to bring latency back down after a burst (not network loss)."""


def _seq_delta(a: int, b: int) -> int:
    """a − b for 16-bit sequence numbers, as a signed distance."""
    return ((a - b + 0x8000) & 0xFFFF) - 0x8000


class JitterBuffer:
    def __init__(
        self, depth: int = 3, capacity: int = 50, reset_distance: int = 200, max_excess: int = 8
    ) -> None:
        if not 1 <= depth <= capacity:
            raise ValueError("need 1 <= depth <= capacity")
        self.depth = depth
        self.max_excess = max_excess
        """Packets beyond `depth` tolerated before playout catches up by discarding the
        oldest: without it, one 200 ms stall (a busy loop, a network burst) would add
        200 ms to every later reply for the rest of the call."""
        self.capacity = capacity
        self.reset_distance = reset_distance
        self.stats = JitterStats()
        self._ssrc: int | None = None
        self._next: int = 0
        """Extended (unwrapped) sequence number of the next packet to play."""
        self._next_wire: int = 0
        self._packets: dict[int, bytes] = {}
        self._priming = True
        self._started = False
        """Playout of the current stream began (packets before `_next` are now late)."""
        self._ever_started = False

    @property
    def started(self) -> bool:
        """True once playout began; before that `pop` returns None (no media yet)."""
        return self._ever_started

    def __len__(self) -> int:
        return len(self._packets)

    def push(self, ssrc: int, sequence: int, payload: bytes) -> PushResult:
        self.stats.received += 1
        result = PushResult.ACCEPTED
        if self._ssrc is None or ssrc != self._ssrc:
            if self._ssrc is not None:
                self.stats.resets += 1
                result = PushResult.RESET
            self._restart(ssrc, sequence)
        delta = _seq_delta(sequence, self._next_wire)
        if abs(delta) > self.reset_distance:
            self.stats.resets += 1
            self._restart(ssrc, sequence)
            delta = 0
            result = PushResult.RESET
        if delta < 0 and self._started:
            self.stats.late += 1
            return PushResult.LATE
        key = self._next + delta
        if key in self._packets:
            self.stats.duplicates += 1
            return PushResult.DUPLICATE
        self._packets[key] = payload
        while len(self._packets) > self.capacity:  # bounded latency: drop the oldest
            oldest = min(self._packets)
            del self._packets[oldest]
            self.stats.overflow_dropped += 1
            if oldest >= self._next:
                self._move_next(oldest, count_lost=self._started and not self._priming)
                self._move_next(oldest + 1, count_lost=False)
        return result

    def pop(self) -> bytes | _Gap | None:
        """One packet's payload, GAP (fill silence), or None before playout begins."""
        if self._priming:
            if len(self._packets) < self.depth:
                return GAP if self._ever_started else None
            self._move_next(min(self._packets), count_lost=self._started)
            self._priming = False
            self._started = self._ever_started = True
        if not self._packets:  # underrun: wait for `depth` packets again
            self._priming = True
            return GAP
        if len(self._packets) > self.depth + self.max_excess:
            while len(self._packets) > self.depth:
                oldest = min(self._packets)
                del self._packets[oldest]
                self.stats.discarded += 1
                self._move_next(oldest, count_lost=True)  # real gaps before it are lost
                self._move_next(oldest + 1, count_lost=False)
        payload = self._packets.pop(self._next, None)
        self._move_next(self._next + 1, count_lost=False)
        if payload is None:
            self.stats.lost += 1
            return GAP
        self.stats.played += 1
        return payload

    def _restart(self, ssrc: int, sequence: int) -> None:
        self._ssrc = ssrc
        self._packets.clear()
        self._next = 0
        self._next_wire = sequence
        self._priming = True
        self._started = False

    def _move_next(self, key: int, *, count_lost: bool) -> None:
        """Move playout to `key`; with count_lost, packets skipped over count as lost."""
        moved = key - self._next
        if count_lost and moved > 0:
            self.stats.lost += moved
        self._next = key
        self._next_wire = (self._next_wire + moved) & 0xFFFF

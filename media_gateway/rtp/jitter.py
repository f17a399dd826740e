"""A jitter buffer, ordered by RTP sequence number, fixed-depth or adaptive. Sans-I/O.

The receive side pushes packets as they arrive; the shared media clock pops once per
20 ms tick. A packet is played in sequence order; one that arrives after its turn is
dropped as late; a missing one becomes a gap the caller fills with silence. Playout starts
(and restarts after an underrun) only once `depth` packets are buffered. A new SSRC, or a
sequence jump too large to be reordering, is a new stream: the buffer resets instead of
waiting for thousands of "missing" packets.

Every packet of depth is 20 ms the robot hears the caller later: later end-of-speech
detection, later barge-in. So the adaptive buffer keeps the delay the network needs and no
more. An underrun or a late packet deepens it by one packet (20 ms of silence is played
while it fills). A window in which every packet arrived at least one pop before its turn
lets it shed one (dropping the oldest packet). Each deepening doubles the window before
the next shedding, so a jittery path settles instead of oscillating.
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
    deepened: int = 0
    """Adaptive: times the depth grew (an underrun or a late packet)."""
    shed: int = 0
    """Adaptive: times the depth shrank (a packet dropped, counted in `discarded` too)."""


def _seq_delta(a: int, b: int) -> int:
    """a − b for 16-bit sequence numbers, as a signed distance."""
    return ((a - b + 0x8000) & 0xFFFF) - 0x8000


class JitterBuffer:
    def __init__(
        self,
        depth: int = 3,
        capacity: int = 50,
        reset_distance: int = 200,
        max_excess: int = 8,
        *,
        adaptive: bool = False,
        min_depth: int = 1,
        max_depth: int = 6,
        shed_window: int = 100,
        max_shed_window: int = 3000,
    ) -> None:
        """`depth` is the fixed depth, or the adaptive buffer's starting one, kept within
        `min_depth`..`max_depth`; `shed_window` pops (100 = 2 s) without need of the spare
        packet shed one, doubling after each deepening up to `max_shed_window`."""
        if not 1 <= depth <= capacity:
            raise ValueError("need 1 <= depth <= capacity")
        if adaptive and not 1 <= min_depth <= depth <= max_depth <= capacity:
            raise ValueError("need 1 <= min_depth <= depth <= max_depth <= capacity")
        if shed_window < 1 or max_shed_window < shed_window:
            raise ValueError("need 1 <= shed_window <= max_shed_window")
        self.depth = depth
        self.adaptive = adaptive
        self.min_depth = min_depth
        self.max_depth = max_depth
        self._shed_window = shed_window
        self._max_shed_window = max_shed_window
        self._window_pops = 0
        self._window_slack = capacity
        """Fewest pops any packet of this window arrived before its turn (0: just in time)."""
        self._hold = 0
        """Pops still to answer with silence, without consuming, to deepen the delay."""
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
            # it missed its turn narrowly: play 20 ms of silence to deepen the delay
            if self.adaptive and delta > -self.max_depth and self._deepen():
                self._hold += 1
            return PushResult.LATE
        key = self._next + delta
        if key in self._packets:
            self.stats.duplicates += 1
            return PushResult.DUPLICATE
        self._packets[key] = payload
        if self.adaptive and self._started and not self._priming:
            self._window_slack = min(self._window_slack, key - self._next + self._hold)
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
        if self._hold:
            self._hold -= 1
            return GAP
        if not self._packets:  # underrun: wait for `depth` packets again
            self._priming = True
            if self.adaptive:
                self._deepen()
            return GAP
        if self.adaptive:
            self._watch_slack()
        if len(self._packets) > self.depth + self.max_excess:
            while len(self._packets) > self.depth:
                self._discard_oldest()
        payload = self._packets.pop(self._next, None)
        self._move_next(self._next + 1, count_lost=False)
        if payload is None:
            self.stats.lost += 1
            return GAP
        self.stats.played += 1
        return payload

    def _deepen(self) -> bool:
        """One packet deeper (False at `max_depth`); the next shedding waits longer."""
        self._shed_window = min(self._shed_window * 2, self._max_shed_window)
        self._new_window()
        if self.depth >= self.max_depth:
            return False
        self.depth += 1
        self.stats.deepened += 1
        return True

    def _watch_slack(self) -> None:
        """At a pop: shed one packet of delay after a window that never needed it."""
        self._window_pops += 1
        if self._window_pops < self._shed_window:
            return
        spare = self._window_slack >= 1 and len(self._packets) >= 2
        self._new_window()
        if not spare or self.depth <= self.min_depth:
            return
        self._discard_oldest()
        self.stats.shed += 1
        self.depth -= 1

    def _discard_oldest(self) -> None:
        """Drop the next packet on purpose to cut delay (real gaps before it are lost)."""
        oldest = min(self._packets)
        del self._packets[oldest]
        self.stats.discarded += 1
        self._move_next(oldest, count_lost=True)
        self._move_next(oldest + 1, count_lost=False)

    def _new_window(self) -> None:
        self._window_pops = 0
        self._window_slack = self.capacity

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

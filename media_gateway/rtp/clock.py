"""One 20 ms clock for every call's media in the process.

A timer per call means hundreds of wake-ups per tick, each landing a little late, and the
lateness adds up when `sleep(0.02)` is called in a loop. Here one asyncio task wakes once
per tick on an absolute schedule (`next_tick += 20 ms`, so an early or late wake-up never
shifts later ticks), then lets every registered session send its packet and pull its
jitter buffer from that same loop. The clock measures how late each tick actually ran
against its schedule: that is the send jitter the benchmark reports.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import deque
from collections.abc import Callable
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

TICK_S = 0.020
#: After a stall longer than this many ticks, skip ahead instead of bursting to catch up.
MAX_CATCH_UP_TICKS = 5


class ClockClient(Protocol):
    def on_tick(self, scheduled: float) -> None:
        """Called once per tick with the tick's scheduled loop time. Must not block.

        A client may also define `after_tick()`: it runs once every client's `on_tick`
        is done, for work that is not time-critical (pulling the jitter buffer), so no
        session's packet waits behind another session's receive work."""


class MediaClock:
    def __init__(self, interval_s: float = TICK_S, *, history: int = 50_000) -> None:
        self.interval_s = interval_s
        self._clients: dict[int, ClockClient] = {}
        self._after: dict[int, Callable[[], None]] = {}
        self._task: asyncio.Task[None] | None = None
        self._lateness: deque[float] = deque(maxlen=history)
        self._work: deque[float] = deque(maxlen=history)
        """How long each tick's sending and receiving took: if this stays well under the
        interval while lateness is high, the process is starved of CPU, not overloaded."""
        self.ticks = 0
        self.skipped_ticks = 0
        self.client_errors = 0
        self._last_stall_log = float("-inf")

    def register(self, client: ClockClient) -> None:
        self._clients[id(client)] = client
        after = getattr(client, "after_tick", None)
        if callable(after):
            self._after[id(client)] = after
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="media-clock")

    def unregister(self, client: ClockClient) -> None:
        self._clients.pop(id(client), None)
        self._after.pop(id(client), None)

    @property
    def client_count(self) -> int:
        return len(self._clients)

    def lateness_ms(self) -> list[float]:
        """Recent per-tick lateness (actual wake-up minus schedule), in milliseconds."""
        return [x * 1000 for x in self._lateness]

    def lateness_percentile_ms(self, q: float) -> float:
        if not self._lateness:
            return 0.0
        return float(np.percentile(np.fromiter(self._lateness, dtype=float), q) * 1000)

    def work_percentile_ms(self, q: float) -> float:
        if not self._work:
            return 0.0
        return float(np.percentile(np.fromiter(self._work, dtype=float), q) * 1000)

    def reset_measurements(self) -> None:
        self._lateness.clear()
        self._work.clear()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_tick = loop.time() + self.interval_s
        while self._clients:
            # Always yield, even when behind: SIP, the call tasks and whoever reads the
            # frames run in these gaps, and a clock that never yields starves them all.
            await asyncio.sleep(max(0.0, next_tick - loop.time()))
            now = loop.time()
            behind = int((now - next_tick) / self.interval_s)
            if behind > MAX_CATCH_UP_TICKS:
                if now - self._last_stall_log > 10.0:  # a starved process would flood the log
                    self._last_stall_log = now
                    log.warning(
                        "media clock stalled for %d ticks (%d skipped so far); skipping ahead",
                        behind,
                        self.skipped_ticks + behind,
                    )
                self.skipped_ticks += behind
                next_tick += behind * self.interval_s
                behind = 0
            # Every tick now due (this one, and any the loop was too busy to run) sends
            # first, back to back, in schedule order; the receive work of all of them
            # comes after. Interleaving them would make each overdue tick wait for the
            # previous one's receive work as well: after a 60 ms stall at 250 calls, five
            # late ticks instead of three. A batch stops growing after one interval of
            # sending, so an overloaded clock still yields to the loop every tick or so.
            batch_start = loop.time()
            sent = 0
            while sent <= behind and (sent == 0 or loop.time() - batch_start < self.interval_s):
                scheduled = next_tick + sent * self.interval_s
                self._lateness.append(loop.time() - scheduled)
                self.ticks += 1
                sent += 1
                for client in list(self._clients.values()):
                    try:
                        client.on_tick(scheduled)
                    except Exception:  # one broken session must not stop every call's media
                        self.client_errors += 1
                        log.exception("media clock client failed")
            for _ in range(sent):
                for after in list(self._after.values()):
                    try:
                        after()
                    except Exception:
                        self.client_errors += 1
                        log.exception("media clock client failed after the tick")
            self._work.append(loop.time() - now)
            next_tick += sent * self.interval_s


_shared: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, MediaClock] = (
    weakref.WeakKeyDictionary()
)


def shared_clock() -> MediaClock:
    """The clock of the running event loop, shared by every session on it."""
    loop = asyncio.get_running_loop()
    clock = _shared.get(loop)
    if clock is None:
        clock = _shared[loop] = MediaClock()
    return clock

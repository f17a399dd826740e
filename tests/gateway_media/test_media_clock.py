"""The shared MediaClock: one task, absolute schedule, survives stalls and bad clients."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from media_gateway.rtp import clock as clock_module
from media_gateway.rtp.clock import MediaClock, shared_clock


class Recorder:
    def __init__(self, stop_after: int) -> None:
        self.scheduled: list[float] = []
        self.done = asyncio.Event()
        self.stop_after = stop_after

    def on_tick(self, scheduled: float) -> None:
        self.scheduled.append(scheduled)
        if len(self.scheduled) >= self.stop_after:
            self.done.set()


async def test_ticks_follow_an_absolute_grid_for_every_client() -> None:
    clock = MediaClock()
    recorders = [Recorder(10) for _ in range(50)]
    for r in recorders:
        clock.register(r)
    async with asyncio.timeout(5):
        await asyncio.gather(*(r.done.wait() for r in recorders))
    for r in recorders:
        clock.unregister(r)
    first = recorders[0].scheduled[:10]
    steps = [(b - a) / 0.02 for a, b in itertools.pairwise(first)]
    # Whole ticks apart (exactly one unless the machine stalled the loop past the
    # catch-up limit): the schedule never drifts by the time each wake-up took.
    assert steps == pytest.approx([max(1, round(x)) for x in steps], abs=1e-6)
    # Every session was served by the same tick: one task, not a timer per call.
    assert all(r.scheduled[:10] == first for r in recorders)
    assert len(clock.lateness_ms()) == clock.ticks


async def test_a_stall_skips_ahead_on_the_grid_instead_of_bursting() -> None:
    clock = MediaClock()
    recorder = Recorder(8)

    class Staller:
        stalled = False

        def on_tick(self, scheduled: float) -> None:
            if not self.stalled:
                self.stalled = True
                time.sleep(0.3)  # simulates a blocked event loop, not a synchronisation

    staller = Staller()
    clock.register(staller)
    clock.register(recorder)
    async with asyncio.timeout(5):
        await recorder.done.wait()
    clock.unregister(staller)
    clock.unregister(recorder)
    assert clock.skipped_ticks >= 5
    origin = recorder.scheduled[0]
    offsets = [(t - origin) / 0.02 for t in recorder.scheduled]
    assert offsets == pytest.approx([round(o) for o in offsets], abs=1e-6)
    assert offsets[1] >= 6  # jumped, rather than firing the missed ticks back to back


async def test_a_failing_client_does_not_stop_the_others() -> None:
    clock = MediaClock()

    class Broken:
        def on_tick(self, scheduled: float) -> None:
            raise RuntimeError("boom")

    good = Recorder(5)
    broken = Broken()
    clock.register(broken)
    clock.register(good)
    async with asyncio.timeout(5):
        await good.done.wait()
    clock.unregister(broken)
    clock.unregister(good)
    assert clock.client_errors >= 4


async def test_the_task_stops_when_the_last_client_leaves() -> None:
    clock = MediaClock()
    recorder = Recorder(2)
    clock.register(recorder)
    async with asyncio.timeout(5):
        await recorder.done.wait()
    task = clock._task
    clock.unregister(recorder)
    assert task is not None
    await asyncio.wait_for(task, 5)
    assert clock.client_count == 0


async def test_shared_clock_is_one_per_event_loop() -> None:
    assert shared_clock() is shared_clock()


async def test_an_overloaded_clock_still_lets_network_callbacks_run() -> None:
    """When every tick overruns, the clock is always behind; it must still yield to the
    event loop each tick, or no session would ever receive a packet."""
    clock = MediaClock()
    loop = asyncio.get_running_loop()
    ran_between_ticks: list[int] = []

    class Overloaded:
        ticks = 0

        def on_tick(self, scheduled: float) -> None:
            self.ticks += 1
            end = time.perf_counter() + 0.03  # CPU-bound work longer than a tick
            while time.perf_counter() < end:
                pass

    def other_callback() -> None:
        ran_between_ticks.append(overloaded.ticks)
        if not recorder.done.is_set():
            loop.call_soon(other_callback)

    overloaded = Overloaded()
    recorder = Recorder(10)
    clock.register(overloaded)
    clock.register(recorder)
    loop.call_soon(other_callback)
    async with asyncio.timeout(5):
        await recorder.done.wait()
    clock.unregister(overloaded)
    clock.unregister(recorder)
    # The other callback ran in the gap after (nearly) every tick, not just before the first.
    assert len(set(ran_between_ticks)) >= 8


async def test_after_tick_work_runs_once_every_client_has_sent() -> None:
    clock = MediaClock()
    log: list[str] = []

    class Session:
        def __init__(self, name: str) -> None:
            self.name = name

        def on_tick(self, scheduled: float) -> None:
            log.append(f"send {self.name}")

        def after_tick(self) -> None:
            log.append(f"receive {self.name}")

    recorder = Recorder(1)
    sessions = [Session("a"), Session("b")]
    for session in sessions:
        clock.register(session)
    clock.register(recorder)
    async with asyncio.timeout(5):
        await recorder.done.wait()
    for client in [*sessions, recorder]:
        clock.unregister(client)
    assert log[:4] == ["send a", "send b", "receive a", "receive b"]


async def test_overdue_ticks_send_back_to_back_before_their_receive_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A loaded machine may stretch the 75 ms stall past the catch-up limit, and the clock
    # would then skip ahead instead: lift the limit so any stall bursts.
    monkeypatch.setattr(clock_module, "MAX_CATCH_UP_TICKS", 1_000_000)
    clock = MediaClock()
    log: list[tuple[str, float]] = []

    class Session:
        stalled = False

        def on_tick(self, scheduled: float) -> None:
            log.append(("send", scheduled))
            if not self.stalled:
                self.stalled = True
                time.sleep(0.075)  # simulates a busy loop: three or more ticks fall due

        def after_tick(self) -> None:
            log.append(("receive", 0.0))

    session = Session()
    recorder = Recorder(8)
    clock.register(session)
    clock.register(recorder)
    async with asyncio.timeout(5):
        await recorder.done.wait()
    clock.unregister(session)
    clock.unregister(recorder)
    kinds = [kind for kind, _ in log]
    # After the stalled tick: its receive work, then the overdue ticks' sends in a row,
    # on the grid, then one receive per overdue tick.
    assert kinds[:2] == ["send", "receive"]
    overdue = 0
    while kinds[2 + overdue] == "send":
        overdue += 1
    assert overdue >= 3
    assert kinds[2 + overdue : 2 + 2 * overdue] == ["receive"] * overdue
    sends = [scheduled for kind, scheduled in log if kind == "send"]
    steps = [(b - a) / 0.02 for a, b in itertools.pairwise(sends[: overdue + 1])]
    assert steps == pytest.approx([1.0] * overdue, abs=1e-6)
    assert kinds.count("send") - kinds.count("receive") in (0, 1)  # mid-tick at most

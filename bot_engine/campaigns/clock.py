"""Time for the dispatcher: the system clock in production, a virtual clock in tests (a
three-day campaign then runs in seconds, with every rule applied as in real time)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def wait(self, until: datetime, wake: asyncio.Event) -> None:
        """Return at `until`, or earlier when `wake` is set."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def wait(self, until: datetime, wake: asyncio.Event) -> None:
        delay = (until - self.now()).total_seconds()
        if delay <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=delay)


class VirtualClock:
    """Moves only when told to (`advance`, `set`). `wait` returns once the virtual time
    reaches `until`, or on wake."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        self._now = max(self._now, at.astimezone(UTC))
        moved, self._moved = self._moved, asyncio.Event()
        moved.set()

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)

    async def wait(self, until: datetime, wake: asyncio.Event) -> None:
        while self._now < until and not wake.is_set():
            waiters = {
                asyncio.ensure_future(self._moved.wait()),
                asyncio.ensure_future(wake.wait()),
            }
            _, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()

"""The queue between a transport's receive side and the one reader of `CallLeg.events()`.

Bounded in audio only: when nobody reads (a stuck call handler), the oldest 20 ms frames
go first, so memory stays flat, while DTMF digits and the end of the call are never
dropped. It is also lighter than `asyncio.Queue` on the per-frame hot path.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Generic, TypeVar

from media_gateway.call_leg import InboundFrame

T = TypeVar("T")

#: 10 s of 20 ms frames.
DEFAULT_MAX_FRAMES = 500


class InboundQueue(Generic[T]):
    def __init__(self, max_frames: int = DEFAULT_MAX_FRAMES) -> None:
        self.max_frames = max_frames
        self.dropped_frames = 0
        self._items: deque[T] = deque()
        self._frames = 0
        self._waiter: asyncio.Future[None] | None = None

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: T) -> None:
        if isinstance(item, InboundFrame):
            if self._frames >= self.max_frames:
                self._drop_oldest_frame()
            self._frames += 1
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> T:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        item = self._items.popleft()
        if isinstance(item, InboundFrame):
            self._frames -= 1
        return item

    def pop_nowait(self) -> T:
        """The oldest item; IndexError when empty."""
        item = self._items.popleft()
        if isinstance(item, InboundFrame):
            self._frames -= 1
        return item

    def _drop_oldest_frame(self) -> None:
        for index, item in enumerate(self._items):
            if isinstance(item, InboundFrame):
                del self._items[index]
                self._frames -= 1
                self.dropped_frames += 1
                return

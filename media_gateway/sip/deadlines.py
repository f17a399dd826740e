"""Deadlines of many owners (transactions, calls, the registration) in one heap.

The SIP core has thousands of timers when busy (every transaction lingers 32 s after it
ends), but its I/O edge needs only the earliest. Setting an owner's deadline replaces its
old one; replaced entries are skipped when they reach the top of the heap, so every
operation is O(log n). No clock is read here: the caller says what time it is.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Hashable

Action = Callable[[], None]


class Deadlines:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Hashable]] = []
        self._armed: dict[Hashable, tuple[float, int, Action]] = {}
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._armed)

    def set(self, owner: Hashable, deadline: float | None, action: Action) -> None:
        """Run `action` at `deadline` (None: never), replacing the owner's earlier one."""
        if deadline is None:
            self._armed.pop(owner, None)
            return
        current = self._armed.get(owner)
        if current is not None and current[0] == deadline:
            self._armed[owner] = (deadline, current[1], action)
            return
        seq = next(self._seq)
        self._armed[owner] = (deadline, seq, action)
        heapq.heappush(self._heap, (deadline, seq, owner))

    def cancel(self, owner: Hashable) -> None:
        self._armed.pop(owner, None)

    def next(self) -> float | None:
        """The earliest deadline still armed."""
        heap = self._heap
        while heap:
            deadline, seq, owner = heap[0]
            armed = self._armed.get(owner)
            if armed is not None and armed[1] == seq:
                return deadline
            heapq.heappop(heap)
        return None

    def pop_due(self, now: float) -> Action | None:
        """The action of the earliest deadline at or before `now` (disarmed), or None."""
        deadline = self.next()
        if deadline is None or deadline > now:
            return None
        _, _, owner = heapq.heappop(self._heap)
        return self._armed.pop(owner)[2]

    def clear(self) -> None:
        self._heap.clear()
        self._armed.clear()

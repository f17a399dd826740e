"""Background tasks that someone owns: kept referenced while they run (the event loop holds
tasks only weakly), and stopped together when their owner closes.

One helper for every "spawn a task and forget it" in the call runtime and the service, so
none of them loses a task to the garbage collector or leaves one running after a close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterator
from typing import Any

log = logging.getLogger(__name__)


class TaskSet:
    """The tasks one owner started and has not seen finish."""

    def __init__(self, *, log_errors: str | None = None) -> None:
        """`log_errors`: log a task's exception under this description instead of leaving
        it to the loop's "exception was never retrieved"."""
        self._tasks: set[asyncio.Task[Any]] = set()
        self._log_errors = log_errors

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str | None = None) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if self._log_errors is not None and not task.cancelled():
            exc = task.exception()
            if exc is not None:
                log.error("%s failed", self._log_errors, exc_info=exc)

    def __len__(self) -> int:
        return len(self._tasks)

    def __iter__(self) -> Iterator[asyncio.Task[Any]]:
        return iter(list(self._tasks))

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def wait(self) -> None:
        """Until every task has finished (bound it with `asyncio.timeout`: the tasks go on)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks))

    # A grace period, not a deadline: when it runs out the rest is cancelled, not an error.
    async def close(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Give running tasks `timeout` seconds (None: cancel them at once), then cancel
        what is left and wait for it to stop."""
        if timeout and self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

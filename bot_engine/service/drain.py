"""Graceful drain: on SIGTERM a worker stops taking new calls and new work, lets its calls in
progress finish (up to `drain_timeout_s`), then exits, so a rolling restart drops no call.

Taking no new calls means: SIP INVITEs and OPTIONS probes get 503 (the edge's dispatcher
marks the worker inactive and sends calls to the others), queued calls are not placed here
(they are handed to the other workers when this one leaves), the campaign loop and the
delivery outbox stop claiming. The HTTP API keeps answering meanwhile; /healthz says
`draining` with 503, so an HTTP load balancer stops sending requests too. A second SIGTERM
(or SIGINT) stops at once: calls still running are hung up and end with a result.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from types import FrameType
from typing import Any

import uvicorn

from bot_engine.service.workers import WorkerRegistry

log = logging.getLogger(__name__)

Stop = Callable[[], Awaitable[None]]


class Drain:
    def __init__(
        self,
        registry: WorkerRegistry,
        *,
        timeout_s: float,
        stop_taking: Sequence[Callable[[], None]] = (),
        stop_claiming: Sequence[Stop] = (),
        poll_s: float = 0.5,
    ) -> None:
        self.registry = registry
        self.timeout_s = timeout_s
        self.stop_taking = stop_taking
        self.stop_claiming = stop_claiming
        self.poll_s = poll_s
        self.started: float | None = None
        self.done = asyncio.Event()

    @property
    def draining(self) -> bool:
        return self.started is not None

    async def run(self) -> bool:
        """Drain; True when every call finished within the limit."""
        if self.started is not None:
            await self.done.wait()
            return self.registry.active_calls == 0
        self.started = time.monotonic()
        for stop in self.stop_taking:
            stop()
        await self.registry.drain()
        log.warning(
            "draining: no new calls; waiting up to %.0f s for %d calls in progress",
            self.timeout_s, self.registry.active_calls,
        )
        for stop_claims in self.stop_claiming:
            try:
                await stop_claims()
            except Exception:
                log.exception("draining: cannot stop a claim loop")
        deadline = self.started + self.timeout_s
        while self.registry.active_calls > 0 and time.monotonic() < deadline:
            await asyncio.sleep(self.poll_s)
            await self.registry.beat()
        finished = self.registry.active_calls == 0
        if finished:
            log.warning("drained in %.1f s", time.monotonic() - self.started)
        else:
            log.warning("drain limit reached with %d calls in progress: they are hung up",
                        self.registry.active_calls)
        self.done.set()
        return finished


class DrainingServer(uvicorn.Server):
    """uvicorn whose first SIGTERM drains (`drain()` returns the app's `Drain`, or None
    before the app has started) before the usual graceful shutdown."""

    def __init__(self, config: uvicorn.Config, drain: Callable[[], Drain | None]) -> None:
        super().__init__(config)
        self._drain = drain
        self._task: asyncio.Task[Any] | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        drain = self._drain()
        if sig != signal.SIGTERM or self._task is not None or drain is None:
            super().handle_exit(sig, frame)
            return
        self._captured_signals.append(sig)
        loop = asyncio.get_event_loop()
        loop.call_soon_threadsafe(self._start, drain)

    def _start(self, drain: Drain) -> None:
        self._task = asyncio.get_running_loop().create_task(self._then_exit(drain))

    async def _then_exit(self, drain: Drain) -> None:
        try:
            await drain.run()
        except Exception:
            log.exception("draining failed")
        self.should_exit = True


def app_drain(app: Any) -> Drain | None:
    """The running app's `Drain` (None while it starts)."""
    service = getattr(app.state, "service", None)
    return getattr(service, "drain", None)
